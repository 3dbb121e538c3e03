package dev.hauberk.context;

import dev.hauberk.bpf.LibC;
import java.time.Instant;

/**
 * Converts the kernel's boot-time nanoseconds (bpf_ktime_get_boot_ns) to wall-clock
 * instants. The offset is sampled on every call, so a clock step (NTP, suspend) is
 * reflected at once; it costs two clock_gettime calls.
 */
public final class BootClock {

    /** The wall-clock instant of a CLOCK_BOOTTIME reading. */
    public Instant toInstant(long bootNanos) {
        long realtime = LibC.clockNanos(LibC.CLOCK_REALTIME);
        long boottime = LibC.clockNanos(LibC.CLOCK_BOOTTIME);
        long epochNanos = realtime - boottime + bootNanos;
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
    }
}
