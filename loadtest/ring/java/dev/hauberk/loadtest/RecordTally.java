package dev.hauberk.loadtest;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.hauberk.bpf.RingBufferReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The benchmark's record handler: counts records, reads each one's seq field so the
 * record is really touched, and opens the measurement window at the first clock check
 * after the warm-up. Mirrors handle_record in consumer.c.
 */
final class RecordTally implements RingBufferReader.RecordHandler {

    /** Records between two clock reads; a power of two. */
    private static final int CLOCK_CHECK_RECORDS = 4096;

    private final long seqOffset;
    private final MemorySegment copyBuffer;
    private final long warmupEndNanos;
    private final Runnable onWindowStart;
    private long consumed;
    private long checksum;
    private boolean windowOpen;
    private long windowStartNanos;
    private long windowStartConsumed;

    /**
     * @param seqOffset     byte offset of seq in struct ringbench_record
     * @param copyBytes     size of the buffer each record is copied into, or 0 to read it in place
     * @param onWindowStart called once, when the window opens
     */
    RecordTally(long seqOffset, int copyBytes, long warmupEndNanos, Arena arena, Runnable onWindowStart) {
        this.seqOffset = seqOffset;
        this.copyBuffer = copyBytes > 0 ? arena.allocate(copyBytes, 8) : null;
        this.warmupEndNanos = warmupEndNanos;
        this.onWindowStart = onWindowStart;
    }

    @Override
    public void onRecord(MemorySegment record) {
        MemorySegment view = record;
        // The daemon's reader thread copies each record out of the ring; --copy does the same.
        if (copyBuffer != null) {
            long bytes = Math.min(record.byteSize(), copyBuffer.byteSize());
            MemorySegment.copy(record, 0, copyBuffer, 0, bytes);
            view = copyBuffer;
        }
        checksum += view.get(JAVA_LONG, seqOffset);
        consumed++;

        if (!windowOpen && (consumed & (CLOCK_CHECK_RECORDS - 1)) == 0 && System.nanoTime() >= warmupEndNanos) {
            windowOpen = true;
            windowStartNanos = System.nanoTime();
            windowStartConsumed = consumed;
            onWindowStart.run();
        }
    }

    long consumed() {
        return consumed;
    }

    long checksum() {
        return checksum;
    }

    boolean windowOpen() {
        return windowOpen;
    }

    long windowStartNanos() {
        return windowStartNanos;
    }

    long windowStartConsumed() {
        return windowStartConsumed;
    }
}
