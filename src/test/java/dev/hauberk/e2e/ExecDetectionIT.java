package dev.hauberk.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hauberk.testing.KernelTests;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three unknown-executable detections, end to end: the real daemon jar on the real
 * kernel, each behaviour performed by a child process, each detection read back from
 * GET /api/v1/detections and from the WebSocket stream.
 */
class ExecDetectionIT {

    private static final Duration DELIVERY = Duration.ofSeconds(2);
    private static final long TEST_PID = ProcessHandle.current().pid();

    @TempDir
    static Path workDir;
    private static DaemonProcess daemon;
    private StreamRecorder stream;

    @BeforeAll
    static void startDaemon() throws Exception {
        KernelTests.requireKernel();
        daemon = DaemonProcess.start(workDir, Map.of());
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
    }

    @BeforeEach
    void connectStream() throws Exception {
        stream = StreamRecorder.connect(daemon.streamUri(""));
    }

    @AfterEach
    void closeStream() {
        stream.close();
    }

    @Test
    void execFromDevShmIsDetectedWithPathPidsAndUid() throws Exception {
        String name = "hk-it-" + UUID.randomUUID();
        Behaviours.Run run = Behaviours.execCopyOfTrue(Path.of("/dev/shm"), name);
        assertThat(run.exitStatus()).isZero();

        JsonObject detection = awaitBoth(byRuleAndPid("exec-world-writable-dir", run.pid()));
        JsonObject process = detection.getJsonObject("process");
        assertThat(process.getString("exe")).isEqualTo("/dev/shm/" + name);
        assertThat(process.getLong("pid")).isEqualTo(run.pid());
        assertThat(process.getLong("ppid")).isEqualTo(TEST_PID);
        assertThat(process.getLong("uid")).isZero();
        assertThat(process.getJsonArray("args").getList()).containsExactly("/dev/shm/" + name);
        assertThat(detection.getString("action")).isEqualTo("reported");
        assertThat(detection.getJsonObject("parent").getLong("pid")).isEqualTo(TEST_PID);
        assertThat(detection.getJsonObject("parent").getString("exe")).endsWith("/bin/java");
        assertThat(detection.getJsonArray("flags").getList()).contains("world-writable-dir");
        assertThat(detection.getLong("seq")).isPositive();
    }

    @Test
    void memfdExecIsDetectedAsFileless() throws Exception {
        String name = "hk-it-memfd";
        Behaviours.Run run = Behaviours.execMemfd(name);
        assertThat(run.exitStatus()).isZero();

        JsonObject detection = awaitBoth(byRuleAndPid("exec-memfd", run.pid()));
        JsonObject process = detection.getJsonObject("process");
        assertThat(process.getString("exe")).isEqualTo("/memfd:" + name);
        assertThat(process.getLong("pid")).isEqualTo(run.pid());
        assertThat(process.getLong("ppid")).isEqualTo(TEST_PID);
        assertThat(process.getLong("uid")).isZero();
        assertThat(detection.getJsonArray("flags").getList()).contains("memfd");
        // A memfd is reported once, as fileless, not also as deleted or world-writable.
        assertThat(daemon.detections().stream().filter(pid(run.pid())).map(d -> d.getJsonObject("rule").getString("name")))
                .containsExactly("exec-memfd");
    }

    @Test
    void execOfUnlinkedBinaryIsDetectedAsDeleted(@TempDir Path dir) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        String name = "hk-it-deleted";
        Behaviours.Run run = Behaviours.execDeletedFile(dir, name);
        assertThat(run.exitStatus()).isZero();

        JsonObject detection = awaitBoth(byRuleAndPid("exec-deleted-file", run.pid()));
        JsonObject process = detection.getJsonObject("process");
        assertThat(process.getString("exe")).endsWith("/" + name);
        assertThat(process.getLong("pid")).isEqualTo(run.pid());
        assertThat(process.getLong("ppid")).isEqualTo(TEST_PID);
        assertThat(process.getLong("uid")).isZero();
        assertThat(detection.getJsonArray("flags").getList()).contains("deleted");
    }

    @Test
    void execOfSystemBinaryProducesNothing() throws Exception {
        Behaviours.Run benign = Behaviours.run(List.of("/usr/bin/true"));
        assertThat(benign.exitStatus()).isZero();

        // A detection after it proves the pipeline delivered everything up to that point.
        Behaviours.Run marker = Behaviours.execCopyOfTrue(Path.of("/dev/shm"), "hk-it-marker-" + UUID.randomUUID());
        awaitBoth(byRuleAndPid("exec-world-writable-dir", marker.pid()));

        assertThat(daemon.detections()).noneMatch(pid(benign.pid()));
        assertThat(stream.frames()).noneMatch(pid(benign.pid()));
    }

    /** Waits for the detection through HTTP and through the WebSocket, each within the delivery bound. */
    private JsonObject awaitBoth(Predicate<JsonObject> match) throws Exception {
        JsonObject viaHttp = daemon.awaitDetection(match, DELIVERY)
                .orElseThrow(() -> new AssertionError("no matching detection at /api/v1/detections within " + DELIVERY
                        + "; daemon log:\n" + daemon.log()));
        JsonObject viaStream = stream.await(match, DELIVERY)
                .orElseThrow(() -> new AssertionError("no matching frame on /api/v1/stream within " + DELIVERY));
        assertThat(viaStream).isEqualTo(viaHttp);
        return viaHttp;
    }

    static Predicate<JsonObject> pid(long pid) {
        return d -> d.getJsonObject("process").getLong("pid") == pid;
    }

    static Predicate<JsonObject> byRuleAndPid(String rule, long pid) {
        return pid(pid).and(d -> rule.equals(d.getJsonObject("rule").getString("name")));
    }
}
