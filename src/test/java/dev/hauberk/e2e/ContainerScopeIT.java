package dev.hauberk.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hauberk.testing.ContainerdTestEnv;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules scoped by container id and excepted by image id, decided in the kernel from the
 * hashes the daemon writes into the container table once a container is resolved. The
 * containers run under a private containerd; each copies busybox to its /tmp, waits for its
 * lookup, and runs it from there.
 */
class ContainerScopeIT {

    private static final String BEHAVIOUR = "cp /bin/busybox /tmp/true && sleep 3 && /tmp/true && sleep 20";
    private static final String SCOPED = "hk-it-scoped-" + Long.toHexString(System.nanoTime());
    private static final String POLICY = """
            rules:
              - id: 1
                name: exec-world-writable-dir
                category: unknown-executable
                severity: high
                scope:
                  where: container
                  container_ids: [%s]
            """.formatted(SCOPED);

    @TempDir
    static Path workDir;
    private static ContainerdTestEnv containerd;
    private static DaemonProcess daemon;
    private static Path policy;

    @BeforeAll
    static void start() throws Exception {
        containerd = ContainerdTestEnv.start();
        Path rules = Files.createDirectories(workDir.resolve("rules"));
        policy = rules.resolve("policy.yaml");
        Files.writeString(policy, POLICY);
        int port = DaemonProcess.freePort();
        Path config = DaemonProcess.writeConfig(workDir, port, Map.of());
        Files.writeString(config, Files.readString(config)
                .replace("rules_directory: " + DaemonProcess.repository().resolve("conf/rules"), "rules_directory: " + rules)
                + """
                containers:
                  cri_sockets: [%s]
                  containerd_sockets: [%s]
                """.formatted(containerd.socket(), containerd.socket()));
        daemon = DaemonProcess.launch(workDir, config, port);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (daemon != null) {
                daemon.close();
            }
        } finally {
            if (containerd != null) {
                containerd.close();
            }
        }
    }

    private static void runContainer(String name) throws Exception {
        List<String> run = new ArrayList<>(List.of("run", "-d"));
        run.addAll(containerd.ctrRunOptions());
        run.addAll(List.of(ContainerdTestEnv.IMAGE, name, "sh", "-c", BEHAVIOUR));
        ContainerdTestEnv.Command started = containerd.ctr("default", run.toArray(String[]::new));
        assertThat(started.status()).as("ctr run: %s", started.stderr()).isZero();
    }

    private static Optional<JsonObject> detectionIn(String name, Duration wait) throws Exception {
        return daemon.awaitDetection(d -> d.getJsonObject("container") != null
                && name.equals(d.getJsonObject("container").getString("id"))
                && "/tmp/true".equals(d.getJsonObject("process").getString("exe")), wait);
    }

    @Test
    void onlyTheScopedContainerIsReported() throws Exception {
        String other = "hk-it-other-" + Long.toHexString(System.nanoTime());

        runContainer(SCOPED);
        runContainer(other);

        assertThat(detectionIn(SCOPED, Duration.ofSeconds(20))).as("container %s in scope; containers %s",
                SCOPED, daemon.getJson("/api/v1/containers").encode()).isPresent();
        assertThat(detectionIn(other, Duration.ofSeconds(2))).as("container %s out of scope", other).isEmpty();
    }

    @Test
    void imageExceptionExemptsAfterReload() throws Exception {
        String excepted = SCOPED + "-excepted";
        Files.writeString(policy, POLICY.replace("container_ids: [" + SCOPED + "]",
                "container_ids: [" + excepted + "]\n    exceptions:\n      image_ids: [" + containerd.imageConfigDigest() + "]"));
        reload();
        try {
            long exceptedBefore = daemon.getJson("/api/v1/rules/1").getJsonObject("counters").getLong("excepted");

            runContainer(excepted);

            assertThat(detectionIn(excepted, Duration.ofSeconds(10))).isEmpty();
            assertThat(daemon.getJson("/api/v1/rules/1").getJsonObject("counters").getLong("excepted"))
                    .isGreaterThan(exceptedBefore);
        } finally {
            Files.writeString(policy, POLICY);
            reload();
        }
    }

    private static void reload() throws Exception {
        HttpResponse<String> reload = daemon.send("POST", "/api/v1/rules/reload", daemon.token(), null);
        assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
    }
}
