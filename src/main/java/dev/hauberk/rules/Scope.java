package dev.hauberk.rules;

import java.util.Locale;
import java.util.Optional;

/** Mirrors enum hk_scope: whether a rule applies on the host, in containers, or both. */
public enum Scope {
    ANY(0),
    HOST(1),
    CONTAINER(2);

    private final int code;

    Scope(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** Returns the lower-case name used in conf/rules/*.yaml and JSON: any, host, container. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Scope> parse(String text) {
        for (Scope scope : values()) {
            if (scope.jsonName().equals(text)) {
                return Optional.of(scope);
            }
        }
        return Optional.empty();
    }
}
