package dev.hauberk.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hauberk.testing.KernelTests;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules as data, end to end: scope and exceptions decided in the kernel from the policy
 * file, mode switches and reloads through the authenticated API and SIGHUP, would-block
 * counts, audit records, and the aggregation of repeats.
 */
class RulePolicyIT {

    /** Exec rule 1 with an exception for one /dev/shm prefix; the ld.so.preload rule in monitor mode. */
    private static final String POLICY = """
            rules:
              - id: 1
                name: exec-world-writable-dir
                category: unknown-executable
                severity: high
                default_mode: monitor
                exceptions:
                  exe_prefixes: [/dev/shm/hk-it-allowed-]
              - id: 20
                name: write-ld-so-preload
                category: rootkit
                severity: critical
                default_mode: monitor
            """;
    private static final long WINDOW_MS = 1000;
    private static final Duration DETECTION_WAIT = Duration.ofSeconds(3);

    @TempDir
    static Path workDir;
    private static Path policy;
    private static DaemonProcess daemon;

    @BeforeAll
    static void startDaemon() throws Exception {
        KernelTests.requireKernel();
        Path rules = Files.createDirectories(workDir.resolve("rules"));
        policy = rules.resolve("policy.yaml");
        Files.writeString(policy, POLICY);
        int port = DaemonProcess.freePort();
        Path config = DaemonProcess.writeConfig(workDir, port, Map.of());
        Files.writeString(config, Files.readString(config)
                .replace("rules_directory: " + DaemonProcess.repository().resolve("conf/rules"), "rules_directory: " + rules)
                .replace("daemon:\n", "daemon:\n  aggregation_window_ms: " + WINDOW_MS + "\n"));
        daemon = DaemonProcess.launch(workDir, config, port);
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
    }

    @AfterEach
    void restorePolicy() throws Exception {
        if (daemon == null || Files.readString(policy).equals(POLICY)) {
            return;
        }
        Files.writeString(policy, POLICY);
        HttpResponse<String> reload = daemon.send("POST", "/api/v1/rules/reload", daemon.token(), null);
        assertThat(reload.statusCode()).as("restoring the policy: %s", reload.body()).isEqualTo(200);
    }

    private Optional<JsonObject> detectionOf(Path exe, Duration wait) throws Exception {
        return daemon.awaitDetection(d -> exe.toString().equals(d.getJsonObject("process").getString("exe")), wait);
    }

    private JsonObject rule(String name) throws Exception {
        return daemon.getJson("/api/v1/rules/" + name);
    }

    private JsonObject setMode(String rule, String mode) throws Exception {
        HttpResponse<String> response = daemon.send("PUT", "/api/v1/rules/" + rule + "/mode", daemon.token(),
                "{\"mode\":\"" + mode + "\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new JsonObject(response.body());
    }

    private static Path shm(String prefix) {
        return Path.of("/dev/shm", prefix + UUID.randomUUID());
    }

    private static Behaviours.Run execCopy(Path path) throws Exception {
        return Behaviours.execCopyOfTrue(path.getParent(), path.getFileName().toString());
    }

    @Test
    void exceptionExemptsMatchingExecOnly() throws Exception {
        long exceptedBefore = rule("1").getJsonObject("counters").getLong("excepted");
        Path allowed = shm("hk-it-allowed-");
        Path other = shm("hk-it-other-");

        assertThat(execCopy(allowed).exitStatus()).isZero();
        assertThat(execCopy(other).exitStatus()).isZero();

        assertThat(detectionOf(other, DETECTION_WAIT)).as("exec outside the exception").isPresent();
        assertThat(detectionOf(allowed, Duration.ofMillis(500))).as("exec inside the exception").isEmpty();
        assertThat(rule("1").getJsonObject("counters").getLong("excepted")).isGreaterThan(exceptedBefore);
    }

    @Test
    void monitorModeCountsWouldBlock() throws Exception {
        long before = rule("exec-world-writable-dir").getJsonObject("counters").getLong("reported");
        Path other = shm("hk-it-other-");

        execCopy(other);

        assertThat(detectionOf(other, DETECTION_WAIT)).isPresent();
        assertThat(rule("exec-world-writable-dir").getJsonObject("counters").getLong("reported")).isGreaterThan(before);
    }

    @Test
    void modeSwitchIsInForceWhenAnswered() throws Exception {
        Path other = shm("hk-it-other-");
        try {
            JsonObject reply = setMode("exec-world-writable-dir", "enforce");
            assertThat(reply.getString("previousMode")).isEqualTo("monitor");

            // No wait: the kernel has the new mode once the response arrived.
            Behaviours.Run run = Behaviours.run(List.of("/bin/sh", "-c", "cp /bin/true \"$1\" && \"$1\"; s=$?; rm -f \"$1\"; exit $s",
                    "sh", other.toString()));

            assertThat(run.exitStatus()).isEqualTo(137);
            JsonObject detection = detectionOf(other, DETECTION_WAIT).orElseThrow();
            assertThat(detection.getString("action")).isEqualTo("killed");
            assertThat(rule("1").getJsonObject("counters").getLong("killed")).isPositive();
            assertThat(rule("1").getString("modeSource")).isEqualTo("api");
        } finally {
            setMode("exec-world-writable-dir", "monitor");
        }
    }

    @Test
    void modeChangeWithoutTokenChangesNothing() throws Exception {
        HttpResponse<String> response = daemon.send("PUT", "/api/v1/rules/1/mode", null, "{\"mode\":\"off\"}");
        HttpResponse<String> wrong = daemon.send("PUT", "/api/v1/rules/1/mode", "0".repeat(64), "{\"mode\":\"off\"}");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(rule("1").getString("mode")).isEqualTo("monitor");
    }

    @Test
    void reloadAppliesNewExceptionWithoutRestart() throws Exception {
        Files.writeString(policy, POLICY.replace("[/dev/shm/hk-it-allowed-]", "[/dev/shm/hk-it-allowed-, /dev/shm/hk-it-later-]"));

        HttpResponse<String> reload = daemon.send("POST", "/api/v1/rules/reload", daemon.token(), null);

        assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
        assertThat(new JsonObject(reload.body()).getString("result")).isEqualTo("applied");
        assertThat(new JsonObject(reload.body()).getLong("generation")).isPositive();
        Path later = shm("hk-it-later-");
        execCopy(later);
        assertThat(detectionOf(later, Duration.ofMillis(1500))).isEmpty();
    }

    @Test
    void invalidReloadIsRejectedAndChangesNothing() throws Exception {
        Files.writeString(policy, POLICY.replace("[/dev/shm/hk-it-allowed-]", "[dev/shm/hk-it-other-]"));

        HttpResponse<String> reload = daemon.send("POST", "/api/v1/rules/reload", daemon.token(), null);

        assertThat(reload.statusCode()).isEqualTo(422);
        JsonObject body = new JsonObject(reload.body());
        assertThat(body.getString("result")).isEqualTo("rejected");
        assertThat(body.getJsonArray("errors").getString(0)).isEqualTo(policy + ":8:22: exceptions.exe_prefixes: "
                + "'dev/shm/hk-it-other-' is not an absolute path: it must start with /");
        Path other = shm("hk-it-other-");
        execCopy(other);
        assertThat(detectionOf(other, DETECTION_WAIT)).as("the old policy is still in force").isPresent();
    }

    @Test
    void sighupReloadsAndKeepsDaemonRunning() throws Exception {
        long before = auditRecords().stream().filter(r -> "reload".equals(r.getString("action"))).count();

        daemon.signal("HUP");

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<JsonObject> reloads = List.of();
        while (System.nanoTime() < deadline && reloads.size() <= before) {
            Thread.sleep(100);
            reloads = auditRecords().stream().filter(r -> "reload".equals(r.getString("action"))).toList();
        }
        assertThat(reloads).hasSizeGreaterThan((int) before);
        JsonObject record = reloads.getFirst();
        assertThat(record.getJsonObject("client").getString("via")).isEqualTo("sighup");
        assertThat(record.getString("result")).isEqualTo("applied");
        assertThat(daemon.isAlive()).isTrue();
        assertThat(daemon.getJson("/api/v1/health").getString("status")).isEqualTo("ok");
    }

    @Test
    void startRecordsTheModesInForce() throws Exception {
        JsonObject start = auditRecords().stream().filter(r -> "start".equals(r.getString("action")))
                .findFirst().orElseThrow(() -> new AssertionError("no start record in the audit journal"));

        assertThat(start.getJsonObject("client").getString("source")).isEqualTo("daemon start");
        assertThat(start.getJsonArray("modes").stream().map(JsonObject.class::cast)
                .filter(m -> m.getInteger("id") == 1).findFirst().orElseThrow().getString("mode")).isEqualTo("monitor");
    }

    @Test
    void auditRecordsNameClientButNotToken() throws Exception {
        setMode("write-ld-so-preload", "monitor");

        JsonObject record = auditRecords().stream().filter(r -> "rule-mode".equals(r.getString("action")))
                .findFirst().orElseThrow();

        assertThat(record.getJsonObject("client").getString("address")).startsWith("127.0.0.1:");
        assertThat(record.getJsonObject("client").getString("tokenFingerprint")).matches("sha256:[0-9a-f]{16}");
        assertThat(record.encode()).doesNotContain(daemon.token());
        assertThat(Files.readString(daemon.workDir().resolve("daemon.log"))).doesNotContain(daemon.token());
        assertThat(daemon.detections()).noneMatch(d -> d.containsKey("type"));
    }

    @Test
    void repeatedWritesAreAggregated() throws Exception {
        Path preload = Files.createDirectories(workDir.resolve("root-" + UUID.randomUUID() + "/etc")).resolve("ld.so.preload");

        Behaviours.Run run = Behaviours.run(List.of("/bin/sh", "-c",
                "for i in 1 2 3 4 5; do echo /tmp/x.so > \"$1\"; done", "sh", preload.toString()));

        assertThat(run.exitStatus()).isZero();
        List<JsonObject> detections = awaitDetections(preload, 2, Duration.ofMillis(WINDOW_MS * 3));
        assertThat(detections).hasSize(2);
        JsonObject first = detections.get(1);
        JsonObject followUp = detections.get(0);
        assertThat(first.containsKey("count")).isFalse();
        assertThat(followUp.getInteger("count")).isEqualTo(4);
        assertThat(followUp.getString("firstTime")).isNotBlank();
        assertThat(followUp.getString("lastTime")).isGreaterThanOrEqualTo(followUp.getString("firstTime"));
        assertThat(followUp.getJsonObject("process").getString("execId"))
                .isEqualTo(first.getJsonObject("process").getString("execId"));
    }

    /** The detections whose target is path, newest first, once count have arrived or the wait is over. */
    private List<JsonObject> awaitDetections(Path path, int count, Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        List<JsonObject> found;
        do {
            found = daemon.detections().stream()
                    .filter(d -> d.getValue("target") instanceof JsonObject target && path.toString().equals(target.getString("path")))
                    .toList();
            if (found.size() >= count) {
                break;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        // Let a late extra detection show up, so that a count that is too high fails.
        Thread.sleep(WINDOW_MS);
        return daemon.detections().stream()
                .filter(d -> d.getValue("target") instanceof JsonObject target && path.toString().equals(target.getString("path")))
                .toList();
    }

    private List<JsonObject> auditRecords() throws Exception {
        JsonArray records = daemon.getJson("/api/v1/audit?limit=1000").getJsonArray("records");
        return records.stream().map(JsonObject.class::cast).toList();
    }
}
