package dev.hauberk.context.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SocketHealthTest {

    private static final String SOCKET = "/run/crio/crio.sock";
    private static final RuntimeCallException MISSING = new RuntimeCallException(SOCKET,
            "runtime.v1.RuntimeService/ContainerStatus", RuntimeCallException.Kind.SOCKET_MISSING, null,
            "socket not found", null);

    private final AtomicLong clock = new AtomicLong();
    private final SocketHealth health = new SocketHealth(clock::get);

    @Test
    void firstFailureIsLoggedRepeatsAreNot() {
        assertThat(health.unreachable("CRI", SOCKET, MISSING)).isTrue();
        assertThat(health.unreachable("CRI", SOCKET, MISSING)).isFalse();
        clock.addAndGet(TimeUnit.MINUTES.toNanos(9));
        assertThat(health.unreachable("CRI", SOCKET, MISSING)).isFalse();
    }

    @Test
    void stillFailingIsLoggedAfterInterval() {
        health.unreachable("CRI", SOCKET, MISSING);
        clock.addAndGet(SocketHealth.REPEAT_INTERVAL_NANOS);

        assertThat(health.unreachable("CRI", SOCKET, MISSING)).isTrue();
        assertThat(health.unreachable("CRI", SOCKET, MISSING)).isFalse();
    }

    @Test
    void recoveryResetsTheLimit() {
        health.unreachable("CRI", SOCKET, MISSING);
        health.answered("CRI", SOCKET);

        assertThat(health.unreachable("CRI", SOCKET, MISSING)).isTrue();
    }

    @Test
    void eachApiAndSocketIsTrackedApart() {
        assertThat(health.unreachable("CRI", SOCKET, MISSING)).isTrue();
        assertThat(health.unreachable("containerd", SOCKET, MISSING)).isTrue();
        assertThat(health.unreachable("CRI", "/run/containerd/containerd.sock", MISSING)).isTrue();
    }
}
