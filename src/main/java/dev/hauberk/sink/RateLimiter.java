package dev.hauberk.sink;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Lets through at most one event per interval, typically a log line about a repeated error,
 * and counts the events it held back. Not thread-safe.
 */
final class RateLimiter {

    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private boolean acquiredBefore;
    private long lastAcquiredNanos;
    private long suppressed;

    RateLimiter(Duration interval) {
        this(interval, System::nanoTime);
    }

    RateLimiter(Duration interval, LongSupplier nanoClock) {
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
    }

    /**
     * Records one event. Returns the number of events suppressed since the last one let through
     * when this one is let through, or -1 when this one is suppressed.
     */
    long tryAcquire() {
        long now = nanoClock.getAsLong();
        if (acquiredBefore && now - lastAcquiredNanos < intervalNanos) {
            suppressed++;
            return -1;
        }
        acquiredBefore = true;
        lastAcquiredNanos = now;
        long count = suppressed;
        suppressed = 0;
        return count;
    }
}
