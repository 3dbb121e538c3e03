package dev.hauberk.context.container;

import static org.assertj.core.api.Assertions.assertThat;

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
import dev.hauberk.testing.ContainerdTestEnv.Command;
import dev.hauberk.testing.KernelTests;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.client.GrpcClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Container resolution against a real containerd: a private one that scripts/containerd/testenv
 * starts under a temporary directory, so the host's own containerd (if any) is never touched.
 * One container comes from {@code ctr run} in namespace default, one from a CRI pod with host
 * networking; both run busybox from the locally imported {@code localhost/busybox:test}.
 *
 * <p>Needs root and containerd, runc and busybox-static (testenv setup installs them with apt-get).
 * Without them the tests skip, or fail when HAUBERK_REQUIRE_KERNEL_TESTS=1.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ContainerRuntimeIT {

    private static final String IMAGE = "localhost/busybox:test";
    private static final long CALL_TIMEOUT_MS = 5000;
    private static final int COMMAND_TIMEOUT_SECONDS = 90;

    private static Path testenv;
    private static Path dir;
    private static String socket;
    private static Vertx vertx;
    private static GrpcClient grpc;
    private static CriClient cri;

    private static String ctrName;
    private static String podSandboxId;
    private static String criContainerId;
    private static PodSandboxMetadata podMetadata;
    private static String expectedImageId;

    @BeforeAll
    static void startContainerd() throws Exception {
        KernelTests.requireKernel();
        testenv = Path.of(System.getProperty("hauberk.basedir", ".")).toAbsolutePath().resolve("scripts/containerd/testenv");
        Command setup = Command.run(List.of(testenv.toString(), "setup"));
        if (setup.status() != 0) {
            String problem = "containerd test environment unavailable: '" + testenv + " setup' exited with "
                    + setup.status() + ": " + setup.stderr().strip();
            if ("1".equals(System.getenv(KernelTests.REQUIRE_ENV))) {
                Assertions.fail(problem);
            }
            Assumptions.abort(problem);
        }

        // A short directory, because the socket path must fit in sockaddr_un's 107 bytes.
        dir = Files.createTempDirectory(Path.of("/tmp"), "hctd");
        Command start = Command.run(List.of(testenv.toString(), "start", dir.toString()));
        assertThat(start.status()).as("testenv start: %s", start.stderr()).isZero();
        socket = start.stdout().strip().lines().reduce((first, second) -> second).orElseThrow();

        vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        assertThat(vertx.isNativeTransportEnabled()).as("native transport, needed for unix sockets").isTrue();
        grpc = UnixGrpcChannel.newClient(vertx, CALL_TIMEOUT_MS);
        cri = new CriClient(new UnixGrpcChannel(vertx, grpc, socket, CALL_TIMEOUT_MS));

        expectedImageId = configDigestFromCtr();
        startCtrContainer();
        startCriPod();
    }

    @AfterAll
    static void stopContainerd() throws Exception {
        try {
            if (podSandboxId != null) {
                // Best effort: testenv stop below kills whatever this leaves behind.
                try {
                    await(cri.stopPodSandbox(podSandboxId));
                    await(cri.removePodSandbox(podSandboxId));
                } catch (Exception e) {
                    System.err.println("removing pod sandbox " + podSandboxId + " failed: " + e);
                }
            }
            if (vertx != null) {
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        } finally {
            if (dir != null) {
                Command stop = Command.run(List.of(testenv.toString(), "stop", dir.toString()));
                if (stop.status() != 0) {
                    System.err.println("testenv stop " + dir + " failed: " + stop.stderr());
                }
                Command.run(List.of("rm", "-rf", dir.toString()));
            }
        }
    }

    // ---------------------------------------------------------------- (a) ctr run, containerd API

    @Test
    void ctrContainerResolvesThroughContainerd() throws Exception {
        ContainerIdentity identity = identityOf(ctrTaskPid());

        assertThat(identity.runtime()).isEqualTo(ContainerRuntime.CONTAINERD);
        assertThat(identity.containerId()).isEqualTo(ctrName);
        assertThat(identity.namespace()).isEqualTo("default");

        // CRI left out, so the result can only come from containerd's own API.
        ContainerResolver resolver = resolver(List.of(), List.of(socket));
        ContainerInfo info = await(resolver.resolve(identity));

        assertThat(info.status()).as("reason: %s", info.reason()).isEqualTo(ResolutionStatus.RESOLVED);
        assertThat(info.id()).isEqualTo(ctrName);
        assertThat(info.name()).isEqualTo(ctrName);
        assertThat(info.namespace()).isEqualTo("default");
        assertThat(info.image()).isEqualTo(IMAGE);
        assertThat(info.imageId()).isEqualTo(expectedImageId);
        assertThat(info.pod()).isNull();
        await(resolver.close());
    }

    // ---------------------------------------------------------------- (b) CRI pod, CRI API

    @Test
    void criContainerResolvesThroughCri() throws Exception {
        ContainerIdentity identity = identityOf(criContainerPid());

        assertThat(identity.runtime()).isEqualTo(ContainerRuntime.CRI_CONTAINERD);
        assertThat(identity.containerId()).isEqualTo(criContainerId);
        assertThat(identity.namespace()).isEqualTo("k8s.io");

        // containerd's own API left out, so the result can only come from CRI.
        ContainerResolver resolver = resolver(List.of(socket), List.of());
        ContainerInfo info = await(resolver.resolve(identity));

        assertThat(info.status()).as("reason: %s", info.reason()).isEqualTo(ResolutionStatus.RESOLVED);
        assertThat(info.id()).isEqualTo(criContainerId);
        assertThat(info.name()).isEqualTo("sleeper");
        assertThat(info.runtime()).isEqualTo(ContainerRuntime.CRI_CONTAINERD);
        assertThat(info.image()).isEqualTo(IMAGE);
        assertThat(info.imageId()).isEqualTo(expectedImageId);
        assertThat(info.pod()).isNotNull();
        assertThat(info.pod().name()).isEqualTo(podMetadata.getName());
        assertThat(info.pod().namespace()).isEqualTo(podMetadata.getNamespace());
        assertThat(info.pod().uid()).isEqualTo(podMetadata.getUid());
        await(resolver.close());
    }

    @Test
    void criContainerResolvesThroughContainerdToo() throws Exception {
        ContainerIdentity identity = identityOf(criContainerPid());

        ContainerResolver resolver = resolver(List.of(), List.of(socket));
        ContainerInfo info = await(resolver.resolve(identity));

        // Both paths end at the same id: the image config digest.
        assertThat(info.status()).as("reason: %s", info.reason()).isEqualTo(ResolutionStatus.RESOLVED);
        assertThat(info.imageId()).isEqualTo(expectedImageId);
        assertThat(info.namespace()).isEqualTo("k8s.io");
        assertThat(info.name()).isEqualTo("sleeper");
        assertThat(info.pod()).isNotNull();
        assertThat(info.pod().name()).isEqualTo(podMetadata.getName());
        assertThat(info.pod().namespace()).isEqualTo(podMetadata.getNamespace());
        assertThat(info.pod().uid()).isEqualTo(podMetadata.getUid());
        await(resolver.close());
    }

    // ---------------------------------------------------------------- (c) scan of the real hierarchy

    @Test
    void scanExistingFindsBothContainers() throws Exception {
        Path root = CgroupHierarchy.unifiedMount().orElseThrow(() -> new AssertionError("no cgroup2 mount in /proc/self/mountinfo"));
        long ctrCgroupId = inodeByStat(root.resolve("default").resolve(ctrName));
        long criCgroupId = inodeByStat(root.resolve("k8s.io").resolve(criContainerId));
        System.err.printf("ctr container /default/%s: cgroup %d; CRI container /k8s.io/%s: cgroup %d; image id %s%n",
                ctrName, ctrCgroupId, criContainerId, criCgroupId, expectedImageId);
        ContainerResolver resolver = resolver(List.of(socket), List.of(socket));
        Map<Long, ContainerInfo> notified = new ConcurrentHashMap<>();
        ContainerRegistry registry = onContext(vertx.getOrCreateContext(),
                () -> new ContainerRegistry(vertx, resolver, ContainerOptions.defaults()));
        registry.addListener((cgroupId, info) -> notified.put(cgroupId, info));

        int added = await(onContext(registry.context(), () -> registry.scanExisting(root)));

        assertThat(added).isGreaterThanOrEqualTo(2);
        ContainerInfo ctr = onContext(registry.context(), () -> registry.lookup(ctrCgroupId)).orElseThrow();
        assertThat(ctr.id()).isEqualTo(ctrName);
        assertThat(ctr.cgroupId()).isEqualTo(ctrCgroupId);
        ContainerInfo criContainer = onContext(registry.context(), () -> registry.lookup(criCgroupId)).orElseThrow();
        assertThat(criContainer.id()).isEqualTo(criContainerId);
        assertThat(criContainer.cgroupId()).isEqualTo(criCgroupId);

        waitFor(() -> notified.containsKey(ctrCgroupId) && notified.containsKey(criCgroupId));
        assertThat(notified.get(ctrCgroupId).imageId()).isEqualTo(expectedImageId);
        assertThat(notified.get(criCgroupId).imageId()).isEqualTo(expectedImageId);
        assertThat(notified.get(criCgroupId).pod().uid()).isEqualTo(podMetadata.getUid());
        List<ContainerInfo> listed = onContext(registry.context(), registry::list);
        assertThat(listed).extracting(ContainerInfo::cgroupId).contains(ctrCgroupId, criCgroupId);
        await(resolver.close());
    }

    // ---------------------------------------------------------------- (d) no runtime socket

    @Test
    void missingSocketGivesImageUnknownQuickly() throws Exception {
        String absent = dir.resolve("absent.sock").toString();
        ContainerResolver resolver = resolver(List.of(absent), List.of(absent));
        ContainerIdentity identity = identityOf(ctrTaskPid());

        long start = System.nanoTime();
        ContainerInfo info = await(resolver.resolve(identity));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(info.status()).isEqualTo(ResolutionStatus.IMAGE_UNKNOWN);
        assertThat(info.id()).isEqualTo(ctrName);
        assertThat(info.imageId()).isNull();
        assertThat(info.reason()).contains(absent).contains("socket not found");
        // A missing socket is not retried, so this is far below one call timeout.
        assertThat(elapsedMs).isLessThan(CALL_TIMEOUT_MS);
        await(resolver.close());
    }

    // ---------------------------------------------------------------- fixture

    /**
     * Computes the config digest of IMAGE without the code under test: the manifest digest from
     * {@code ctr image ls}, the manifest from {@code ctr content get}, and a check that the config
     * blob hashes to the digest the manifest names.
     */
    private static String configDigestFromCtr() throws Exception {
        Command images = ctr("default", "image", "ls");
        String manifestDigest = images.stdout().lines()
                .filter(line -> line.startsWith(IMAGE + " "))
                .map(line -> line.split("\\s+")[2])
                .findFirst()
                .orElseThrow(() -> new AssertionError(IMAGE + " not in ctr image ls: " + images.stdout()));
        JsonObject manifest = new JsonObject(ctr("default", "content", "get", manifestDigest).stdout());
        String configDigest = manifest.getJsonObject("config").getString("digest");

        byte[] config = ctrBytes("default", "content", "get", configDigest);
        String hash = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(config));
        assertThat(hash).as("sha256 of the config blob").isEqualTo(configDigest);
        assertThat(Files.readAllLines(dir.resolve("images/config-digests"))).contains(configDigest);
        return configDigest;
    }

    private static void startCtrContainer() throws Exception {
        ctrName = "hauberk-it-" + Long.toHexString(System.nanoTime());
        String snapshotter = Command.run(List.of("stat", "-f", "-c", "%T", dir.toString())).stdout().strip()
                .equals("overlayfs") ? "native" : "overlayfs";
        Command run = ctr("default", "run", "-d", "--snapshotter", snapshotter, "--runc-root", dir.resolve("runc").toString(),
                "--fifo-dir", dir.resolve("fifo").toString(), IMAGE, ctrName, "sleep", "120");
        assertThat(run.status()).as("ctr run: %s", run.stderr()).isZero();
    }

    private static void startCriPod() throws Exception {
        podMetadata = PodSandboxMetadata.newBuilder()
                .setName("hauberk-pod")
                .setNamespace("hauberk-test")
                .setUid(UUID.randomUUID().toString())
                .build();
        // Host networking needs no CNI plugin, which the test environment lacks.
        PodSandboxConfig sandbox = PodSandboxConfig.newBuilder()
                .setMetadata(podMetadata)
                .setLinux(LinuxPodSandboxConfig.newBuilder()
                        .setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
                                .setNamespaceOptions(NamespaceOption.newBuilder().setNetwork(NamespaceMode.NODE))))
                .build();
        podSandboxId = await(cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(sandbox).build()));

        ContainerConfig container = ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("sleeper"))
                .setImage(ImageSpec.newBuilder().setImage(IMAGE))
                .addCommand("sleep")
                .addArgs("120")
                .build();
        criContainerId = await(cri.createContainer(CreateContainerRequest.newBuilder()
                .setPodSandboxId(podSandboxId)
                .setConfig(container)
                .setSandboxConfig(sandbox)
                .build()));
        await(cri.startContainer(criContainerId));
    }

    private static long ctrTaskPid() throws Exception {
        Command tasks = ctr("default", "task", "ls");
        return tasks.stdout().lines()
                .filter(line -> line.startsWith(ctrName + " "))
                .mapToLong(line -> Long.parseLong(line.split("\\s+")[1]))
                .findFirst()
                .orElseThrow(() -> new AssertionError(ctrName + " not in ctr task ls: " + tasks.stdout()));
    }

    /** Returns the first process in the CRI container's cgroup, read from the v2 hierarchy. */
    private static long criContainerPid() throws Exception {
        Path root = CgroupHierarchy.unifiedMount().orElseThrow(() -> new AssertionError("no cgroup2 mount in /proc/self/mountinfo"));
        List<String> procs = Files.readAllLines(root.resolve("k8s.io").resolve(criContainerId).resolve("cgroup.procs"));
        assertThat(procs).as("processes of CRI container %s", criContainerId).isNotEmpty();
        return Long.parseLong(procs.getFirst().strip());
    }

    private static ContainerIdentity identityOf(long pid) throws IOException {
        String cgroups = Files.readString(Path.of("/proc", Long.toString(pid), "cgroup"));
        return CgroupPaths.withDefaults().parseProcFile(cgroups)
                .orElseThrow(() -> new AssertionError("no container in /proc/" + pid + "/cgroup:\n" + cgroups));
    }

    private static long inodeByStat(Path directory) throws Exception {
        Command stat = Command.run(List.of("stat", "-c", "%i", directory.toString()));
        assertThat(stat.status()).as("stat %s: %s", directory, stat.stderr()).isZero();
        return Long.parseLong(stat.stdout().strip());
    }

    private static ContainerResolver resolver(List<String> criSockets, List<String> containerdSockets) {
        ContainerOptions options = new ContainerOptions(criSockets, containerdSockets,
                ContainerOptions.DEFAULT_CONTAINERD_NAMESPACES, CALL_TIMEOUT_MS, 2, 64, 60);
        return new ContainerResolver(vertx, options);
    }

    private static Command ctr(String namespace, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ctr", "--address", socket, "--namespace", namespace));
        command.addAll(List.of(args));
        return Command.run(command);
    }

    private static byte[] ctrBytes(String namespace, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ctr", "--address", socket, "--namespace", namespace));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s", command).isZero();
        return output;
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    /** Runs action on context, where the registry must be called, and returns its result. */
    private static <T> T onContext(Context context, Supplier<T> action) throws Exception {
        Promise<T> result = Promise.promise();
        context.runOnContext(run -> {
            try {
                result.complete(action.get());
            } catch (RuntimeException e) {
                result.fail(e);
            }
        });
        return await(result.future());
    }

    private static void waitFor(Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 30 s");
            }
            Thread.sleep(50);
        }
    }
}
