package dev.hauberk.api;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of the WebSocket stream across its connections, for the health endpoint. */
final class StreamCounters {

    private final AtomicInteger clients = new AtomicInteger();
    private final AtomicLong droppedFrames = new AtomicLong();

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
