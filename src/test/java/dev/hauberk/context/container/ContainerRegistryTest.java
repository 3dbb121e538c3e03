package dev.hauberk.context.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hauberk.Addresses;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry with a fake CRI runtime, and a directory tree standing in for a cgroup hierarchy. */
class ContainerRegistryTest {

    private static final String ID = "ab".repeat(32);
    private static final String UID = FakeCriServer.POD.getUid();
    private static final String POD_PATH = "/kubepods/burstable/pod" + UID + "/" + ID;

    @TempDir
    Path dir;

    private Vertx vertx;
    /** The event-loop context every registry of a test is created and called on. */
    private Context loop;
    private FakeCriServer cri;
    private ContainerResolver resolver;
    private final Map<Long, ContainerInfo> resolved = new ConcurrentHashMap<>();
    private final Map<Long, ContainerInfo> removed = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        loop = vertx.getOrCreateContext();
        cri = FakeCriServer.start(vertx, dir);
        cri.containers.add(ID);
        ContainerOptions options = new ContainerOptions(List.of(cri.socket), List.of(), List.of("default"),
                2000, 0, 64, 60);
        resolver = new ContainerResolver(vertx, options);
    }

    @AfterEach
    void stop() throws Exception {
        cri.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private ContainerRegistry registry(long keepRemovedSeconds) throws Exception {
        ContainerRegistry registry = onLoop(() -> new ContainerRegistry(vertx, resolver,
                new CgroupPaths(List.of("default")), keepRemovedSeconds, Clock.systemUTC()));
        registry.addListener(new ContainerRegistry.Listener() {
            @Override
            public void resolved(long cgroupId, ContainerInfo info) {
                resolved.put(cgroupId, info);
            }

            @Override
            public void removed(long cgroupId, ContainerInfo info) {
                removed.put(cgroupId, info);
            }
        });
        return registry;
    }

    /** Runs action on one event-loop context, where each registry of this test lives. */
    private <T> T onLoop(Supplier<T> action) throws Exception {
        Promise<T> result = Promise.promise();
        loop.runOnContext(run -> result.complete(action.get()));
        return await(result.future());
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static void waitFor(Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.get()) {
            assertThat(System.nanoTime()).as("condition met within 10 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void createdContainerIsPendingThenResolved() throws Exception {
        ContainerRegistry registry = registry(60);

        Optional<ContainerInfo> created = onLoop(() -> registry.cgroupCreated(42, POD_PATH));

        assertThat(created).isPresent();
        assertThat(created.get().status()).isEqualTo(ResolutionStatus.PENDING);
        assertThat(created.get().cgroupId()).isEqualTo(42);
        assertThat(created.get().startedAt()).isNotNull();
        waitFor(() -> resolved.containsKey(42L));
        ContainerInfo info = onLoop(() -> registry.lookup(42)).orElseThrow();
        assertThat(info.status()).isEqualTo(ResolutionStatus.RESOLVED);
        assertThat(info.imageId()).isEqualTo(FakeCriServer.IMAGE_ID);
        assertThat(info.cgroupId()).isEqualTo(42);
        assertThat(info.startedAt()).isEqualTo(created.get().startedAt());
        assertThat(info.stoppedAt()).isNull();
        assertThat(resolved.get(42L)).isEqualTo(info);
    }

    @Test
    void hostCgroupIsIgnored() throws Exception {
        ContainerRegistry registry = registry(60);

        assertThat(onLoop(() -> registry.cgroupCreated(7, "/system.slice/containerd.service"))).isEmpty();
        assertThat(onLoop(() -> registry.lookup(7))).isEmpty();
        assertThat(onLoop(registry::list)).isEmpty();
    }

    @Test
    void removedContainerStaysKnownWithStopTime() throws Exception {
        ContainerRegistry registry = registry(60);
        onLoop(() -> registry.cgroupCreated(42, POD_PATH));
        waitFor(() -> resolved.containsKey(42L));

        onLoop(() -> {
            registry.cgroupRemoved(42);
            return null;
        });

        ContainerInfo info = onLoop(() -> registry.lookup(42)).orElseThrow();
        assertThat(info.stoppedAt()).isNotNull();
        assertThat(info.imageId()).isEqualTo(FakeCriServer.IMAGE_ID);
        assertThat(removed).containsKey(42L);
        JsonObject stats = onLoop(registry::stats);
        assertThat(stats.getLong("containersStarted")).isEqualTo(1);
        assertThat(stats.getLong("containersStopped")).isEqualTo(1);
        assertThat(stats.getInteger("running")).isZero();
    }

    @Test
    void removedContainerExpires() throws Exception {
        ContainerRegistry registry = registry(1);
        onLoop(() -> registry.cgroupCreated(42, POD_PATH));
        onLoop(() -> {
            registry.cgroupRemoved(42);
            return null;
        });

        assertThat(onLoop(() -> registry.lookup(42))).isPresent();
        waitFor(() -> {
            try {
                return onLoop(() -> registry.lookup(42)).isEmpty();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void zeroKeepTimeForgetsAtOnce() throws Exception {
        ContainerRegistry registry = registry(0);
        onLoop(() -> registry.cgroupCreated(42, POD_PATH));

        onLoop(() -> {
            registry.cgroupRemoved(42);
            return null;
        });

        assertThat(onLoop(() -> registry.lookup(42))).isEmpty();
    }

    @Test
    void scanFindsContainerCgroupsWithInodeIds() throws Exception {
        Path root = Files.createDirectories(dir.resolve("cgroup"));
        Path pod = Files.createDirectories(root.resolve(POD_PATH.substring(1)));
        Path nested = Files.createDirectories(pod.resolve("init.scope"));
        Path ctr = Files.createDirectories(root.resolve("default/sleeper"));
        Files.createDirectories(root.resolve("system.slice/containerd.service"));
        Files.createDirectories(root.resolve("k8s.io/" + ID));
        ContainerRegistry registry = registry(60);

        int added = await(onLoop(() -> registry.scanExisting(root)));

        // k8s.io is not among this registry's namespaces, so /k8s.io/<id> is no container here.
        assertThat(added).isEqualTo(3);
        long podId = inodeByStat(pod);
        long nestedId = inodeByStat(nested);
        long ctrId = inodeByStat(ctr);
        assertThat(onLoop(() -> registry.lookup(podId))).get().extracting(ContainerInfo::id).isEqualTo(ID);
        assertThat(onLoop(() -> registry.lookup(nestedId))).get().extracting(ContainerInfo::id).isEqualTo(ID);
        assertThat(onLoop(() -> registry.lookup(ctrId))).get().extracting(ContainerInfo::id).isEqualTo("sleeper");
        List<ContainerInfo> listed = onLoop(registry::list);
        assertThat(listed).as("the nested init.scope is not listed apart").hasSize(2);
        assertThat(listed).extracting(ContainerInfo::cgroupId).contains(podId);
    }

    @Test
    void scanOfMissingRootFails() throws Exception {
        ContainerRegistry registry = registry(60);

        Future<Integer> scan = onLoop(() -> registry.scanExisting(dir.resolve("absent")));

        assertThat(scan.toCompletionStage().toCompletableFuture()).failsWithin(10, TimeUnit.SECONDS);
    }

    @Test
    void serviceRepliesWithContainerList() throws Exception {
        ContainerRegistry registry = registry(60);
        onLoop(() -> registry.cgroupCreated(42, POD_PATH));
        waitFor(() -> resolved.containsKey(42L));
        await(ContainerService.register(vertx, registry));

        JsonArray reply = (JsonArray) await(vertx.eventBus().request(Addresses.CONTAINERS_LIST, null)).body();

        assertThat(reply).hasSize(1);
        JsonObject container = reply.getJsonObject(0);
        assertThat(container.getString("id")).isEqualTo(ID);
        assertThat(container.getString("imageId")).isEqualTo(FakeCriServer.IMAGE_ID);
        assertThat(container.getLong("cgroupId")).isEqualTo(42);
        assertThat(container.getJsonObject("pod").getString("uid")).isEqualTo(UID);
    }

    private static long inodeByStat(Path path) throws Exception {
        Process stat = new ProcessBuilder("stat", "-c", "%i", path.toString()).start();
        String output = new String(stat.getInputStream().readAllBytes()).strip();
        assertThat(stat.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return Long.parseLong(output);
    }
}
