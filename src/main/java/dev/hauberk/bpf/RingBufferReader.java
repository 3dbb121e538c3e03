package dev.hauberk.bpf;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * A consumer of a BPF ring buffer map that reads the mmap'd ring directly, with no
 * upcall per record: the same protocol as libbpf's ring_buffer__consume, in Java.
 *
 * <p>Layout (kernel/bpf/ringbuf.c): page 0 holds the consumer position (written by us),
 * page 1 the producer position (written by the kernel), then the data area, mapped
 * twice in a row so that a record never wraps. Each record starts with an 8-byte
 * header whose first word is the length with a busy bit (not yet committed) and a
 * discard bit; records are 8-byte aligned.
 *
 * <p>One thread consumes. {@link #wakeup()} may be called from any thread.
 */
public final class RingBufferReader implements AutoCloseable {

    private static final int BUSY_BIT = 1 << 31;
    private static final int DISCARD_BIT = 1 << 30;
    private static final int HEADER_BYTES = 8;
    private static final VarHandle LONG_AT = JAVA_LONG.varHandle();
    private static final VarHandle INT_AT = JAVA_INT.varHandle();
    private static final long RING_DATA = 0L;
    private static final long WAKEUP_DATA = 1L;

    /** Receives one record; the segment is a view of the ring, valid only during the call. */
    @FunctionalInterface
    public interface RecordHandler {
        void onRecord(MemorySegment record);
    }

    private final MemorySegment consumerPage;
    private final MemorySegment producerArea;
    private final MemorySegment data;
    private final long mask;
    private final int epollFd;
    private final int wakeupFd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment events;
    private final MemorySegment callState;
    private volatile boolean closed;

    private RingBufferReader(MemorySegment consumerPage, MemorySegment producerArea, long pageSize, long size,
                             int epollFd, int wakeupFd) {
        this.consumerPage = consumerPage;
        this.producerArea = producerArea;
        this.data = producerArea.asSlice(pageSize, 2 * size);
        this.mask = size - 1;
        this.epollFd = epollFd;
        this.wakeupFd = wakeupFd;
        this.events = arena.allocate(LibC.EPOLL_EVENT_SIZE * 2, 8);
        this.callState = LibC.newCallState(arena);
    }

    /** Maps the ring of the ring buffer map open as mapFd, whose size is sizeBytes (a power of two). */
    public static RingBufferReader open(int mapFd, long sizeBytes) throws BpfException {
        if (Long.bitCount(sizeBytes) != 1) {
            throw new IllegalArgumentException("ring buffer size must be a power of two, got " + sizeBytes);
        }
        long pageSize = LibC.pageSize();
        MemorySegment consumer = LibC.mmap(pageSize, LibC.PROT_READ | LibC.PROT_WRITE, mapFd, 0);
        MemorySegment producer;
        try {
            producer = LibC.mmap(pageSize + 2 * sizeBytes, LibC.PROT_READ, mapFd, pageSize);
        } catch (BpfException e) {
            LibC.munmap(consumer);
            throw e;
        }
        int epollFd = -1;
        int wakeupFd = -1;
        try {
            epollFd = LibC.epollCreate();
            wakeupFd = LibC.eventFd();
            LibC.epollAdd(epollFd, mapFd, RING_DATA);
            LibC.epollAdd(epollFd, wakeupFd, WAKEUP_DATA);
        } catch (BpfException e) {
            LibC.close(epollFd);
            LibC.close(wakeupFd);
            LibC.munmap(consumer);
            LibC.munmap(producer);
            throw e;
        }
        return new RingBufferReader(consumer, producer, pageSize, sizeBytes, epollFd, wakeupFd);
    }

    /**
     * Waits up to timeoutMillis for the kernel to signal new records (or for {@link #wakeup()}),
     * then consumes everything available. Returns the number of records delivered.
     */
    public int poll(int timeoutMillis, RecordHandler handler) throws BpfException {
        if (closed) {
            return 0;
        }
        int ready = LibC.epollWait(epollFd, events, 2, timeoutMillis, callState);
        for (int i = 0; i < ready; i++) {
            long userData = events.get(LibC.JAVA_LONG_UNALIGNED, i * LibC.EPOLL_EVENT_SIZE + 4);
            if (userData == WAKEUP_DATA) {
                LibC.read(wakeupFd, arena.allocate(8));
            }
        }
        // A sweep on every return, timeout included: the kernel's adaptive wakeup can skip a notification.
        return consume(handler, Integer.MAX_VALUE);
    }

    /** Consumes up to maxRecords committed records without waiting; returns how many were delivered. */
    public int consume(RecordHandler handler, int maxRecords) {
        long consumer = (long) LONG_AT.getAcquire(consumerPage, 0L);
        int delivered = 0;
        while (delivered < maxRecords) {
            long producer = (long) LONG_AT.getAcquire(producerArea, 0L);
            if (consumer >= producer) {
                break;
            }
            while (consumer < producer && delivered < maxRecords) {
                long offset = consumer & mask;
                int header = (int) INT_AT.getAcquire(data, offset);
                if ((header & BUSY_BIT) != 0) {
                    // Reserved but not yet submitted: records after it must wait too.
                    return delivered;
                }
                int length = header & ~(BUSY_BIT | DISCARD_BIT);
                if ((header & DISCARD_BIT) == 0) {
                    handler.onRecord(data.asSlice(offset + HEADER_BYTES, length));
                    delivered++;
                }
                consumer += (length + HEADER_BYTES + 7) & ~7L;
                LONG_AT.setRelease(consumerPage, 0L, consumer);
            }
        }
        return delivered;
    }

    /** Bytes committed by the kernel and not yet consumed. */
    public long pendingBytes() {
        long producer = (long) LONG_AT.getAcquire(producerArea, 0L);
        long consumer = (long) LONG_AT.getAcquire(consumerPage, 0L);
        return producer - consumer;
    }

    /** Makes a blocked {@link #poll} return promptly. */
    public void wakeup() {
        if (!closed) {
            LibC.signalEventFd(wakeupFd);
        }
    }

    /** Releases the mappings; call only after the consuming thread has stopped polling. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LibC.close(epollFd);
        LibC.close(wakeupFd);
        LibC.munmap(consumerPage);
        LibC.munmap(producerArea);
        arena.close();
    }
}
