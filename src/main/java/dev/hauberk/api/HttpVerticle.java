package dev.hauberk.api;

import dev.hauberk.Addresses;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
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
 * <li>{@code GET /api/v1/rules/{rule}}, {@code PUT /api/v1/rules/{rule}/mode},
 *     {@code PUT /api/v1/rules/categories/{category}/mode}, {@code POST /api/v1/rules/reload}: {@link RulesHandler}
 * <li>{@code GET /api/v1/audit}: {@link AuditHandler}
 * </ul>
 * Every error response is JSON {"error": "..."}, an unknown path included. Changes need the
 * bearer token of {@link ApiToken}; on an address other than loopback every endpoint does
 * ({@link ApiAuth}).
 *
 * <p>Configuration: "host" (default 127.0.0.1), "port" (default 7450) and "tokenFile" (default
 * /etc/hauberk/api-token). Deployment fails with a message naming host:port when the server
 * cannot listen there, and naming the token file when it is unsafe or unreadable.
 */
public final class HttpVerticle extends VerticleBase {

    /** Seconds without a byte after which a connection is closed. */
    static final int IDLE_TIMEOUT_SECONDS = 30;

    /** Timeout of journal queries in ms; a query of old pages reads files. */
    static final long JOURNAL_TIMEOUT_MS = 10_000;
    static final long RULES_TIMEOUT_MS = 5_000;
    /** Timeout of each component's statistics request for the health endpoint, in ms. */
    static final long HEALTH_TIMEOUT_MS = 2_000;
    /** Largest request body accepted, in bytes: a mode change is a few dozen. */
    static final long BODY_LIMIT_BYTES = 4096;
    private static final int REQUEST_ENTITY_TOO_LARGE = 413;

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

        return vertx.executeBlocking(() -> ApiToken.loadOrCreate(options.tokenFile()))
                .recover(failure -> Future.failedFuture(new IllegalStateException("HTTP API cannot start: "
                        + failure.getMessage(), failure)))
                .compose(token -> vertx.createHttpServer(new HttpServerOptions()
                                // A connection that sends nothing for this long is closed, so idle or
                                // half-sent requests cannot hold the daemon's file descriptors.
                                .setIdleTimeout(IDLE_TIMEOUT_SECONDS).setIdleTimeoutUnit(TimeUnit.SECONDS))
                        .requestHandler(router(new ApiAuth(token, options.tokenRequiredForReads(),
                                options.tokenFile().toString())))
                        .listen(options.port(), options.host())
                        .recover(failure -> Future.failedFuture(new IllegalStateException("HTTP API cannot listen on "
                                + options.address() + ": " + failure.getMessage(), failure))))
                .onSuccess(listening -> {
                    server = listening;
                    LOG.info("HTTP API listening on {}; changes need the bearer token in {}, {}",
                            new HttpApiOptions(options.host(), listening.actualPort()).address(), options.tokenFile(),
                            options.tokenRequiredForReads() ? "and so do reads, because the address is not loopback"
                                    : "reads are open on loopback");
                });
    }

    private Router router(ApiAuth auth) {
        EventBus eventBus = vertx.eventBus();
        StreamHandler stream = new StreamHandler(eventBus, JOURNAL_TIMEOUT_MS, StreamCounters.shared(vertx));
        RulesHandler rules = new RulesHandler(eventBus, RULES_TIMEOUT_MS);
        Router router = Router.router(vertx);
        // First, so that on a non-loopback address no endpoint, the WebSocket included, responds without the token.
        router.route("/api/v1/*").handler(auth.forReads());
        router.get("/api/v1/detections").handler(new DetectionsHandler(eventBus, JOURNAL_TIMEOUT_MS));
        router.get("/api/v1/rules").handler(new ListHandler(eventBus, Addresses.RULES_LIST, "rules", "rule service",
                RULES_TIMEOUT_MS));
        router.get("/api/v1/containers").handler(new ListHandler(eventBus, Addresses.CONTAINERS_LIST, "containers",
                "container service", RULES_TIMEOUT_MS));
        router.get("/api/v1/capabilities").handler(new ObjectHandler(eventBus, Addresses.CAPABILITIES, "sensor",
                RULES_TIMEOUT_MS));
        router.get("/api/v1/health").handler(new HealthHandler(eventBus, HEALTH_TIMEOUT_MS, stream::stats));
        router.get("/api/v1/stream").handler(stream);
        router.get("/api/v1/audit").handler(new AuditHandler(eventBus, JOURNAL_TIMEOUT_MS));
        router.get("/api/v1/rules/:rule").handler(rules::get);
        // Vert.x Web runs a body handler before any user handler; the token check still comes before any change.
        router.put("/api/v1/rules/categories/:category/mode").handler(body()).handler(auth.required())
                .handler(rules::setCategoryMode);
        router.put("/api/v1/rules/:rule/mode").handler(body()).handler(auth.required()).handler(rules::setMode);
        router.post("/api/v1/rules/reload").handler(body()).handler(auth.required()).handler(rules::reload);

        router.errorHandler(JsonResponses.NOT_FOUND, context -> JsonResponses.sendError(context,
                JsonResponses.NOT_FOUND, "no resource at " + context.request().path()));
        router.errorHandler(JsonResponses.METHOD_NOT_ALLOWED, context -> JsonResponses.sendError(context,
                JsonResponses.METHOD_NOT_ALLOWED,
                "method " + context.request().method() + " is not allowed for " + context.request().path()));
        router.errorHandler(JsonResponses.BAD_REQUEST, context -> JsonResponses.sendError(context,
                JsonResponses.BAD_REQUEST, "invalid request"));
        router.errorHandler(REQUEST_ENTITY_TOO_LARGE, context -> JsonResponses.sendError(context,
                REQUEST_ENTITY_TOO_LARGE, "the request body is larger than " + BODY_LIMIT_BYTES + " bytes"));
        router.errorHandler(JsonResponses.INTERNAL_ERROR, this::respondToUnexpectedFailure);
        return router;
    }

    private static BodyHandler body() {
        return BodyHandler.create(false).setBodyLimit(BODY_LIMIT_BYTES);
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
