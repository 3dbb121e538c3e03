package dev.hauberk.verticle;

import dev.hauberk.Addresses;
import dev.hauberk.bpf.RingBufferReader;
import dev.hauberk.context.ContainerContext;
import dev.hauberk.context.Enricher;
import dev.hauberk.event.ContextEvent;
import dev.hauberk.event.ContextEventDecoder;
import dev.hauberk.event.DetectionAggregator;
import dev.hauberk.event.DetectionDecoder;
import dev.hauberk.event.DetectionJson;
import dev.hauberk.event.KernelDetection;
import dev.hauberk.event.wire.WireLayouts;
import dev.hauberk.sensor.RingReaderThread;
import dev.hauberk.sensor.Sensor;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the detection ring: the reader thread hands records to this verticle's
 * event loop, which decodes and enriches each detection, merges repeats within the
 * aggregation window ({@link DetectionAggregator}), and sends the result to the journal.
 */
public final class RingVerticle extends VerticleBase implements SingleInstance {

    private static final Logger LOG = LoggerFactory.getLogger(RingVerticle.class);
    /** Records handled per event-loop turn before yielding to other tasks. */
    private static final int DRAIN_BATCH = 256;
    /** Maximum time between a window's end and its follow-up's delivery, in ms. */
    private static final long MAX_FOLLOW_UP_DELAY_MS = 250;

    private final DaemonContext daemon;
    private RingReaderThread reader;
    private Enricher enricher;
    private ContainerContext containers;
    private final AtomicLong decodeErrors = new AtomicLong();
    private final AtomicLong appendFailures = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong contextEvents = new AtomicLong();
    private DetectionAggregator aggregator;
    private long aggregationTimer = -1;

    public RingVerticle(DaemonContext daemon) {
        this.daemon = daemon;
    }

    @Override
    public Future<?> start() throws Exception {
        Sensor sensor = daemon.sensor().orElseThrow(() ->
                new IllegalStateException("the sensor is not loaded: deploy SensorVerticle before RingVerticle"));
        enricher = new Enricher(daemon::catalog, daemon.host(), daemon.clock()::toInstant);
        containers = new ContainerContext(vertx, daemon.config().containers(), daemon.cgroupHierarchy(),
                daemon.hostNamespaces(), sensor.map("hk_containers"));
        daemon.setContextListener(containers::onEvent);
        Context loop = context;
        RingBufferReader ring = RingBufferReader.open(sensor.ringBufferFd(), sensor.ringBufferBytes());
        reader = new RingReaderThread(ring, daemon.config().daemon().handoffRecords(),
                task -> loop.runOnContext(ignored -> task.run()), this::drain);
        long windowMs = daemon.config().daemon().aggregationWindowMs();
        aggregator = new DetectionAggregator(windowMs, System::nanoTime, this::append);
        if (windowMs > 0) {
            // Follow-ups leave at most this long after their window closed.
            aggregationTimer = vertx.setPeriodic(Math.min(windowMs, MAX_FOLLOW_UP_DELAY_MS),
                    id -> aggregator.flushExpired());
        }
        vertx.eventBus().consumer(Addresses.RING_STATS, message -> message.reply(stats()));
        // Containers that already run are known before the first record is read.
        return containers.start().onSuccess(found -> reader.start());
    }

    private void drain() {
        for (int i = 0; i < DRAIN_BATCH; i++) {
            byte[] record = reader.poll();
            if (record == null) {
                return;
            }
            handle(record);
        }
        reader.requestDrain();
    }

    private void handle(byte[] record) {
        MemorySegment segment = MemorySegment.ofArray(record);
        int kind = DetectionDecoder.kind(segment);
        if (kind == WireLayouts.EVENT_CGROUP || kind == WireLayouts.EVENT_CONTAINER_EXEC) {
            handleContext(segment);
            return;
        }
        if (kind != WireLayouts.EVENT_DETECTION) {
            decodeErrors.incrementAndGet();
            LOG.warn("ring record of unknown kind {} ({} bytes) dropped", kind, record.length);
            return;
        }
        KernelDetection raw;
        try {
            raw = DetectionDecoder.decode(segment);
        } catch (IllegalArgumentException e) {
            decodeErrors.incrementAndGet();
            LOG.warn("malformed detection record dropped: {}", e.getMessage());
            return;
        }
        // A detection waits for its container's lookup, so it leaves with the image id.
        containers.containerOf(raw.process()).onComplete(container -> {
            if (container.result().isEmpty()) {
                send(raw, container.result(), java.util.Optional.empty());
                return;
            }
            containers.hostRoot(raw.process().cgroupId())
                    .onComplete(root -> send(raw, container.result(), root.succeeded() ? root.result() : java.util.Optional.empty()));
        });
    }

    private void send(KernelDetection raw, java.util.Optional<dev.hauberk.context.container.ContainerInfo> container,
                      java.util.Optional<String> hostRoot) {
        aggregator.offer(DetectionJson.encode(enricher.enrich(raw, container, hostRoot)));
    }

    /** Sends a detection or an aggregated follow-up to the journal; completes once the journal replied. */
    private Future<Void> append(JsonObject json) {
        // The journal belongs to this host: never route an append to another cluster member.
        return vertx.eventBus().request(Addresses.JOURNAL_APPEND, json, new DeliveryOptions().setLocalOnly(true))
                .<Void>transform(result -> {
                    if (result.succeeded()) {
                        delivered.incrementAndGet();
                    } else {
                        // The journal logs the cause; count here so the loss shows in health.
                        appendFailures.incrementAndGet();
                    }
                    return Future.succeededFuture();
                });
    }

    private void handleContext(MemorySegment segment) {
        ContextEvent event;
        try {
            event = ContextEventDecoder.decode(segment);
        } catch (IllegalArgumentException e) {
            decodeErrors.incrementAndGet();
            LOG.warn("malformed context record dropped: {}", e.getMessage());
            return;
        }
        contextEvents.incrementAndGet();
        daemon.contextListener().accept(event);
    }

    private JsonObject stats() {
        return new JsonObject()
                .put("running", reader.isRunning())
                .put("recordsRead", reader.recordsRead())
                .put("handoffDropped", reader.recordsDropped())
                .put("handoffQueued", reader.queued())
                .put("handoffCapacity", reader.capacity())
                .put("decodeErrors", decodeErrors.get())
                .put("journalFailures", appendFailures.get())
                .put("delivered", delivered.get())
                .put("aggregated", aggregator.merged())
                .put("aggregationWindows", aggregator.openWindows())
                .put("aggregationTableFull", aggregator.unaggregated())
                .put("contextEvents", contextEvents.get());
    }

    @Override
    public Future<?> stop() throws Exception {
        if (reader != null) {
            reader.close();
        }
        if (aggregationTimer >= 0) {
            vertx.cancelTimer(aggregationTimer);
        }
        // Repeats still in a window reach the journal before it stops, which it does after this verticle.
        List<Future<Void>> followUps = new ArrayList<>();
        if (aggregator != null) {
            aggregator.flushAll(json -> followUps.add(append(json)));
        }
        Future<Void> closed = containers == null ? Future.succeededFuture() : containers.close();
        return Future.join(followUps).eventually(() -> closed);
    }
}
