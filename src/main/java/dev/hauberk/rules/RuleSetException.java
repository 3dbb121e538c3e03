package dev.hauberk.rules;

import dev.hauberk.config.ConfigException;
import java.util.List;

/**
 * A rule set that failed validation: every error found, each starting with file:line:column.
 * The message contains them all, one per line.
 */
public final class RuleSetException extends ConfigException {

    private final List<String> errors;

    public RuleSetException(List<String> errors) {
        super(String.join("\n", errors));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a rule set error needs at least one message");
        }
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }
}
