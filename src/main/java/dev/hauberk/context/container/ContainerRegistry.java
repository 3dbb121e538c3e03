package dev.hauberk.context.container;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The containers on this host, keyed by cgroup id. The kernel reports a cgroup id with each
 * detection; the registry maps it to the container whose cgroup it is, resolved through
 * {@link ContainerResolver}.
 *
 * <p>Feed it cgroup creations and removals (and {@link #scanExisting} once at start). A cgroup
 * whose path names no container is ignored. A removed container stays known for
 * {@code keep_removed_seconds}, so detections that arrive late still find it.
 *
 * <p>Not thread-safe: create it on an event loop and call it only from that context, as a
 * verticle does with its own state. Nothing here blocks; the hierarchy walk runs on a worker.
 */
public final class ContainerRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerRegistry.class);

    /** Receives each lookup result, so that the kernel's container table can be written from it. */
    public interface Listener {

        /**
         * Called on the registry's context when a lookup for the live cgroup cgroupId completed,
         * with status {@link ResolutionStatus#RESOLVED} or {@link ResolutionStatus#IMAGE_UNKNOWN}.
         * It may be called again for the same cgroup when an image-unknown container is looked up again.
         */
        void resolved(long cgroupId, ContainerInfo info);

        /** Called on the registry's context when the cgroup is removed, with the info as last known. */
        default void removed(long cgroupId, ContainerInfo info) {
        }
    }

    private static final class Tracked {
        final long cgroupId;
        final String path;
        final ContainerIdentity identity;
        final Instant firstSeen;
        Instant goneAt;
        ContainerInfo info;
        long lastLookupNanos;
        /** Callers of {@link #awaitLookup} waiting for the first lookup to complete. */
        List<Promise<Optional<ContainerInfo>>> waiters = new ArrayList<>();
        long purgeTimer = -1;

        Tracked(long cgroupId, String path, ContainerIdentity identity, Instant firstSeen) {
            this.cgroupId = cgroupId;
            this.path = path;
            this.identity = identity;
            this.firstSeen = firstSeen;
            this.info = ContainerInfo.pending(identity);
        }

        ContainerInfo snapshot() {
            return info.withCgroup(cgroupId, firstSeen, goneAt);
        }
    }

    private final Vertx vertx;
    private final Context context;
    private final ContainerResolver resolver;
    private final CgroupPaths paths;
    private final long keepRemovedMs;
    private final Clock clock;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    private final Map<Long, Tracked> byCgroup = new HashMap<>();
    /** Live cgroups per container, to tell when a container's last cgroup is gone. */
    private final Map<String, Integer> liveCgroups = new HashMap<>();
    private long containersStarted;
    private long containersStopped;

    /** Creates a registry bound to the caller's Vert.x context (a new one outside Vert.x). */
    public ContainerRegistry(Vertx vertx, ContainerResolver resolver, ContainerOptions options) {
        this(vertx, resolver, new CgroupPaths(options.containerdNamespaces()), options.keepRemovedSeconds(), Clock.systemUTC());
    }

    ContainerRegistry(Vertx vertx, ContainerResolver resolver, CgroupPaths paths, long keepRemovedSeconds, Clock clock) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.resolver = resolver;
        this.paths = paths;
        this.keepRemovedMs = TimeUnit.SECONDS.toMillis(keepRemovedSeconds);
        this.clock = clock;
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** The context that every call must come from. */
    public Context context() {
        return context;
    }

    /**
     * Records a new cgroup and, when its path names a container, starts the lookup. Returns the
     * container as known now (pending until the lookup completes), or empty for a cgroup of no
     * container. A cgroup id that is already tracked and live keeps its entry.
     */
    public Optional<ContainerInfo> cgroupCreated(long cgroupId, String path) {
        Tracked existing = byCgroup.get(cgroupId);
        if (existing != null && existing.goneAt == null) {
            return Optional.of(existing.snapshot());
        }
        Optional<ContainerIdentity> identity = paths.parse(path);
        if (identity.isEmpty()) {
            return Optional.empty();
        }
        if (existing != null) {
            // The kernel reused the id of a removed cgroup: forget the old container.
            vertx.cancelTimer(existing.purgeTimer);
        }

        Tracked tracked = new Tracked(cgroupId, path, identity.get(), clock.instant());
        byCgroup.put(cgroupId, tracked);
        String key = key(tracked.identity);
        int live = liveCgroups.merge(key, 1, Integer::sum);
        if (live == 1) {
            containersStarted++;
            LOG.debug("Container {} ({}) started: cgroup {} at {}", tracked.identity.containerId(),
                    tracked.identity.runtime().label(), cgroupId, path);
        }
        lookup(tracked);
        return Optional.of(tracked.snapshot());
    }

    /**
     * Records that a cgroup was removed. Its container stays known for keep_removed_seconds with
     * its stop time; the listeners hear of it at once.
     */
    public void cgroupRemoved(long cgroupId) {
        Tracked tracked = byCgroup.get(cgroupId);
        if (tracked == null || tracked.goneAt != null) {
            return;
        }
        tracked.goneAt = clock.instant();
        String key = key(tracked.identity);
        int live = liveCgroups.merge(key, -1, Integer::sum);
        if (live <= 0) {
            liveCgroups.remove(key);
            containersStopped++;
            resolver.containerRemoved(tracked.identity);
            LOG.debug("Container {} stopped: cgroup {} removed", tracked.identity.containerId(), cgroupId);
        }
        ContainerInfo last = tracked.snapshot();
        for (Listener listener : listeners) {
            try {
                listener.removed(cgroupId, last);
            } catch (RuntimeException e) {
                LOG.warn("Container listener failed on removal of cgroup {} (container {}): {}", cgroupId,
                        last.id(), e.toString());
            }
        }

        if (keepRemovedMs == 0) {
            byCgroup.remove(cgroupId);
            return;
        }
        tracked.purgeTimer = vertx.setTimer(keepRemovedMs, timer -> {
            if (byCgroup.get(cgroupId) == tracked) {
                byCgroup.remove(cgroupId);
            }
        });
    }

    /**
     * Walks the cgroup hierarchy mounted at cgroupRoot on a worker thread and records every
     * container cgroup not yet known. Pass the cgroup v2 mount ({@link CgroupHierarchy#unifiedMount()}),
     * because that is the hierarchy whose ids BPF programs report. Returns the number of cgroups
     * added; fails only when cgroupRoot cannot be read.
     */
    public Future<Integer> scanExisting(Path cgroupRoot) {
        return vertx.executeBlocking(() -> CgroupHierarchy.findContainers(cgroupRoot, paths), false)
                .compose(found -> {
                    Promise<Integer> added = Promise.promise();
                    context.runOnContext(run -> {
                        int count = 0;
                        for (CgroupHierarchy.ContainerCgroup cgroup : found) {
                            if (!byCgroup.containsKey(cgroup.cgroupId())
                                    && cgroupCreated(cgroup.cgroupId(), cgroup.path()).isPresent()) {
                                count++;
                            }
                        }
                        LOG.info("Found {} container cgroups under {}", count, cgroupRoot);
                        added.complete(count);
                    });
                    return added.future();
                });
    }

    /**
     * Returns the container of cgroupId as known now, removed ones included until they expire.
     * A live container whose image is unknown is looked up again in the background, at most once
     * per {@link ContainerResolver#UNKNOWN_RETRY_AFTER}.
     */
    public Optional<ContainerInfo> lookup(long cgroupId) {
        Tracked tracked = byCgroup.get(cgroupId);
        if (tracked == null) {
            return Optional.empty();
        }
        if (tracked.goneAt == null && tracked.info.status() == ResolutionStatus.IMAGE_UNKNOWN
                && System.nanoTime() - tracked.lastLookupNanos >= ContainerResolver.UNKNOWN_RETRY_AFTER.toNanos()) {
            lookup(tracked);
        }
        return Optional.of(tracked.snapshot());
    }

    /** The cgroup path a tracked cgroup id was recorded with, relative to its hierarchy's root. */
    public Optional<String> pathOf(long cgroupId) {
        return Optional.ofNullable(byCgroup.get(cgroupId)).map(tracked -> tracked.path);
    }

    /**
     * Returns the container of cgroupId once its lookup completed: at once when it is known or
     * the cgroup is no container, later when the lookup is still pending. Never fails.
     */
    public Future<Optional<ContainerInfo>> awaitLookup(long cgroupId) {
        Tracked tracked = byCgroup.get(cgroupId);
        if (tracked == null || tracked.info.status() != ResolutionStatus.PENDING) {
            return Future.succeededFuture(lookup(cgroupId));
        }
        Promise<Optional<ContainerInfo>> promise = Promise.promise();
        tracked.waiters.add(promise);
        return promise.future();
    }

    /**
     * Returns every known container, removed ones included until they expire, oldest first. A
     * cgroup nested inside a container's own cgroup (such as {@code .../init.scope}) is not listed
     * separately.
     */
    public List<ContainerInfo> list() {
        Map<String, String> keyByPath = new HashMap<>();
        for (Tracked tracked : byCgroup.values()) {
            keyByPath.put(tracked.path, key(tracked.identity));
        }
        List<ContainerInfo> result = new ArrayList<>();
        for (Tracked tracked : byCgroup.values()) {
            if (!isNested(tracked, keyByPath)) {
                result.add(tracked.snapshot());
            }
        }
        result.sort(Comparator.comparing(ContainerInfo::startedAt).thenComparingLong(ContainerInfo::cgroupId));
        return result;
    }

    /** Returns counters: {@code cgroups} tracked, {@code running} containers, and started and stopped totals. */
    public JsonObject stats() {
        return new JsonObject()
                .put("cgroups", byCgroup.size())
                .put("running", liveCgroups.size())
                .put("containersStarted", containersStarted)
                .put("containersStopped", containersStopped);
    }

    /** Returns whether an ancestor cgroup of tracked belongs to the same container. */
    private static boolean isNested(Tracked tracked, Map<String, String> keyByPath) {
        String key = key(tracked.identity);
        String path = tracked.path;
        for (int slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/')) {
            path = path.substring(0, slash);
            if (key.equals(keyByPath.get(path))) {
                return true;
            }
        }
        return false;
    }

    private void lookup(Tracked tracked) {
        tracked.lastLookupNanos = System.nanoTime();
        resolver.resolve(tracked.identity).onComplete(done -> {
            // resolve never fails; a shared lookup may complete on another context.
            ContainerInfo info = done.succeeded() ? done.result()
                    : ContainerInfo.imageUnknown(tracked.identity, String.valueOf(done.cause()));
            if (Vertx.currentContext() == context) {
                apply(tracked, info);
            } else {
                context.runOnContext(run -> apply(tracked, info));
            }
        });
    }

    private void apply(Tracked tracked, ContainerInfo info) {
        tracked.info = info;
        List<Promise<Optional<ContainerInfo>>> waiters = tracked.waiters;
        tracked.waiters = new ArrayList<>();
        waiters.forEach(waiter -> waiter.complete(Optional.of(tracked.snapshot())));
        if (byCgroup.get(tracked.cgroupId) != tracked) {
            return;
        }
        if (tracked.goneAt != null) {
            return;
        }
        ContainerInfo snapshot = tracked.snapshot();
        for (Listener listener : listeners) {
            try {
                listener.resolved(tracked.cgroupId, snapshot);
            } catch (RuntimeException e) {
                LOG.warn("Container listener failed for cgroup {} (container {}): {}", tracked.cgroupId,
                        info.id(), e.toString());
            }
        }
    }

    private static String key(ContainerIdentity identity) {
        return (identity.namespace() == null ? "" : identity.namespace()) + "/" + identity.containerId();
    }
}
