package dev.hauberk.sink;

import java.util.Locale;
import java.util.Optional;

/**
 * When the journal calls fsync on the file it appends to. Every policy writes each
 * detection to the file (the kernel's page cache) before the journal replies, so a
 * replied detection survives a crash of the daemon. The policies differ in what survives
 * a power failure or a kernel crash.
 */
public enum FsyncPolicy {
    /** fsync after every append and before the reply: a replied detection is on disk. */
    ALWAYS,
    /** fsync at most fsyncIntervalMs after an append: up to that window of replied detections can be lost. */
    INTERVAL,
    /** No fsync: the kernel's writeback decides, about 35 s with the default vm.dirty_* settings. */
    NEVER;

    /** Returns the lower-case name used in configuration and statistics: always, interval, never. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a configuration name; empty when the text names no policy. */
    public static Optional<FsyncPolicy> parse(String text) {
        for (FsyncPolicy policy : values()) {
            if (policy.configName().equals(text)) {
                return Optional.of(policy);
            }
        }
        return Optional.empty();
    }
}
