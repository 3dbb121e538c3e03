package dev.hauberk.sensor;

/** Mirrors enum hk_counter: each kind of loss or degradation counted in the kernel. */
public enum KernelCounter {
    RINGBUF_FULL(0, "ringBufferFull"),
    PROC_TABLE_FULL(1, "processTableFull"),
    PROC_MISSING(2, "processMissing"),
    PATH_TRUNCATED(3, "pathTruncated");

    /** Mirrors HK_COUNTER_MAX: the size of hk_counters. */
    public static final int SLOTS = 16;

    private final int index;
    private final String jsonName;

    KernelCounter(int index, String jsonName) {
        this.index = index;
        this.jsonName = jsonName;
    }

    public int index() {
        return index;
    }

    public String jsonName() {
        return jsonName;
    }
}
