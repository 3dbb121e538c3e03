package dev.hauberk.context.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resolver against a fake CRI runtime on a unix socket: caching, coalescing, retries and deadlines. */
class ContainerResolverTest {

    private static final String ID = "ab".repeat(32);
    private static final ContainerIdentity K8S = new ContainerIdentity(ContainerRuntime.CRI, ID, null,
            FakeCriServer.POD.getUid(), QosClass.BURSTABLE);

    @TempDir
    Path dir;

    private Vertx vertx;
    private FakeCriServer cri;
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    @BeforeEach
    void startRuntime() throws Exception {
        vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        cri = FakeCriServer.start(vertx, dir);
        cri.containers.add(ID);
    }

    @AfterEach
    void stopRuntime() throws Exception {
        cri.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private ContainerResolver resolver(long timeoutMs, int retries, int cacheEntries) {
        String absent = dir.resolve("absent.sock").toString();
        ContainerOptions options = new ContainerOptions(List.of(cri.socket), List.of(absent),
                ContainerOptions.DEFAULT_CONTAINERD_NAMESPACES, timeoutMs, retries, cacheEntries, 60);
        return new ContainerResolver(vertx, options, clock::get);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @Test
    void criContainerResolvesWithPod() throws Exception {
        ContainerInfo info = await(resolver(2000, 3, 64).resolve(K8S));

        assertThat(info.status()).isEqualTo(ResolutionStatus.RESOLVED);
        assertThat(info.id()).isEqualTo(ID);
        assertThat(info.name()).isEqualTo("app");
        assertThat(info.image()).isEqualTo(FakeCriServer.IMAGE);
        assertThat(info.imageId()).isEqualTo(FakeCriServer.IMAGE_ID);
        assertThat(info.runtime()).as("runtime from CRI Version").isEqualTo(ContainerRuntime.CRI_CONTAINERD);
        assertThat(info.namespace()).isEqualTo("k8s.io");
        assertThat(info.pod()).isEqualTo(new PodInfo("web-0", "shop", FakeCriServer.POD.getUid()));
        assertThat(info.reason()).isNull();
    }

    @Test
    void resolvedContainerIsCached() throws Exception {
        ContainerResolver resolver = resolver(2000, 3, 64);

        ContainerInfo first = await(resolver.resolve(K8S));
        ContainerInfo second = await(resolver.resolve(K8S));

        assertThat(second).isEqualTo(first);
        assertThat(cri.statusCalls.get()).isEqualTo(1);
    }

    @Test
    void concurrentLookupsShareOneCall() throws Exception {
        cri.delayMs = 200;
        ContainerResolver resolver = resolver(2000, 3, 64);

        List<Future<ContainerInfo>> lookups = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            lookups.add(resolver.resolve(K8S));
        }
        for (Future<ContainerInfo> lookup : lookups) {
            assertThat(await(lookup).status()).isEqualTo(ResolutionStatus.RESOLVED);
        }

        assertThat(cri.statusCalls.get()).isEqualTo(1);
    }

    @Test
    void unavailableRuntimeIsRetried() throws Exception {
        cri.unavailableReplies.set(2);

        ContainerInfo info = await(resolver(2000, 3, 64).resolve(K8S));

        assertThat(info.status()).isEqualTo(ResolutionStatus.RESOLVED);
        assertThat(cri.statusCalls.get()).isEqualTo(3);
    }

    @Test
    void retriesAreBounded() throws Exception {
        cri.unavailableReplies.set(100);

        ContainerInfo info = await(resolver(2000, 2, 64).resolve(K8S));

        assertThat(info.status()).isEqualTo(ResolutionStatus.IMAGE_UNKNOWN);
        assertThat(info.reason()).contains("UNAVAILABLE: runtime restarting");
        assertThat(cri.statusCalls.get()).as("one call and two retries").isEqualTo(3);
    }

    @Test
    void hungRuntimeHitsTheDeadline() throws Exception {
        cri.hang = true;

        long start = System.nanoTime();
        ContainerInfo info = await(resolver(200, 1, 64).resolve(K8S));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(info.status()).isEqualTo(ResolutionStatus.IMAGE_UNKNOWN);
        assertThat(info.reason()).contains("no response within 200 ms");
        assertThat(cri.statusCalls.get()).isEqualTo(2);
        // Two deadlines of 200 ms and one backoff of at most 1 s, with room for a slow machine.
        assertThat(elapsedMs).isLessThan(3000);
    }

    @Test
    void notFoundIsNotRetried() throws Exception {
        ContainerIdentity unknown = ContainerIdentity.of(ContainerRuntime.CRI_CONTAINERD, "cd".repeat(32));

        ContainerInfo info = await(resolver(2000, 3, 64).resolve(unknown));

        assertThat(info.status()).isEqualTo(ResolutionStatus.IMAGE_UNKNOWN);
        assertThat(info.id()).isEqualTo(unknown.containerId());
        assertThat(info.reason()).contains("CRI " + cri.socket + ": NOT_FOUND");
        assertThat(info.reason()).contains("containerd " + dir.resolve("absent.sock") + ": socket not found");
        assertThat(cri.statusCalls.get()).isEqualTo(1);
    }

    @Test
    void nonKubernetesContainerFallsBackToCri() throws Exception {
        // containerd's socket is absent, so only the fallback to CRI can resolve it.
        ContainerInfo info = await(resolver(2000, 3, 64).resolve(ContainerIdentity.of(ContainerRuntime.DOCKER, ID)));

        assertThat(info.status()).isEqualTo(ResolutionStatus.RESOLVED);
        assertThat(info.runtime()).isEqualTo(ContainerRuntime.DOCKER);
    }

    @Test
    void imageUnknownIsQueriedAgainLater() throws Exception {
        ContainerResolver resolver = resolver(2000, 0, 64);
        cri.containers.remove(ID);
        assertThat(await(resolver.resolve(K8S)).status()).isEqualTo(ResolutionStatus.IMAGE_UNKNOWN);
        cri.containers.add(ID);

        ContainerInfo cached = await(resolver.resolve(K8S));
        clock.addAndGet(ContainerResolver.UNKNOWN_RETRY_AFTER.plus(Duration.ofSeconds(1)).toNanos());
        ContainerInfo queriedAgain = await(resolver.resolve(K8S));

        assertThat(cached.status()).isEqualTo(ResolutionStatus.IMAGE_UNKNOWN);
        assertThat(queriedAgain.status()).isEqualTo(ResolutionStatus.RESOLVED);
        assertThat(cri.statusCalls.get()).isEqualTo(2);
    }

    @Test
    void removedContainerExpiresAfterKeepTime() throws Exception {
        ContainerResolver resolver = resolver(2000, 0, 64);
        await(resolver.resolve(K8S));

        resolver.containerRemoved(K8S);
        clock.addAndGet(TimeUnit.SECONDS.toNanos(59));
        await(resolver.resolve(K8S));
        assertThat(cri.statusCalls.get()).as("still cached 59 s after removal").isEqualTo(1);
        clock.addAndGet(TimeUnit.SECONDS.toNanos(2));
        await(resolver.resolve(K8S));

        assertThat(cri.statusCalls.get()).as("queried again after 61 s").isEqualTo(2);
    }

    @Test
    void cacheIsBounded() throws Exception {
        ContainerResolver resolver = resolver(2000, 0, 16);
        for (int i = 0; i < 20; i++) {
            String id = String.format("%064x", i);
            cri.containers.add(id);
            await(resolver.resolve(ContainerIdentity.of(ContainerRuntime.CRI_CONTAINERD, id)));
        }

        assertThat(resolver.cachedEntries()).isEqualTo(16);
    }

    @Test
    void noSocketsConfiguredGivesReason() throws Exception {
        ContainerOptions options = new ContainerOptions(List.of(), List.of(), List.of(), 2000, 0, 16, 0);

        ContainerInfo info = await(new ContainerResolver(vertx, options).resolve(K8S));

        assertThat(info.status()).isEqualTo(ResolutionStatus.IMAGE_UNKNOWN);
        assertThat(info.reason()).isEqualTo("no CRI or containerd socket is configured");
        assertThat(info.pod()).isEqualTo(new PodInfo(null, null, FakeCriServer.POD.getUid()));
    }
}
