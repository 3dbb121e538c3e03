package dev.hauberk.api;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of the WebSocket stream across its connections, for the health endpoint. Shared by
 * every HttpVerticle instance of one Vert.x instance through its local map, so the health
 * endpoint reports all connections whichever instance serves it. Thread-safe.
 */
final class StreamCounters implements Shareable {

    private final AtomicInteger clients = new AtomicInteger();
    private final AtomicLong droppedFrames = new AtomicLong();

    /** Returns the counters shared by the HTTP verticles of this Vert.x instance, creating them once. */
    static StreamCounters shared(Vertx vertx) {
        LocalMap<String, StreamCounters> map = vertx.sharedData().getLocalMap(StreamCounters.class.getName());
        StreamCounters created = new StreamCounters();
        StreamCounters existing = map.putIfAbsent("counters", created);
        return existing == null ? created : existing;
    }

    /** Returns this object itself: the local map hands the same counters to every verticle. */
    @Override
    public Shareable copy() {
        return this;
    }

    void clientConnected() {
        clients.incrementAndGet();
    }

    void clientDisconnected() {
        clients.decrementAndGet();
    }

    void frameDropped() {
        droppedFrames.incrementAndGet();
    }

    /** Returns {"clients": open connections, "droppedFrames": frames dropped for slow clients since start}. */
    JsonObject toJson() {
        return new JsonObject().put("clients", clients.get()).put("droppedFrames", droppedFrames.get());
    }
}
