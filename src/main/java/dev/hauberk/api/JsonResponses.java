package dev.hauberk.api;

import dev.hauberk.sink.InvalidQueryException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON responses of the HTTP API. Every error is a JSON object with an "error" message and,
 * for an invalid parameter, the "field" it concerns. No stack trace reaches a client.
 */
final class JsonResponses {

    static final int OK = 200;
    static final int BAD_REQUEST = 400;
    static final int NOT_FOUND = 404;
    static final int METHOD_NOT_ALLOWED = 405;
    static final int INTERNAL_ERROR = 500;
    static final int BAD_GATEWAY = 502;
    static final int SERVICE_UNAVAILABLE = 503;

    private static final Logger LOG = LoggerFactory.getLogger(JsonResponses.class);

    private JsonResponses() {
    }

    /** Sends {"error": message} with the status, unless a response was already sent. */
    static void sendError(RoutingContext context, int status, String message) {
        send(context, status, new JsonObject().put("error", message));
    }

    /** Sends 400 with {"error": message, "field": name of the invalid parameter}. */
    static void sendBadRequest(RoutingContext context, InvalidQueryException error) {
        send(context, BAD_REQUEST, new JsonObject().put("error", error.getMessage()).put("field", error.field()));
    }

    /** Sends a JSON body with the status, unless a response was already sent or the connection closed. */
    static void send(RoutingContext context, int status, JsonObject body) {
        HttpServerResponse response = context.response();
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(body.encode());
    }

    /**
     * Sends the response for a failed event bus request to a component. The status is 503 when
     * nothing handles the address or it did not reply in time, 400 when it rejected the request
     * as invalid, 404 when it found nothing of that name, and 500 when it failed. The message
     * names the component and the cause.
     */
    static void sendFailedRequest(RoutingContext context, String component, String address, long timeoutMs,
            Throwable failure) {
        String cause = describeFailedRequest(failure, address, timeoutMs);
        int status = INTERNAL_ERROR;
        if (failure instanceof ReplyException reply) {
            status = switch (reply.failureType()) {
                case NO_HANDLERS, TIMEOUT -> SERVICE_UNAVAILABLE;
                case RECIPIENT_FAILURE -> reply.failureCode() == BAD_REQUEST || reply.failureCode() == NOT_FOUND
                        ? reply.failureCode() : INTERNAL_ERROR;
                case ERROR -> INTERNAL_ERROR;
            };
        }
        LOG.warn("{} {} fails with {} because the {} request failed: {}", context.request().method(),
                context.request().path(), status, component, cause);
        sendError(context, status, component + " request failed: " + cause);
    }

    /** Describes why an event bus request failed, in words for an operator. */
    static String describeFailedRequest(Throwable failure, String address, long timeoutMs) {
        if (failure instanceof ReplyException reply) {
            return switch (reply.failureType()) {
                case NO_HANDLERS -> "no handler is registered for " + address + " (is the component deployed?)";
                case TIMEOUT -> "no reply from " + address + " within " + timeoutMs + " ms";
                case RECIPIENT_FAILURE, ERROR -> String.valueOf(reply.getMessage());
            };
        }
        return String.valueOf(failure.getMessage());
    }
}
