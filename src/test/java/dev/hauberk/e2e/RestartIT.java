package dev.hauberk.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hauberk.testing.KernelTests;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon that dies or restarts loses neither enforcement nor context: its programs and
 * maps are pinned in bpffs, the next start reuses them, and a recovery pass over the
 * running tasks fills in processes that started before it.
 */
class RestartIT {

    private static final String RULE = "exec-world-writable-dir";

    private final Path pinPath = DaemonProcess.uniquePinPath();
    private Path binary;

    @AfterEach
    void removePins() throws Exception {
        if (Files.exists(pinPath)) {
            try (Stream<Path> pins = Files.walk(pinPath)) {
                for (Path pin : pins.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(pin);
                }
            }
        }
        if (binary != null) {
            Files.deleteIfExists(binary);
        }
    }

    private Path copyOfTrueInDevShm() throws Exception {
        binary = Path.of("/dev/shm/hk-restart-" + UUID.randomUUID());
        Files.copy(Path.of("/bin/true"), binary);
        binary.toFile().setExecutable(true);
        return binary;
    }

    @Test
    void enforcementSurvivesSigkillAndRestartReusesThePrograms(@TempDir Path workDir) throws Exception {
        KernelTests.requireKernel();
        Path copy = copyOfTrueInDevShm();
        int baseline = LifecycleIT.attachedHauberkPrograms();

        DaemonProcess first = DaemonProcess.start(workDir, Map.of(RULE, "enforce"), pinPath, true);
        assertThat(LifecycleIT.attachedHauberkPrograms()).isEqualTo(baseline + LifecycleIT.PROGRAMS.size());
        first.kill();

        // Nobody is running: the pinned programs still enforce.
        Behaviours.Run whileDown = Behaviours.run(List.of("/bin/sh", "-c", "\"$1\"; exit $?", "sh", copy.toString()));
        assertThat(whileDown.exitStatus()).isEqualTo(137);
        assertThat(LifecycleIT.attachedHauberkPrograms()).isEqualTo(baseline + LifecycleIT.PROGRAMS.size());

        try (DaemonProcess second = DaemonProcess.start(workDir, Map.of(RULE, "enforce"), pinPath, true)) {
            assertThat(LifecycleIT.attachedHauberkPrograms()).isEqualTo(baseline + LifecycleIT.PROGRAMS.size());
            assertThat(second.getJson("/api/v1/health").getJsonObject("sensor").getBoolean("reusedPinnedPrograms")).isTrue();

            // The detection made while the daemon was down waited in the pinned ring buffer. The
            // shell forked the behaviour, so the detected process is the shell's child.
            JsonObject missed = second.awaitDetection(d -> d.getJsonObject("process").getLong("ppid") == whileDown.pid(),
                            Duration.ofSeconds(5))
                    .orElseThrow(() -> new AssertionError("the kill while down was not delivered:\n" + second.log()));
            assertThat(missed.getString("action")).isEqualTo("killed");

            Behaviours.Run afterRestart = Behaviours.run(List.of("/bin/sh", "-c", "\"$1\"; exit $?", "sh", copy.toString()));
            assertThat(afterRestart.exitStatus()).isEqualTo(137);
            JsonObject detection = second.awaitDetection(d -> d.getJsonObject("process").getLong("ppid") == afterRestart.pid(),
                            Duration.ofSeconds(2))
                    .orElseThrow(() -> new AssertionError("no detection after restart:\n" + second.log()));
            assertThat(detection.getJsonObject("process").getString("exe")).isEqualTo(copy.toString());
            assertThat(detection.getJsonObject("parent").getString("exe")).isEqualTo("/usr/bin/dash");
            assertThat(detection.getJsonArray("ancestors").getJsonObject(1).getLong("pid"))
                    .isEqualTo(ProcessHandle.current().pid());
        }
        // Stopped with keep_attached_on_exit: still attached, until the pins are removed.
        assertThat(LifecycleIT.attachedHauberkPrograms()).isEqualTo(baseline + LifecycleIT.PROGRAMS.size());
        removePins();
        assertThat(LifecycleIT.awaitAttachedPrograms(baseline)).isEqualTo(baseline);
    }

    @Test
    void processTreeStartedBeforeTheDaemonHasFullAncestry(@TempDir Path workDir) throws Exception {
        KernelTests.requireKernel();
        Path copy = copyOfTrueInDevShm();
        Path fifo = workDir.resolve("go");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();

        // outer sh -> inner sh, both waiting before the daemon exists; "; true" keeps the inner
        // shell from exec'ing the behaviour in its own place.
        String inner = "read line < \"$1\"; \"$2\"; true";
        Process outer = new ProcessBuilder("/bin/sh", "-c", "/bin/sh -c '" + inner + "' inner \"$1\" \"$2\"; true",
                "outer", fifo.toString(), copy.toString()).start();

        try (DaemonProcess daemon = DaemonProcess.start(workDir, Map.of(), pinPath, false)) {
            assertThat(daemon.getJson("/api/v1/health").getJsonObject("sensor").getInteger("recoveredProcesses"))
                    .isPositive();
            Files.writeString(fifo, "go\n");
            assertThat(outer.waitFor()).isZero();

            JsonObject detection = daemon.awaitDetection(d -> copy.toString().equals(d.getJsonObject("process").getString("exe")),
                            Duration.ofSeconds(2))
                    .orElseThrow(() -> new AssertionError("no detection for " + copy + ":\n" + daemon.log()));
            var ancestors = detection.getJsonArray("ancestors");
            JsonObject innerShell = ancestors.getJsonObject(0);
            JsonObject outerShell = ancestors.getJsonObject(1);
            JsonObject testJvm = ancestors.getJsonObject(2);
            assertThat(innerShell.getString("exe")).isEqualTo("/usr/bin/dash");
            assertThat(innerShell.getJsonArray("args").getList()).startsWith("/bin/sh", "-c", inner, "inner");
            assertThat(innerShell.getJsonArray("flags").getList()).contains("no-exec-seen");
            assertThat(outerShell.getLong("pid")).isEqualTo(outer.pid());
            assertThat(outerShell.getString("exe")).isEqualTo("/usr/bin/dash");
            assertThat(innerShell.getLong("ppid")).isEqualTo(outer.pid());
            assertThat(testJvm.getLong("pid")).isEqualTo(ProcessHandle.current().pid());
            assertThat(testJvm.getString("exe")).endsWith("/bin/java");
            assertThat(detection.getJsonObject("parent").getLong("pid")).isEqualTo(innerShell.getLong("pid"));
        } finally {
            outer.destroyForcibly();
        }
    }
}
