package dev.hauberk.sensor;

import dev.hauberk.bpf.BpfException;
import dev.hauberk.bpf.RingBufferReader;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that reads the ring buffer and hands records to the event loop.
 *
 * <p>It copies each record out of the ring (so the kernel can reuse the space at once)
 * into a bounded queue. When the queue is full the record is dropped and counted: the
 * kernel must never wait for userspace, and a growing queue would only move the loss
 * into an out-of-memory error. After each batch it calls the scheduler at most once
 * until the consumer has drained, so the event loop's task queue stays short too.
 */
public final class RingReaderThread implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RingReaderThread.class);
    /** How long a poll waits for a wakeup before sweeping the ring anyway. */
    static final int SWEEP_MILLIS = 100;

    private final RingBufferReader reader;
    private final ArrayBlockingQueue<byte[]> handoff;
    private final Consumer<Runnable> scheduler;
    private final Runnable drain;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicLong recordsRead = new AtomicLong();
    private final AtomicLong recordsDropped = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param scheduler runs a task on the consumer's thread (the event loop)
     * @param drain     the consumer: takes records with {@link #poll()} until it returns null
     */
    public RingReaderThread(RingBufferReader reader, int capacity, Consumer<Runnable> scheduler, Runnable drain) {
        this.reader = reader;
        this.handoff = new ArrayBlockingQueue<>(capacity);
        this.scheduler = scheduler;
        this.drain = drain;
        this.thread = Thread.ofPlatform().name("hauberk-ring-reader").daemon(true).unstarted(this::run);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        LOG.info("ring reader started");
        while (running) {
            try {
                int delivered = reader.poll(SWEEP_MILLIS, record -> {
                    recordsRead.incrementAndGet();
                    if (!handoff.offer(record.toArray(ValueLayout.JAVA_BYTE))) {
                        recordsDropped.incrementAndGet();
                    }
                });
                if (delivered > 0 || !handoff.isEmpty()) {
                    scheduleDrain();
                }
            } catch (BpfException e) {
                LOG.error("ring reader stopped: {}; no more detections will be delivered", e.getMessage());
                running = false;
            }
        }
        LOG.info("ring reader stopped");
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            scheduler.accept(() -> {
                drainScheduled.set(false);
                drain.run();
            });
        }
    }

    /** The next handed-off record, or null when the queue is empty. Called by the consumer. */
    public byte[] poll() {
        return handoff.poll();
    }

    /** Asks for another drain after the consumer stopped early (to yield the event loop). */
    public void requestDrain() {
        scheduleDrain();
    }

    public long recordsRead() {
        return recordsRead.get();
    }

    /** Records dropped because the hand-off queue was full. */
    public long recordsDropped() {
        return recordsDropped.get();
    }

    public int queued() {
        return handoff.size();
    }

    public int capacity() {
        return handoff.size() + handoff.remainingCapacity();
    }

    public boolean isRunning() {
        return running && thread.isAlive();
    }

    /** Stops the thread, waits for it, then unmaps the ring. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        reader.wakeup();
        thread.join(5_000);
        reader.close();
    }
}
