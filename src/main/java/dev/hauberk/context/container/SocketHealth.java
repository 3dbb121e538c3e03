package dev.hauberk.context.container;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs whether each runtime socket answers, once per change and not once per lookup. A socket that
 * stops answering is logged at WARN when it first fails and then at most once per
 * {@link #REPEAT_INTERVAL_NANOS} with the count of failures in between; one that answers again is
 * logged at INFO. Thread-safe.
 */
final class SocketHealth {

    private static final Logger LOG = LoggerFactory.getLogger(SocketHealth.class);

    /** Minimum time between two warnings about the same socket that is still failing. */
    static final long REPEAT_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final Map<String, State> states = new HashMap<>();
    private final LongSupplier nanoTime;

    SocketHealth() {
        this(System::nanoTime);
    }

    SocketHealth(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    private static final class State {
        boolean down;
        long lastWarningNanos;
        long failuresSinceWarning;
    }

    /**
     * Records that api ("CRI" or "containerd") could not reach socket. Returns whether this call
     * logged a warning, which tests use to check the rate limit.
     */
    synchronized boolean unreachable(String api, String socket, RuntimeCallException error) {
        State state = states.computeIfAbsent(api + " " + socket, key -> new State());
        long now = nanoTime.getAsLong();
        if (!state.down) {
            state.down = true;
            state.lastWarningNanos = now;
            state.failuresSinceWarning = 0;
            LOG.warn("{} socket {} unavailable: {}; containers it runs resolve as image-unknown until it answers",
                    api, socket, error.detail());
            return true;
        }
        state.failuresSinceWarning++;
        if (now - state.lastWarningNanos < REPEAT_INTERVAL_NANOS) {
            return false;
        }
        LOG.warn("{} socket {} still unavailable: {} ({} failed lookups since the last warning)",
                api, socket, error.detail(), state.failuresSinceWarning);
        state.lastWarningNanos = now;
        state.failuresSinceWarning = 0;
        return true;
    }

    /** Records that api answered on socket, logging once when it had been unavailable. */
    synchronized void answered(String api, String socket) {
        State state = states.get(api + " " + socket);
        if (state != null && state.down) {
            state.down = false;
            LOG.info("{} socket {} answers again", api, socket);
        }
    }
}
