package dev.hauberk.api;

import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Settings of the {@link HttpVerticle}.
 *
 * @param host      the address to listen on; the default keeps the API on loopback
 * @param port      the TCP port, or 0 for a port chosen by the kernel (tests use that)
 * @param tokenFile the file with the API's bearer token, created at start when absent
 */
public record HttpApiOptions(String host, int port, Path tokenFile) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 7450;
    public static final String DEFAULT_TOKEN_FILE = "/etc/hauberk/api-token";

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
        if (tokenFile == null) {
            throw new IllegalArgumentException("HTTP config key 'tokenFile' is missing");
        }
    }

    /** Options with the default token file. */
    public HttpApiOptions(String host, int port) {
        this(host, port, Path.of(DEFAULT_TOKEN_FILE));
    }

    /**
     * Returns whether read-only endpoints need the token too: whenever host is not a loopback
     * address, because then others on the network reach the API. A host that is not an address
     * literal counts as not loopback.
     */
    public boolean tokenRequiredForReads() {
        try {
            return !InetAddress.ofLiteral(host).isLoopbackAddress();
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    /**
     * Reads "host" (default 127.0.0.1), "port" (default 7450) and "tokenFile" (default
     * /etc/hauberk/api-token) from a verticle configuration. Throws IllegalArgumentException
     * naming the key, the value and the allowed values.
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
        Object tokenFile = config.getValue("tokenFile", DEFAULT_TOKEN_FILE);
        if (!(tokenFile instanceof String tokenText) || tokenText.isBlank()) {
            throw new IllegalArgumentException("HTTP config key 'tokenFile' must be a file name, got " + tokenFile);
        }
        try {
            return new HttpApiOptions(hostText, (int) portNumber, Path.of(tokenText));
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("HTTP config key 'tokenFile' is not a valid path: " + e.getMessage(), e);
        }
    }

    /** Formats host:port for messages, with brackets around an IPv6 address. */
    public String address() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
