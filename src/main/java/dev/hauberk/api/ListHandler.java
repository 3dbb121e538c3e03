package dev.hauberk.api;

import dev.hauberk.Addresses;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A GET endpoint that returns a list owned by another component: {@code /api/v1/rules} from
 * {@link Addresses#RULES_LIST} as {"rules": [...]}, {@code /api/v1/containers} from
 * {@link Addresses#CONTAINERS_LIST} as {"containers": [...]}. The entries are passed on as the
 * service sent them.
 */
final class ListHandler implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger(ListHandler.class);

    private final EventBus eventBus;
    private final String address;
    private final String field;
    private final String service;
    private final long timeoutMs;
    private final DeliveryOptions deliveryOptions;

    /**
     * @param field   the response's key for the list, such as "rules"
     * @param service the component's name in error messages, such as "rule service"
     */
    ListHandler(EventBus eventBus, String address, String field, String service, long timeoutMs) {
        this.eventBus = eventBus;
        this.address = address;
        this.field = field;
        this.service = service;
        this.timeoutMs = timeoutMs;
        this.deliveryOptions = new DeliveryOptions().setSendTimeout(timeoutMs).setLocalOnly(true);
    }

    @Override
    public void handle(RoutingContext context) {
        eventBus.request(address, new JsonObject(), deliveryOptions)
                .onSuccess(reply -> {
                    if (reply.body() instanceof JsonArray list) {
                        JsonResponses.send(context, JsonResponses.OK, new JsonObject().put(field, list));
                        return;
                    }
                    String type = reply.body() == null ? "no body" : reply.body().getClass().getSimpleName();
                    LOG.error("{} replied to {} with {}, expected a JSON array; {} fails with 502", service, address, type,
                            context.request().path());
                    JsonResponses.sendError(context, JsonResponses.BAD_GATEWAY,
                            service + " replied with " + type + ", expected a JSON array of " + field);
                })
                .onFailure(failure -> JsonResponses.sendFailedRequest(context, service, address, timeoutMs, failure));
    }
}
