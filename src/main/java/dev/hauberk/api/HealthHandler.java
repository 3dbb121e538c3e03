package dev.hauberk.api;

import dev.hauberk.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.lang.management.ManagementFactory;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/health}: requests statistics from the sensor, the ring reader and the
 * journal, each with its own timeout, and returns
 * {"status", "uptimeSeconds", "sensor", "ring", "journal", "websocket"}.
 *
 * <p>A component that replies appears as its reply, with "status": "ok" added when the reply
 * has no status. A component that does not reply in time, has no handler or fails appears as
 * {"status": "unavailable", "error": "..."}, and the overall status is then "degraded" instead
 * of "ok". Any detection lost since start (kernel ring full, process table full, hand-off
 * drops, decode or journal failures) is listed in "losses" and also makes it "degraded".
 * The HTTP status is 200 in both cases, so a probe must read "status".
 */
final class HealthHandler implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger(HealthHandler.class);

    private final EventBus eventBus;
    private final long timeoutMs;
    private final DeliveryOptions deliveryOptions;
    private final Supplier<JsonObject> websocketStats;

    HealthHandler(EventBus eventBus, long timeoutMs, Supplier<JsonObject> websocketStats) {
        this.eventBus = eventBus;
        this.timeoutMs = timeoutMs;
        this.deliveryOptions = new DeliveryOptions().setSendTimeout(timeoutMs).setLocalOnly(true);
        this.websocketStats = websocketStats;
    }

    @Override
    public void handle(RoutingContext context) {
        Future<ComponentHealth> sensor = componentHealth(Addresses.SENSOR_STATS);
        Future<ComponentHealth> ring = componentHealth(Addresses.RING_STATS);
        Future<ComponentHealth> journal = componentHealth(Addresses.JOURNAL_STATS);

        // componentHealth never fails, so all() completes once every component replied or timed out.
        Future.all(sensor, ring, journal).onComplete(ignored -> {
            boolean allAvailable = sensor.result().available() && ring.result().available()
                    && journal.result().available();
            io.vertx.core.json.JsonArray losses = losses(sensor.result().json(), ring.result().json(), journal.result().json());
            JsonObject health = new JsonObject()
                    .put("status", allAvailable && losses.isEmpty() ? "ok" : "degraded")
                    .put("losses", losses)
                    .put("uptimeSeconds", ManagementFactory.getRuntimeMXBean().getUptime() / 1000)
                    .put("sensor", sensor.result().json())
                    .put("ring", ring.result().json())
                    .put("journal", journal.result().json())
                    .put("websocket", websocketStats.get());
            JsonResponses.send(context, JsonResponses.OK, health);
        });
    }

    /**
     * Every counter of detections lost since the daemon started that is above zero, as
     * "name: count": a probe that reads only "status" sees "degraded" after any loss.
     */
    static io.vertx.core.json.JsonArray losses(JsonObject sensor, JsonObject ring, JsonObject journal) {
        io.vertx.core.json.JsonArray losses = new io.vertx.core.json.JsonArray();
        JsonObject counters = sensor.getJsonObject("counters", new JsonObject());
        for (String kernel : java.util.List.of("ringBufferFull", "processTableFull")) {
            addLoss(losses, "sensor." + kernel, counters.getValue(kernel));
        }
        for (String key : java.util.List.of("handoffDropped", "decodeErrors", "journalFailures")) {
            addLoss(losses, "ring." + key, ring.getValue(key));
        }
        addLoss(losses, "journal.writeErrors", journal.getValue("writeErrors"));
        return losses;
    }

    private static void addLoss(io.vertx.core.json.JsonArray losses, String name, Object value) {
        if (value instanceof Number count && count.longValue() > 0) {
            losses.add(name + ": " + count.longValue());
        }
    }

    /** A component's entry in the health response, and whether the component replied. */
    private record ComponentHealth(JsonObject json, boolean available) {
    }

    /** Requests a component's statistics; a failure becomes {"status": "unavailable", "error": ...}. */
    private Future<ComponentHealth> componentHealth(String address) {
        return eventBus.request(address, new JsonObject(), deliveryOptions)
                .map(reply -> {
                    if (!(reply.body() instanceof JsonObject stats)) {
                        String type = reply.body() == null ? "no body" : reply.body().getClass().getSimpleName();
                        return unavailable(address, "replied with " + type + ", expected a JSON object");
                    }
                    if (!stats.containsKey("status")) {
                        stats.put("status", "ok");
                    }
                    return new ComponentHealth(stats, true);
                })
                .otherwise(failure -> unavailable(address,
                        JsonResponses.describeFailedRequest(failure, address, timeoutMs)));
    }

    private static ComponentHealth unavailable(String address, String error) {
        // Debug only: a probe every few seconds would repeat this while the component is down.
        LOG.debug("Health check of {} failed: {}; the health status is degraded", address, error);
        return new ComponentHealth(new JsonObject().put("status", "unavailable").put("error", error), false);
    }
}
