package dev.hauberk.event;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Merges repeated identical detections. Detections are of one kind when they have the same
 * rule, process image (exec id), target (destination or file, none for exec rules) and action.
 * The first detection of a kind opens a window and is delivered at once. Repeats inside the window are
 * counted, and when it closes one follow-up is delivered: the last repeat with "count" (the
 * number merged), "firstTime" and "lastTime" (the "time" of the first and last repeat).
 * Nothing is dropped: a detection that finds {@link #MAX_OPEN_WINDOWS} windows open is delivered
 * on its own, and {@link #flushAll} delivers every pending follow-up at shutdown.
 *
 * <p>Windows are fixed: a repeat after a window closed opens the next one. Not thread-safe: the
 * ring verticle calls it from its event loop, including {@link #flushExpired} from a timer.
 */
public final class DetectionAggregator {

    /** Windows open at once; beyond this a new kind of detection is delivered without a window. */
    public static final int MAX_OPEN_WINDOWS = 65_536;

    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final Consumer<JsonObject> deliver;
    /** Open windows, oldest first: every window has the same length, so the oldest closes first. */
    private final LinkedHashMap<String, Window> windows = new LinkedHashMap<>();
    private long merged;
    private long unaggregated;

    private static final class Window {
        final long openedNanos;
        int count;
        String firstTime;
        String lastTime;
        JsonObject latest;

        Window(long openedNanos) {
            this.openedNanos = openedNanos;
        }
    }

    /**
     * @param windowMs  length of a window in milliseconds; 0 delivers every detection as it comes
     * @param nanoClock monotonic time in nanoseconds, such as System::nanoTime
     * @param deliver   receives each detection and follow-up, in order
     */
    public DetectionAggregator(long windowMs, LongSupplier nanoClock, Consumer<JsonObject> deliver) {
        if (windowMs < 0) {
            throw new IllegalArgumentException("aggregation window must be 0 or more ms, got " + windowMs);
        }
        this.windowNanos = TimeUnit.MILLISECONDS.toNanos(windowMs);
        this.nanoClock = nanoClock;
        this.deliver = deliver;
    }

    /** Delivers a detection at once, or merges it into the open window of its kind. */
    public void offer(JsonObject detection) {
        if (windowNanos == 0) {
            deliver.accept(detection);
            return;
        }
        long now = nanoClock.getAsLong();
        flushExpired(now);
        String key = key(detection);
        Window window = windows.get(key);
        if (window != null) {
            window.count++;
            String time = detection.getString("time");
            if (window.count == 1) {
                window.firstTime = time;
            }
            window.lastTime = time;
            window.latest = detection;
            merged++;
            return;
        }
        if (windows.size() < MAX_OPEN_WINDOWS) {
            windows.put(key, new Window(now));
        } else {
            unaggregated++;
        }
        deliver.accept(detection);
    }

    /** Closes the windows whose time has passed and delivers their follow-ups. */
    public void flushExpired() {
        flushExpired(nanoClock.getAsLong());
    }

    private void flushExpired(long now) {
        Iterator<Window> open = windows.values().iterator();
        while (open.hasNext()) {
            Window window = open.next();
            if (now - window.openedNanos < windowNanos) {
                return;
            }
            open.remove();
            deliverFollowUp(window, deliver);
        }
    }

    /** Closes every window and delivers the pending follow-ups to sink, as at shutdown. */
    public void flushAll(Consumer<JsonObject> sink) {
        for (Window window : windows.values()) {
            deliverFollowUp(window, sink);
        }
        windows.clear();
    }

    private static void deliverFollowUp(Window window, Consumer<JsonObject> sink) {
        if (window.count == 0) {
            return;
        }
        sink.accept(window.latest.copy()
                .put("count", window.count)
                .put("firstTime", window.firstTime)
                .put("lastTime", window.lastTime));
    }

    /** Returns the number of repeats merged into follow-ups since start. */
    public long merged() {
        return merged;
    }

    /** Returns the number of detections delivered without a window because {@link #MAX_OPEN_WINDOWS} were open. */
    public long unaggregated() {
        return unaggregated;
    }

    /** Returns the number of windows open now. */
    public int openWindows() {
        return windows.size();
    }

    /** Returns the identity of a detection's kind: rule id, exec id, target and action. */
    static String key(JsonObject detection) {
        JsonObject rule = detection.getJsonObject("rule");
        JsonObject process = detection.getJsonObject("process");
        Object target = detection.getValue("target");
        return (rule == null ? "" : String.valueOf(rule.getValue("id"))) + "|"
                + (process == null ? "" : process.getString("execId", "")) + "|"
                + (target instanceof JsonObject object ? canonical(object) : "") + "|"
                + detection.getString("action", "");
    }

    /** Encodes JSON with keys sorted, so that field order does not split a kind. */
    private static String canonical(Object value) {
        if (value instanceof JsonObject object) {
            StringBuilder text = new StringBuilder("{");
            for (String field : new TreeSet<>(object.fieldNames())) {
                text.append(quote(field)).append(':').append(canonical(object.getValue(field))).append(',');
            }
            return text.append('}').toString();
        }
        if (value instanceof JsonArray array) {
            StringBuilder text = new StringBuilder("[");
            for (Object item : array) {
                text.append(canonical(item)).append(',');
            }
            return text.append(']').toString();
        }
        return value instanceof String text ? quote(text) : String.valueOf(value);
    }

    /** Returns text as an escaped JSON string (in a one-element array, which keeps it unambiguous). */
    private static String quote(String text) {
        return new JsonArray().add(text).encode();
    }
}
