package dev.hauberk.api;

import dev.hauberk.Addresses;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API and the WebSocket stream, on an event loop. Several instances share the port
 * and the WebSocket counters, so raising the instance count spreads connections over event loops.
 *
 * <ul>
 * <li>{@code GET /api/v1/detections}: {@link DetectionsHandler}
 * <li>{@code GET /api/v1/rules} and {@code GET /api/v1/containers}: {@link ListHandler}
 * <li>{@code GET /api/v1/health}: {@link HealthHandler}
 * <li>{@code GET /api/v1/stream} (WebSocket): {@link StreamHandler}
 * </ul>
 * Every error response is JSON {"error": "..."}, an unknown path included.
 *
 * <p>Configuration: "host" (default 127.0.0.1) and "port" (default 7450). Deployment fails
 * with a message naming host:port when the server cannot listen there.
 */
public final class HttpVerticle extends VerticleBase {

    /** Timeout of journal queries in ms; a query of old pages reads files. */
    static final long JOURNAL_TIMEOUT_MS = 10_000;
    static final long RULES_TIMEOUT_MS = 5_000;
    /** Timeout of each component's statistics request for the health endpoint, in ms. */
    static final long HEALTH_TIMEOUT_MS = 2_000;

    private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);

    private volatile HttpServer server;

    @Override
    public Future<?> start() {
        HttpApiOptions options;
        try {
            options = HttpApiOptions.fromConfig(config());
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(e);
        }

        return vertx.createHttpServer()
                .requestHandler(router())
                .listen(options.port(), options.host())
                .recover(failure -> Future.failedFuture(new IllegalStateException("HTTP API cannot listen on "
                        + options.address() + ": " + failure.getMessage(), failure)))
                .onSuccess(listening -> {
                    server = listening;
                    LOG.info("HTTP API listening on {}", new HttpApiOptions(options.host(), listening.actualPort())
                            .address());
                });
    }

    private Router router() {
        EventBus eventBus = vertx.eventBus();
        StreamHandler stream = new StreamHandler(eventBus, JOURNAL_TIMEOUT_MS, StreamCounters.shared(vertx));
        Router router = Router.router(vertx);
        router.get("/api/v1/detections").handler(new DetectionsHandler(eventBus, JOURNAL_TIMEOUT_MS));
        router.get("/api/v1/rules").handler(new ListHandler(eventBus, Addresses.RULES_LIST, "rules", "rule service",
                RULES_TIMEOUT_MS));
        router.get("/api/v1/containers").handler(new ListHandler(eventBus, Addresses.CONTAINERS_LIST, "containers",
                "container service", RULES_TIMEOUT_MS));
        router.get("/api/v1/capabilities").handler(new ObjectHandler(eventBus, Addresses.CAPABILITIES, "sensor",
                RULES_TIMEOUT_MS));
        router.get("/api/v1/health").handler(new HealthHandler(eventBus, HEALTH_TIMEOUT_MS, stream::stats));
        router.get("/api/v1/stream").handler(stream);

        router.errorHandler(JsonResponses.NOT_FOUND, context -> JsonResponses.sendError(context,
                JsonResponses.NOT_FOUND, "no resource at " + context.request().path()));
        router.errorHandler(JsonResponses.METHOD_NOT_ALLOWED, context -> JsonResponses.sendError(context,
                JsonResponses.METHOD_NOT_ALLOWED,
                "method " + context.request().method() + " is not allowed for " + context.request().path()));
        router.errorHandler(JsonResponses.BAD_REQUEST, context -> JsonResponses.sendError(context,
                JsonResponses.BAD_REQUEST, "invalid request"));
        router.errorHandler(JsonResponses.INTERNAL_ERROR, this::respondToUnexpectedFailure);
        return router;
    }

    /** Logs a handler's unexpected exception with its stack trace and sends the client a plain 500. */
    private void respondToUnexpectedFailure(RoutingContext context) {
        LOG.error("{} {} failed unexpectedly; the client gets 500", context.request().method(),
                context.request().path(), context.failure());
        JsonResponses.sendError(context, JsonResponses.INTERNAL_ERROR, "internal error; the daemon log has the details");
    }

    /** Returns the port the server listens on (useful with port 0), or -1 before it listens. */
    public int actualPort() {
        HttpServer listening = server;
        return listening == null ? -1 : listening.actualPort();
    }
}
