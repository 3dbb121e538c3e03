package dev.hauberk.config;

/** Invalid configuration: the message starts with file:line:column when the place is known. */
public class ConfigException extends Exception {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
