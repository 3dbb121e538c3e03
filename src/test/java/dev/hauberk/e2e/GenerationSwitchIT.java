package dev.hauberk.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hauberk.testing.KernelTests;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rule sets swapped 100 times while behaviours run without pause. Set A exempts binary B
 * and set B exempts binary A, so each detection's exe tells which set decided it: a
 * detection of A made by a B generation (or the reverse) would be half of one set and half
 * of the other. Every exec is either detected or counted as excepted, so none is lost.
 */
class GenerationSwitchIT {

    private static final int SWAPS = 100;

    @TempDir
    static Path workDir;
    private static Path policy;
    private static Path binaryA;
    private static Path binaryB;
    private static DaemonProcess daemon;

    private static String policy(Path exempted) {
        return """
                rules:
                  - id: 1
                    name: exec-world-writable-dir
                    category: unknown-executable
                    severity: high
                    default_mode: monitor
                    exceptions:
                      exe_paths: [%s]
                """.formatted(exempted);
    }

    @BeforeAll
    static void start() throws Exception {
        KernelTests.requireKernel();
        Path shm = Files.createTempDirectory(Path.of("/dev/shm"), "hk-gen-");
        binaryA = Files.copy(Path.of("/bin/true"), shm.resolve("a"), StandardCopyOption.REPLACE_EXISTING);
        binaryB = Files.copy(Path.of("/bin/true"), shm.resolve("b"), StandardCopyOption.REPLACE_EXISTING);
        binaryA.toFile().setExecutable(true);
        binaryB.toFile().setExecutable(true);

        Path rules = Files.createDirectories(workDir.resolve("rules"));
        policy = rules.resolve("policy.yaml");
        Files.writeString(policy, policy(binaryB));
        int port = DaemonProcess.freePort();
        Path config = DaemonProcess.writeConfig(workDir, port, Map.of());
        // Aggregation off: every exec is its own detection.
        Files.writeString(config, Files.readString(config)
                .replace("rules_directory: " + DaemonProcess.repository().resolve("conf/rules"), "rules_directory: " + rules)
                .replace("daemon:\n", "daemon:\n  aggregation_window_ms: 0\n"));
        daemon = DaemonProcess.launch(workDir, config, port);
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        if (binaryA != null) {
            Files.deleteIfExists(binaryA);
            Files.deleteIfExists(binaryB);
            Files.deleteIfExists(binaryA.getParent());
        }
    }

    private static long counter(String name) throws Exception {
        return daemon.getJson("/api/v1/rules/exec-world-writable-dir").getJsonObject("counters").getLong(name);
    }

    @Test
    void everyDetectionHasOneGenerationsVerdictAndNoneIsLost() throws Exception {
        // Generation number -> the binary that generation reports (the other one it exempts).
        Map<Long, Path> reportedBy = new HashMap<>();
        reportedBy.put(reload(binaryB), binaryA);
        long exceptedBefore = counter("excepted");

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger runs = new AtomicInteger();
        List<Throwable> failures = new ArrayList<>();
        Thread behaviours = Thread.ofPlatform().start(() -> {
            try {
                while (running.get()) {
                    for (Path binary : List.of(binaryA, binaryB)) {
                        assertThat(Behaviours.run(List.of(binary.toString())).exitStatus()).isZero();
                        runs.incrementAndGet();
                    }
                }
            } catch (Throwable t) {
                failures.add(t);
            }
        });

        for (int swap = 1; swap <= SWAPS; swap++) {
            boolean setB = swap % 2 == 1;
            reportedBy.put(reload(setB ? binaryA : binaryB), setB ? binaryB : binaryA);
        }
        running.set(false);
        behaviours.join();
        assertThat(failures).isEmpty();
        assertThat(reportedBy).hasSize(SWAPS + 1);

        List<JsonObject> detections = ourDetections();
        for (JsonObject detection : detections) {
            long generation = detection.getLong("ruleSetGeneration");
            assertThat(reportedBy).as("generation %d of %s", generation, detection.encode()).containsKey(generation);
            assertThat(detection.getJsonObject("process").getString("exe"))
                    .as("exe reported by generation %d", generation)
                    .isEqualTo(reportedBy.get(generation).toString());
        }
        long excepted = counter("excepted") - exceptedBefore;
        assertThat(detections.size() + excepted).as("detected + excepted = execs run").isEqualTo(runs.get());
        assertThat(daemon.getJson("/api/v1/health").getJsonArray("losses").getList()).isEmpty();
        // Both sets decided some execs: the swaps happened under load.
        assertThat(detections).extracting(d -> d.getJsonObject("process").getString("exe"))
                .contains(binaryA.toString(), binaryB.toString());
    }

    /** Writes the policy that exempts one binary, reloads it, and returns the generation number it got. */
    private static long reload(Path exempted) throws Exception {
        Files.writeString(policy, policy(exempted));
        HttpResponse<String> reload = daemon.send("POST", "/api/v1/rules/reload", daemon.token(), null);
        assertThat(reload.statusCode()).as("reload: %s", reload.body()).isEqualTo(200);
        JsonObject result = new JsonObject(reload.body());
        assertThat(result.getString("result")).isEqualTo("applied");
        return result.getLong("generation");
    }

    /** Every detection of binary A or B, paging through the whole history. */
    private static List<JsonObject> ourDetections() throws Exception {
        List<JsonObject> ours = new ArrayList<>();
        String cursor = "";
        while (true) {
            JsonObject page = daemon.getJson("/api/v1/detections?limit=1000" + cursor);
            JsonArray items = page.getJsonArray("detections");
            for (int i = 0; i < items.size(); i++) {
                JsonObject detection = items.getJsonObject(i);
                String exe = detection.getJsonObject("process").getString("exe");
                if (exe.equals(binaryA.toString()) || exe.equals(binaryB.toString())) {
                    ours.add(detection);
                }
            }
            if (page.getValue("next") == null) {
                return ours;
            }
            cursor = "&before=" + page.getLong("next");
        }
    }
}
