package dev.hauberk.api;

import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** A GET endpoint that returns the JSON object another component replies with, such as /api/v1/capabilities. */
final class ObjectHandler implements Handler<RoutingContext> {

    private final EventBus eventBus;
    private final String address;
    private final String service;
    private final long timeoutMs;
    private final DeliveryOptions deliveryOptions;

    ObjectHandler(EventBus eventBus, String address, String service, long timeoutMs) {
        this.eventBus = eventBus;
        this.address = address;
        this.service = service;
        this.timeoutMs = timeoutMs;
        this.deliveryOptions = new DeliveryOptions().setSendTimeout(timeoutMs).setLocalOnly(true);
    }

    @Override
    public void handle(RoutingContext context) {
        eventBus.request(address, new JsonObject(), deliveryOptions)
                .onSuccess(reply -> {
                    if (reply.body() instanceof JsonObject body) {
                        JsonResponses.send(context, JsonResponses.OK, body);
                    } else {
                        JsonResponses.sendError(context, JsonResponses.BAD_GATEWAY, service + " replied with no JSON object");
                    }
                })
                .onFailure(failure -> JsonResponses.sendFailedRequest(context, service, address, timeoutMs, failure));
    }
}
