package dev.hauberk.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hauberk.context.container.CriClient;
import dev.hauberk.context.container.UnixGrpcChannel;
import dev.hauberk.context.runtime.cri.v1.ContainerConfig;
import dev.hauberk.context.runtime.cri.v1.ContainerMetadata;
import dev.hauberk.context.runtime.cri.v1.CreateContainerRequest;
import dev.hauberk.context.runtime.cri.v1.ImageSpec;
import dev.hauberk.context.runtime.cri.v1.LinuxPodSandboxConfig;
import dev.hauberk.context.runtime.cri.v1.LinuxSandboxSecurityContext;
import dev.hauberk.context.runtime.cri.v1.NamespaceMode;
import dev.hauberk.context.runtime.cri.v1.NamespaceOption;
import dev.hauberk.context.runtime.cri.v1.PodSandboxConfig;
import dev.hauberk.context.runtime.cri.v1.PodSandboxMetadata;
import dev.hauberk.context.runtime.cri.v1.RunPodSandboxRequest;
import dev.hauberk.testing.ContainerdTestEnv;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.client.GrpcClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Detections from inside real containers, run by a private containerd: one started with
 * ctr, one in a CRI pod. Each behaviour copies busybox into the container's /tmp and runs
 * it from there, which the world-writable rule reports with the container's identity.
 */
class ContainerDetectionIT {

    /** Copies busybox to /tmp inside the container, waits for the lookup, then runs it from /tmp. */
    private static final String BEHAVIOUR = "cp /bin/busybox /tmp/true && sleep 2 && /tmp/true && sleep 20";

    @TempDir
    static Path workDir;
    private static ContainerdTestEnv containerd;
    private static DaemonProcess daemon;
    private static Vertx vertx;
    private static CriClient cri;
    private static String imageId;
    private static final List<String> sandboxes = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        containerd = ContainerdTestEnv.start();
        imageId = containerd.imageConfigDigest();
        String sockets = """
                containers:
                  cri_sockets: [%s]
                  containerd_sockets: [%s]
                """.formatted(containerd.socket(), containerd.socket());
        daemon = DaemonProcess.start(workDir, Map.of(), DaemonProcess.uniquePinPath(), false, sockets);
        vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        GrpcClient grpc = UnixGrpcChannel.newClient(vertx, 10_000);
        cri = new CriClient(new UnixGrpcChannel(vertx, grpc, containerd.socket(), 10_000));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            for (String sandbox : sandboxes) {
                await(cri.stopPodSandbox(sandbox));
                await(cri.removePodSandbox(sandbox));
            }
            if (daemon != null) {
                daemon.close();
            }
            if (vertx != null) {
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        } finally {
            if (containerd != null) {
                containerd.close();
            }
        }
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private static JsonObject detectionIn(String containerId) throws Exception {
        return daemon.awaitDetection(d -> d.getJsonObject("container") != null
                                && containerId.equals(d.getJsonObject("container").getString("id"))
                                && "/tmp/true".equals(d.getJsonObject("process").getString("exe")),
                        Duration.ofSeconds(15))
                .orElseThrow(() -> new AssertionError("no detection in container " + containerId + ":\n" + daemon.log()));
    }

    @Test
    void ctrContainerDetectionCarriesContainerAndImage() throws Exception {
        String name = "hk-it-" + Long.toHexString(System.nanoTime());
        List<String> run = new ArrayList<>(List.of("run", "-d"));
        run.addAll(containerd.ctrRunOptions());
        run.addAll(List.of(ContainerdTestEnv.IMAGE, name, "sh", "-c", BEHAVIOUR));
        ContainerdTestEnv.Command started = containerd.ctr("default", run.toArray(String[]::new));
        assertThat(started.status()).as("ctr run: %s", started.stderr()).isZero();

        JsonObject detection = detectionIn(name);

        JsonObject container = detection.getJsonObject("container");
        assertThat(container.getString("image")).isEqualTo(ContainerdTestEnv.IMAGE);
        assertThat(container.getString("imageId")).isEqualTo(imageId);
        assertThat(container.getString("namespace")).isEqualTo("default");
        assertThat(container.getString("status")).isEqualTo("resolved");
        JsonObject process = detection.getJsonObject("process");
        assertThat(process.getString("hostExe")).endsWith("/" + name + "/rootfs/tmp/true");
        assertThat(Files.exists(Path.of(process.getString("hostExe")))).isTrue();
        long hostMnt = ((Number) Files.getAttribute(Path.of("/proc/self/ns/mnt"), "unix:ino")).longValue();
        assertThat(detection.getJsonObject("namespaces").getLong("mnt")).isNotEqualTo(hostMnt);
        assertThat(detection.getJsonArray("flags").getList()).contains("overlay-upper-layer", "world-writable-dir");
        // The ancestry stops at the first process outside the container: runc's init, which
        // exec'd runc's binary through a detached mount before it entered the container.
        var ancestors = detection.getJsonArray("ancestors");
        JsonObject boundary = ancestors.getJsonObject(ancestors.size() - 1);
        assertThat(boundary.getJsonArray("args").getList()).as("ancestors %s", ancestors).startsWith("runc", "init");
        assertThat(boundary.getString("exe")).as("ancestors %s", ancestors).endsWith("/runc");

        JsonObject listed = daemon.getJson("/api/v1/containers").getJsonArray("containers").stream()
                .map(JsonObject.class::cast)
                .filter(c -> name.equals(c.getString("id")))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in GET /api/v1/containers"));
        assertThat(listed.getString("imageId")).isEqualTo(imageId);
    }

    @Test
    void criPodDetectionCarriesPodAndImage() throws Exception {
        PodSandboxMetadata pod = PodSandboxMetadata.newBuilder()
                .setName("hk-pod").setNamespace("hk-test").setUid(UUID.randomUUID().toString()).build();
        // Host networking needs no CNI plugin, which the test environment lacks.
        PodSandboxConfig sandbox = PodSandboxConfig.newBuilder()
                .setMetadata(pod)
                .setLinux(LinuxPodSandboxConfig.newBuilder()
                        .setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
                                .setNamespaceOptions(NamespaceOption.newBuilder().setNetwork(NamespaceMode.NODE))))
                .build();
        String sandboxId = await(cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(sandbox).build()));
        sandboxes.add(sandboxId);
        String containerId = await(cri.createContainer(CreateContainerRequest.newBuilder()
                .setPodSandboxId(sandboxId)
                .setConfig(ContainerConfig.newBuilder()
                        .setMetadata(ContainerMetadata.newBuilder().setName("behaviour"))
                        .setImage(ImageSpec.newBuilder().setImage(ContainerdTestEnv.IMAGE))
                        .addCommand("sh").addArgs("-c").addArgs(BEHAVIOUR))
                .setSandboxConfig(sandbox)
                .build()));
        await(cri.startContainer(containerId));

        JsonObject container = detectionIn(containerId).getJsonObject("container");

        assertThat(container.getString("imageId")).isEqualTo(imageId);
        assertThat(container.getString("namespace")).isEqualTo("k8s.io");
        assertThat(container.getJsonObject("pod").getString("name")).isEqualTo("hk-pod");
        assertThat(container.getJsonObject("pod").getString("namespace")).isEqualTo("hk-test");
        assertThat(container.getJsonObject("pod").getString("uid")).isEqualTo(pod.getUid());
    }
}
