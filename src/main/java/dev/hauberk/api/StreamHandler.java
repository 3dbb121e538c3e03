package dev.hauberk.api;

import dev.hauberk.sink.InvalidQueryException;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/stream[?after=SEQ]}, upgraded to a WebSocket: one JSON text frame per
 * detection, as {@link StreamConnection} describes. An invalid "after" gets 400 naming it, and
 * a request without a WebSocket upgrade gets 400, both before any upgrade.
 */
final class StreamHandler implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger(StreamHandler.class);

    private final EventBus eventBus;
    private final long journalTimeoutMs;
    private final StreamCounters counters;

    StreamHandler(EventBus eventBus, long journalTimeoutMs, StreamCounters counters) {
        this.eventBus = eventBus;
        this.journalTimeoutMs = journalTimeoutMs;
        this.counters = counters;
    }

    @Override
    public void handle(RoutingContext context) {
        Long after;
        try {
            QueryParameters.requireOnly(context, java.util.Set.of("after"));
            after = QueryParameters.optionalSeq(context, "after");
        } catch (InvalidQueryException e) {
            JsonResponses.sendBadRequest(context, e);
            return;
        }
        HttpServerRequest request = context.request();
        if (!request.canUpgradeToWebSocket()) {
            JsonResponses.sendError(context, JsonResponses.BAD_REQUEST,
                    "/api/v1/stream is a WebSocket endpoint: send a GET with Upgrade: websocket");
            return;
        }

        request.toWebSocket()
                .onSuccess(socket -> new StreamConnection(socket, eventBus, counters, journalTimeoutMs).start(after))
                .onFailure(failure -> {
                    LOG.info("WebSocket upgrade from {} failed: {}", request.remoteAddress(), failure.getMessage());
                    JsonResponses.sendError(context, JsonResponses.BAD_REQUEST, "WebSocket upgrade failed: "
                            + failure.getMessage());
                });
    }

    /** Returns {"clients": n, "droppedFrames": n} for the health endpoint. */
    JsonObject stats() {
        return counters.toJson();
    }
}
