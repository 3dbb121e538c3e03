package dev.hauberk.sink;

/** A journal query with an invalid field; the message names the field and the allowed values. */
public final class InvalidQueryException extends IllegalArgumentException {

    private final String field;

    public InvalidQueryException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** Returns the name of the invalid field, as in the query JSON and the HTTP parameters. */
    public String field() {
        return field;
    }
}
