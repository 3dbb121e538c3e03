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
 * {@code GET /api/v1/rules}: the rule list with modes from {@link Addresses#RULES_LIST},
 * as {"rules": [{id, name, category, severity, mode, ...}]}. The entries are passed on as the
 * rule service sent them.
 */
final class RulesHandler implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger(RulesHandler.class);

    private final EventBus eventBus;
    private final long timeoutMs;
    private final DeliveryOptions deliveryOptions;

    RulesHandler(EventBus eventBus, long timeoutMs) {
        this.eventBus = eventBus;
        this.timeoutMs = timeoutMs;
        this.deliveryOptions = new DeliveryOptions().setSendTimeout(timeoutMs).setLocalOnly(true);
    }

    @Override
    public void handle(RoutingContext context) {
        eventBus.request(Addresses.RULES_LIST, new JsonObject(), deliveryOptions)
                .onSuccess(reply -> {
                    if (reply.body() instanceof JsonArray rules) {
                        JsonResponses.send(context, JsonResponses.OK, new JsonObject().put("rules", rules));
                        return;
                    }
                    String type = reply.body() == null ? "no body" : reply.body().getClass().getSimpleName();
                    LOG.error("Rule service replied to {} with {}, expected a JSON array; GET /api/v1/rules fails"
                            + " with 502", Addresses.RULES_LIST, type);
                    JsonResponses.sendError(context, JsonResponses.BAD_GATEWAY,
                            "rule service replied with " + type + ", expected a JSON array of rules");
                })
                .onFailure(failure -> JsonResponses.sendFailedRequest(context, "rule service", Addresses.RULES_LIST,
                        timeoutMs, failure));
    }
}
