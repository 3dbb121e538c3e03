package dev.hauberk.api;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bearer token authentication. Changes (mode switches, reloads) always need the token; reads
 * need it too when the API listens on an address other than loopback. A request without the
 * right token gets 401 with a JSON error before any handler runs, so nothing changes.
 */
final class ApiAuth {

    /** Key of the routing context's data that contains the authenticated client, for audit records. */
    static final String CLIENT = "hauberk.client";
    static final int UNAUTHORIZED = 401;

    private static final Logger LOG = LoggerFactory.getLogger(ApiAuth.class);
    private static final String SCHEME = "Bearer ";
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final ApiToken token;
    private final boolean requiredForReads;
    private final String tokenFile;
    private final AtomicLong lastLogNanos = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);
    private final AtomicLong suppressedLogs = new AtomicLong();

    /**
     * @param requiredForReads whether read-only endpoints need the token too: true when the
     *                         API listens on an address other than loopback
     * @param tokenFile        where the token is, for the hint in a 401
     */
    ApiAuth(ApiToken token, boolean requiredForReads, String tokenFile) {
        this.token = token;
        this.requiredForReads = requiredForReads;
        this.tokenFile = tokenFile;
    }

    /** Returns the handler that lets a request through only with the right token. */
    Handler<RoutingContext> required() {
        return this::authenticate;
    }

    /** Returns the handler for read-only endpoints: the token check on a non-loopback address, else open. */
    Handler<RoutingContext> forReads() {
        return requiredForReads ? this::authenticate : RoutingContext::next;
    }

    boolean requiredForReads() {
        return requiredForReads;
    }

    private void authenticate(RoutingContext context) {
        List<String> headers = context.request().headers().getAll("Authorization");
        String problem = null;
        if (headers.isEmpty()) {
            problem = "missing bearer token: send the header Authorization: Bearer TOKEN with the token from " + tokenFile;
        } else if (headers.size() > 1) {
            problem = "more than one Authorization header; send exactly one";
        } else if (!headers.getFirst().regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            problem = "the Authorization header is not of the form Bearer TOKEN";
        } else if (!token.matches(headers.getFirst().substring(SCHEME.length()).strip())) {
            problem = "invalid bearer token; use the token from " + tokenFile;
        }
        if (problem != null) {
            logRejected(context, problem);
            context.response().putHeader("WWW-Authenticate", "Bearer realm=\"hauberk\"");
            JsonResponses.sendError(context, UNAUTHORIZED, problem);
            return;
        }
        context.put(CLIENT, client(context).put("tokenFingerprint", token.fingerprint()));
        context.next();
    }

    /** Describes the client of a request for audit records: its address and, once authenticated, the token's fingerprint. */
    static JsonObject client(RoutingContext context) {
        return new JsonObject()
                .put("via", "http")
                .put("address", String.valueOf(context.request().remoteAddress()));
    }

    /** Logs a rejected request, at most once per 10 s with the number held back, and never the token. */
    private void logRejected(RoutingContext context, String problem) {
        long now = System.nanoTime();
        long last = lastLogNanos.get();
        if (now - last < LOG_INTERVAL_NANOS || !lastLogNanos.compareAndSet(last, now)) {
            suppressedLogs.incrementAndGet();
            return;
        }
        LOG.warn("{} {} from {} rejected with 401: {} ({} rejections not logged since the last one)",
                context.request().method(), context.request().path(), context.request().remoteAddress(), problem,
                suppressedLogs.getAndSet(0));
    }
}
