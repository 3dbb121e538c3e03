package dev.hauberk.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hauberk.testing.KernelTests;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Enforce mode on a kernel without BPF-LSM: the exec is let through and the process
 * is killed with SIGKILL before it returns to user space, so a shell sees status 137.
 */
class EnforceIT {

    @TempDir
    static Path workDir;
    private static DaemonProcess daemon;

    @BeforeAll
    static void startDaemon() throws Exception {
        KernelTests.requireKernel();
        daemon = DaemonProcess.start(workDir, Map.of("exec-world-writable-dir", "enforce"));
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void enforcedExecFromDevShmIsKilled() throws Exception {
        String name = "hk-it-enforce-" + UUID.randomUUID();
        Path copy = Path.of("/dev/shm", name);
        java.nio.file.Files.copy(Path.of("/bin/true"), copy);
        try {
            copy.toFile().setExecutable(true);
            // Through a shell, as an operator would see it: 128 + SIGKILL.
            Behaviours.Run shell = Behaviours.run(List.of("/bin/sh", "-c", "\"$1\"; exit $?", "sh", copy.toString()));
            assertThat(shell.exitStatus()).isEqualTo(137);

            JsonObject detection = daemon.awaitDetection(
                            d -> "exec-world-writable-dir".equals(d.getJsonObject("rule").getString("name"))
                                    && copy.toString().equals(d.getJsonObject("process").getString("exe")),
                            Duration.ofSeconds(2))
                    .orElseThrow(() -> new AssertionError("no detection for " + copy + "; log:\n" + daemon.log()));
            assertThat(detection.getString("action")).isEqualTo("killed");
            assertThat(detection.getString("mode")).isEqualTo("enforce");
        } finally {
            java.nio.file.Files.deleteIfExists(copy);
        }
    }

    @Test
    void systemBinaryStillRunsUnderEnforce() throws Exception {
        assertThat(Behaviours.run(List.of("/usr/bin/true")).exitStatus()).isZero();
    }

    @Test
    void ruleListShowsEnforceModeReadFromTheKernel() throws Exception {
        JsonObject rules = daemon.getJson("/api/v1/rules");
        JsonObject rule = rules.getJsonArray("rules").stream()
                .map(JsonObject.class::cast)
                .filter(r -> "exec-world-writable-dir".equals(r.getString("name")))
                .findFirst()
                .orElseThrow();
        assertThat(rule.getString("mode")).isEqualTo("enforce");
        assertThat(rule.getInteger("id")).isEqualTo(1);
    }
}
