package dev.hauberk.api;

import dev.hauberk.Addresses;
import dev.hauberk.rules.RuleMode;
import dev.hauberk.sink.InvalidQueryException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The rule endpoints beyond the list, each a request to the rule verticle:
 * <ul>
 * <li>{@code GET /api/v1/rules/{rule}}: one rule by id or name, with its counters.
 * <li>{@code PUT /api/v1/rules/{rule}/mode} with {"mode": "off" | "monitor" | "enforce"}.
 * <li>{@code PUT /api/v1/rules/categories/{category}/mode} with the same body.
 * <li>{@code POST /api/v1/rules/reload} with no body or {}: 200 when applied, 422 when the
 *     rule files are invalid (nothing changes), 500 when the kernel refused the new generation.
 * </ul>
 * A mode change is in the kernel when the response is sent. An invalid body gets 400 naming
 * the field; an unknown rule or category 404 naming it.
 */
final class RulesHandler {

    static final int UNPROCESSABLE = 422;
    /** Timeout of a mode switch, which writes two map entries per rule and an audit record. */
    static final long MODE_TIMEOUT_MS = 10_000;
    /** Timeout of a reload, which re-reads the policy and rewrites a whole generation. */
    static final long RELOAD_TIMEOUT_MS = 60_000;

    private final EventBus eventBus;
    private final long readTimeoutMs;

    RulesHandler(EventBus eventBus, long readTimeoutMs) {
        this.eventBus = eventBus;
        this.readTimeoutMs = readTimeoutMs;
    }

    void get(RoutingContext context) {
        request(context, Addresses.RULES_GET, new JsonObject().put("rule", context.pathParam("rule")), readTimeoutMs);
    }

    void setMode(RoutingContext context) {
        RuleMode mode;
        try {
            mode = parseModeBody(context.body().buffer());
        } catch (InvalidQueryException e) {
            JsonResponses.sendBadRequest(context, e);
            return;
        }
        request(context, Addresses.RULES_SET_MODE, new JsonObject()
                .put("rule", context.pathParam("rule"))
                .put("mode", mode.jsonName())
                .put("client", context.<JsonObject>get(ApiAuth.CLIENT)), MODE_TIMEOUT_MS);
    }

    void setCategoryMode(RoutingContext context) {
        RuleMode mode;
        try {
            mode = parseModeBody(context.body().buffer());
        } catch (InvalidQueryException e) {
            JsonResponses.sendBadRequest(context, e);
            return;
        }
        request(context, Addresses.RULES_SET_CATEGORY_MODE, new JsonObject()
                .put("category", context.pathParam("category"))
                .put("mode", mode.jsonName())
                .put("client", context.<JsonObject>get(ApiAuth.CLIENT)), MODE_TIMEOUT_MS);
    }

    void reload(RoutingContext context) {
        try {
            JsonObject body = parseObject(context.body().buffer(), "{}");
            for (String field : body.fieldNames()) {
                throw new InvalidQueryException(field, "unknown field '" + field + "'; a reload takes no parameters");
            }
        } catch (InvalidQueryException e) {
            JsonResponses.sendBadRequest(context, e);
            return;
        }
        DeliveryOptions options = new DeliveryOptions().setLocalOnly(true).setSendTimeout(RELOAD_TIMEOUT_MS);
        eventBus.<JsonObject>request(Addresses.RULES_RELOAD, new JsonObject().put("client",
                        context.<JsonObject>get(ApiAuth.CLIENT)), options)
                .onSuccess(reply -> {
                    int status = switch (reply.body().getString("result", "")) {
                        case "applied" -> JsonResponses.OK;
                        case "rejected" -> UNPROCESSABLE;
                        default -> JsonResponses.INTERNAL_ERROR;
                    };
                    JsonResponses.send(context, status, reply.body());
                })
                .onFailure(failure -> JsonResponses.sendFailedRequest(context, "rule service", Addresses.RULES_RELOAD,
                        RELOAD_TIMEOUT_MS, failure));
    }

    private void request(RoutingContext context, String address, JsonObject body, long timeoutMs) {
        DeliveryOptions options = new DeliveryOptions().setLocalOnly(true).setSendTimeout(timeoutMs);
        eventBus.<JsonObject>request(address, body, options)
                .onSuccess(reply -> JsonResponses.send(context, JsonResponses.OK, reply.body()))
                .onFailure(failure -> JsonResponses.sendFailedRequest(context, "rule service", address, timeoutMs,
                        failure));
    }

    /**
     * Parses a mode change body, {"mode": "off" | "monitor" | "enforce"} and nothing else.
     * Throws InvalidQueryException naming the field at fault ("body" when it is not a JSON object).
     */
    static RuleMode parseModeBody(Buffer buffer) {
        JsonObject body = parseObject(buffer, null);
        for (String field : body.fieldNames()) {
            if (!field.equals("mode")) {
                throw new InvalidQueryException(field, "unknown field '" + field + "'; the body has only \"mode\"");
            }
        }
        Object mode = body.getValue("mode");
        String expected = "mode must be \"off\", \"monitor\" or \"enforce\", got ";
        if (mode == null) {
            throw new InvalidQueryException("mode", expected + "nothing");
        }
        if (!(mode instanceof String text)) {
            throw new InvalidQueryException("mode", expected + mode);
        }
        return RuleMode.parse(text).orElseThrow(() -> new InvalidQueryException("mode", expected + "\"" + text + "\""));
    }

    /** Parses a JSON object body; an empty body is emptyBody parsed, or an error when that is null. */
    private static JsonObject parseObject(Buffer buffer, String emptyBody) {
        String text = buffer == null ? "" : buffer.toString().strip();
        if (text.isEmpty()) {
            if (emptyBody == null) {
                throw new InvalidQueryException("body", "the body must be a JSON object such as {\"mode\": \"enforce\"}, "
                        + "got nothing");
            }
            text = emptyBody;
        }
        try {
            return new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            throw new InvalidQueryException("body", "the body is not a JSON object: " + e.getMessage());
        }
    }
}
