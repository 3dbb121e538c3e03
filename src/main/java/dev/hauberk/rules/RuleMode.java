package dev.hauberk.rules;

import java.util.Locale;
import java.util.Optional;

/** Mirrors enum hk_mode: what a rule does when it matches. */
public enum RuleMode {
    /** Not evaluated: nothing is reported. */
    OFF(0),
    /** Reported only. */
    MONITOR(1),
    /** Reported and blocked (LSM or cgroup hook) or killed (SIGKILL), as the kernel allows. */
    ENFORCE(2);

    private final int code;

    RuleMode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The lower-case name used in configuration and JSON: off, monitor, enforce. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<RuleMode> parse(String text) {
        for (RuleMode mode : values()) {
            if (mode.jsonName().equals(text)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }

    public static RuleMode fromCode(int code) {
        for (RuleMode mode : values()) {
            if (mode.code == code) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown rule mode code " + code);
    }
}
