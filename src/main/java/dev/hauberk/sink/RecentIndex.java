package dev.hauberk.sink;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The most recent detections of the journal in memory, in a ring of fixed capacity.
 * The entries are contiguous: the index contains every journal detection whose seq is at or
 * above {@link #oldestSeq()}, so it alone can serve a query down to that seq.
 * Not thread-safe.
 */
final class RecentIndex {

    private final long[] seqs;
    private final JsonObject[] detections;
    /** Ring position of the oldest entry. */
    private int head;
    private int size;

    RecentIndex(int capacity) {
        seqs = new long[capacity];
        detections = new JsonObject[capacity];
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /** Returns the seq of the oldest entry; valid only when the index is not empty. */
    long oldestSeq() {
        return seqs[head];
    }

    /**
     * Appends the newest detection, evicting the oldest when full. The seq must be above
     * every seq already held, which the journal guarantees by appending in seq order.
     */
    void add(long seq, JsonObject detection) {
        if (seqs.length == 0) {
            return;
        }
        if (size > 0 && seq <= seqs[position(size - 1)]) {
            throw new IllegalArgumentException("seq " + seq + " is not above the newest indexed seq "
                    + seqs[position(size - 1)]);
        }
        if (size == seqs.length) {
            detections[head] = null;
            head = (head + 1) % seqs.length;
            size--;
        }
        int slot = position(size);
        seqs[slot] = seq;
        detections[slot] = detection;
        size++;
    }

    /** Removes the entries with a seq below the given one, so the index never outlives the files. */
    void removeBelow(long seq) {
        while (size > 0 && seqs[head] < seq) {
            detections[head] = null;
            head = (head + 1) % seqs.length;
            size--;
        }
    }

    /**
     * Adds to {@code out}, newest first, the entries with lower &lt; seq &lt; upper, until
     * {@code out} contains {@code max} entries.
     */
    void collectNewestFirst(long lower, long upper, int max, List<JsonObject> out) {
        for (int i = firstAtOrAbove(upper) - 1; i >= 0 && out.size() < max; i--) {
            int slot = position(i);
            if (seqs[slot] <= lower) {
                return;
            }
            out.add(detections[slot]);
        }
    }

    /**
     * Adds to {@code out}, oldest first, the entries with lower &lt; seq &lt; upper, until
     * {@code out} contains {@code max} entries.
     */
    void collectOldestFirst(long lower, long upper, int max, List<JsonObject> out) {
        long start = lower == Long.MAX_VALUE ? lower : lower + 1;
        for (int i = firstAtOrAbove(start); i < size && out.size() < max; i++) {
            int slot = position(i);
            if (seqs[slot] >= upper) {
                return;
            }
            out.add(detections[slot]);
        }
    }

    /** Logical index (0 = oldest) of the first entry with a seq at or above the given one, or size. */
    private int firstAtOrAbove(long seq) {
        int low = 0;
        int high = size;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (seqs[position(middle)] < seq) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    private int position(int logicalIndex) {
        return (head + logicalIndex) % seqs.length;
    }
}
