package dev.hauberk.context.container;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.grpc.client.GrpcClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves container identities to {@link ContainerInfo} through the runtimes' APIs.
 *
 * <p>Kubernetes-shaped identities are looked up through CRI first and containerd's own API second;
 * all others the other way round. Each configured socket is tried in order until one returns the
 * image id. A lookup that fails with UNAVAILABLE, a broken connection or a deadline is retried with
 * a bounded backoff. The returned future never fails: when no runtime resolves the container it
 * completes with status {@link ResolutionStatus#IMAGE_UNKNOWN}, the container id and the reasons.
 * An unreachable socket is logged once per change, not once per lookup.
 *
 * <p>Results are cached by container: resolved ones until {@code keep_removed_seconds} after
 * {@link #containerRemoved}, or until evicted as least recently used beyond {@code cache_entries}.
 * Image-unknown ones are cached for {@link #UNKNOWN_RETRY_AFTER}, so a runtime that comes up is
 * queried again.
 * Concurrent lookups of one container share a single runtime lookup. Thread-safe.
 */
public final class ContainerResolver {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerResolver.class);

    /** How long an image-unknown result is served from the cache before the runtimes are asked again. */
    public static final Duration UNKNOWN_RETRY_AFTER = Duration.ofSeconds(30);

    /** First and last delay between retries; Mutiny doubles the delay from one to the other, with jitter. */
    static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

    private final Vertx vertx;
    private final ContainerOptions options;
    private final GrpcClient client;
    private final List<CriLookup> criLookups = new ArrayList<>();
    private final List<ContainerdLookup> containerdLookups = new ArrayList<>();
    private final SocketHealth health = new SocketHealth();
    private final LongSupplier nanoTime;
    private final long keepRemovedNanos;

    // Guarded by this.
    private final LinkedHashMap<String, CacheEntry> cache;
    private final Map<String, Future<ContainerInfo>> inflight = new HashMap<>();

    private record CacheEntry(ContainerInfo info, long expiresAtNanos) {
    }

    /** One socket of one API, tried for one identity. */
    private record Source(String api, String socket, Supplier<Future<ContainerInfo>> lookup) {
    }

    /**
     * Creates a resolver with a gRPC client of its own for the sockets in options. The Vertx
     * instance needs native transport for unix sockets.
     */
    public ContainerResolver(Vertx vertx, ContainerOptions options) {
        this(vertx, options, System::nanoTime);
    }

    ContainerResolver(Vertx vertx, ContainerOptions options, LongSupplier nanoTime) {
        this.vertx = vertx;
        this.options = options;
        this.nanoTime = nanoTime;
        this.keepRemovedNanos = TimeUnit.SECONDS.toNanos(options.keepRemovedSeconds());
        this.client = UnixGrpcChannel.newClient(vertx, options.timeoutMs());
        for (String socket : options.criSockets()) {
            criLookups.add(new CriLookup(new CriClient(new UnixGrpcChannel(vertx, client, socket, options.timeoutMs()))));
        }
        for (String socket : options.containerdSockets()) {
            ContainerdClient containerd = new ContainerdClient(new UnixGrpcChannel(vertx, client, socket, options.timeoutMs()));
            containerdLookups.add(new ContainerdLookup(containerd, options.containerdNamespaces()));
        }
        int maxEntries = options.cacheEntries();
        this.cache = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CacheEntry> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /**
     * Resolves identity, from the cache when it contains a current result. The future completes on
     * the caller's Vert.x context (a new one for a caller outside Vert.x) and never fails.
     */
    public Future<ContainerInfo> resolve(ContainerIdentity identity) {
        String key = key(identity);
        Promise<ContainerInfo> promise;
        synchronized (this) {
            CacheEntry cached = cache.get(key);
            if (cached != null && cached.expiresAtNanos - nanoTime.getAsLong() > 0) {
                return Future.succeededFuture(cached.info);
            }
            if (cached != null) {
                cache.remove(key);
            }
            Future<ContainerInfo> running = inflight.get(key);
            if (running != null) {
                return running;
            }
            promise = Promise.promise();
            inflight.put(key, promise.future());
        }

        Context context = vertx.getOrCreateContext();
        context.runOnContext(start -> attempt(identity, sources(identity), 0, null, new ArrayList<>(), context)
                .onComplete(done -> {
                    ContainerInfo info = done.succeeded()
                            ? done.result()
                            : ContainerInfo.imageUnknown(identity, "lookup failed: " + done.cause());
                    if (done.failed()) {
                        LOG.warn("Container {} lookup failed unexpectedly: {}", identity.containerId(), done.cause().toString());
                    }
                    store(key, info);
                    promise.complete(info);
                }));
        return promise.future();
    }

    /**
     * Records that the container's last cgroup is gone: its cached result expires after the
     * configured keep-removed time instead of staying until evicted.
     */
    public synchronized void containerRemoved(ContainerIdentity identity) {
        String key = key(identity);
        CacheEntry cached = cache.get(key);
        if (cached != null) {
            long expiry = nanoTime.getAsLong() + keepRemovedNanos;
            if (expiry - cached.expiresAtNanos < 0) {
                cache.put(key, new CacheEntry(cached.info, expiry));
            }
        }
    }

    /** Returns the number of cached results, expired ones included until they are next looked up. */
    public synchronized int cachedEntries() {
        return cache.size();
    }

    /** Closes the gRPC client and its connections. */
    public Future<Void> close() {
        return client.close();
    }

    private synchronized void store(String key, ContainerInfo info) {
        inflight.remove(key);
        long ttl = info.status() == ResolutionStatus.RESOLVED ? Long.MAX_VALUE / 2 : UNKNOWN_RETRY_AFTER.toNanos();
        cache.put(key, new CacheEntry(info, nanoTime.getAsLong() + ttl));
    }

    /** Returns the cache key, with the namespace because containerd names are unique per namespace only. */
    private static String key(ContainerIdentity identity) {
        return (identity.namespace() == null ? "" : identity.namespace()) + "/" + identity.containerId();
    }

    private List<Source> sources(ContainerIdentity identity) {
        List<Source> cri = new ArrayList<>();
        for (CriLookup lookup : criLookups) {
            cri.add(new Source("CRI", lookup.socketPath(), () -> lookup.lookup(identity)));
        }
        List<Source> containerd = new ArrayList<>();
        for (ContainerdLookup lookup : containerdLookups) {
            containerd.add(new Source("containerd", lookup.socketPath(), () -> lookup.lookup(identity)));
        }
        List<Source> ordered = new ArrayList<>();
        ordered.addAll(identity.isKubernetes() ? cri : containerd);
        ordered.addAll(identity.isKubernetes() ? containerd : cri);
        return ordered;
    }

    /**
     * Tries sources[index] and, unless it resolves the image id, the sources after it. A source that
     * finds the container but not its image leaves a partial result, which is returned with all
     * reasons when no later source does better.
     */
    private Future<ContainerInfo> attempt(ContainerIdentity identity, List<Source> sources, int index,
            ContainerInfo partial, List<String> reasons, Context context) {
        if (index == sources.size()) {
            String reason = reasons.isEmpty() ? "no CRI or containerd socket is configured" : String.join("; ", reasons);
            ContainerInfo unknown = partial != null ? partial.withImageUnknown(reason) : ContainerInfo.imageUnknown(identity, reason);
            return Future.succeededFuture(unknown);
        }
        Source source = sources.get(index);
        return withRetry(context, source.lookup).transform(done -> {
            if (done.succeeded()) {
                health.answered(source.api, source.socket);
                ContainerInfo info = done.result();
                if (info.status() == ResolutionStatus.RESOLVED) {
                    return Future.succeededFuture(merge(info, partial));
                }
                reasons.add(info.reason());
                return attempt(identity, sources, index + 1, partial == null ? info : partial, reasons, context);
            }
            reasons.add(reason(source, done.cause()));
            return attempt(identity, sources, index + 1, partial, reasons, context);
        });
    }

    private String reason(Source source, Throwable error) {
        if (error instanceof RuntimeCallException call) {
            if (call.isUnreachable()) {
                health.unreachable(source.api, source.socket, call);
            } else {
                health.answered(source.api, source.socket);
            }
            return source.api + " " + source.socket + ": " + call.detail();
        }
        LOG.warn("{} lookup on {} failed unexpectedly: {}", source.api, source.socket, error.toString());
        return source.api + " " + source.socket + ": " + error;
    }

    /** Fills what the resolving source lacked (the pod, the name) from an earlier partial result. */
    private static ContainerInfo merge(ContainerInfo resolved, ContainerInfo partial) {
        if (partial == null) {
            return resolved;
        }
        PodInfo pod = resolved.pod() == null ? partial.pod() : resolved.pod().orElse(partial.pod());
        String name = resolved.name() != null ? resolved.name() : partial.name();
        return new ContainerInfo(resolved.id(), name, resolved.runtime(), resolved.namespace(), resolved.image(),
                resolved.imageId(), resolved.status(), resolved.reason(), pod, resolved.cgroupId(),
                resolved.startedAt(), resolved.stoppedAt());
    }

    /**
     * Runs lookup and retries it on a transient failure, at most the configured number of times,
     * with a backoff from {@link #FIRST_BACKOFF} to {@link #MAX_BACKOFF}. Mutiny schedules the
     * delays; each attempt runs on context, and the result is delivered there.
     */
    private <T> Future<T> withRetry(Context context, Supplier<Future<T>> lookup) {
        if (options.retries() == 0) {
            return lookup.get();
        }
        Uni<T> once = Uni.createFrom().completionStage(() -> {
            Promise<T> attempt = Promise.promise();
            context.runOnContext(run -> lookup.get().onComplete(attempt));
            return attempt.future().toCompletionStage();
        });
        CompletionStage<T> retried = once.onFailure(ContainerResolver::isTransient).retry()
                .withBackOff(FIRST_BACKOFF, MAX_BACKOFF)
                .atMost(options.retries())
                .subscribeAsCompletionStage();
        return Future.fromCompletionStage(retried, context).recover(error -> Future.failedFuture(unwrap(error)));
    }

    static boolean isTransient(Throwable error) {
        return unwrap(error) instanceof RuntimeCallException call && call.isTransient();
    }

    /**
     * Returns the RuntimeCallException in error's cause chain, else error itself. Mutiny wraps the
     * last failure in an IllegalStateException ("Retries exhausted") once the backoff gives up, and
     * CompletionStage wraps it in a CompletionException.
     */
    private static Throwable unwrap(Throwable error) {
        for (Throwable current = error; current != null; current = current.getCause()) {
            if (current instanceof RuntimeCallException) {
                return current;
            }
        }
        return error;
    }
}
