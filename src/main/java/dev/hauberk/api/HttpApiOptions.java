package dev.hauberk.api;

import io.vertx.core.json.JsonObject;

/**
 * Settings of the {@link HttpVerticle}.
 *
 * @param host the address to listen on; the default keeps the API on loopback
 * @param port the TCP port, or 0 for a port chosen by the kernel (tests use that)
 */
public record HttpApiOptions(String host, int port) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 7450;

    /** Validates the values; throws IllegalArgumentException naming the key. */
    public HttpApiOptions {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("HTTP config key 'host' must be a non-empty address, got \""
                    + host + "\"");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("HTTP config key 'port' must be an integer from 0 to 65535, got "
                    + port);
        }
    }

    /**
     * Reads "host" (default 127.0.0.1) and "port" (default 7450) from a verticle configuration.
     * Throws IllegalArgumentException naming the key, the value and the allowed values.
     */
    public static HttpApiOptions fromConfig(JsonObject config) {
        Object host = config.getValue("host", DEFAULT_HOST);
        if (!(host instanceof String hostText)) {
            throw new IllegalArgumentException("HTTP config key 'host' must be a string, got " + host);
        }
        Object port = config.getValue("port", DEFAULT_PORT);
        if (!(port instanceof Integer || port instanceof Long)) {
            throw new IllegalArgumentException("HTTP config key 'port' must be an integer from 0 to 65535, got "
                    + (port instanceof String text ? "\"" + text + "\"" : port));
        }
        long portNumber = ((Number) port).longValue();
        if (portNumber < 0 || portNumber > 65_535) {
            throw new IllegalArgumentException("HTTP config key 'port' must be an integer from 0 to 65535, got "
                    + portNumber);
        }
        return new HttpApiOptions(hostText, (int) portNumber);
    }

    /** Formats host:port for messages, with brackets around an IPv6 address. */
    public String address() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
