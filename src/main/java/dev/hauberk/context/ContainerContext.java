package dev.hauberk.context;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.hauberk.bpf.BpfException;
import dev.hauberk.bpf.BpfMap;
import dev.hauberk.context.container.ContainerInfo;
import dev.hauberk.context.container.ContainerOptions;
import dev.hauberk.context.container.ContainerRegistry;
import dev.hauberk.context.container.ContainerResolver;
import dev.hauberk.context.container.ContainerService;
import dev.hauberk.context.container.ResolutionStatus;
import dev.hauberk.event.ContextEvent;
import dev.hauberk.event.ProcessInfo;
import dev.hauberk.event.wire.Fnv1a;
import dev.hauberk.event.wire.WireLayouts;
import dev.hauberk.kernel.CgroupHierarchy;
import dev.hauberk.kernel.HostNamespaces;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Container context for detections: feeds the container registry from the kernel's cgroup
 * and container events, completes the kernel's container table once the runtime replied,
 * and finds a container's root directory on the host for host paths.
 *
 * <p>Event-loop confined, like the registry it owns; file reads and map updates run on workers.
 */
public final class ContainerContext {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerContext.class);
    private static final long FLAGS = WireLayouts.CONTAINER.byteOffset(groupElement("flags"));
    private static final long IMAGE_ID_HASH = WireLayouts.CONTAINER.byteOffset(groupElement("image_id_hash"));
    private static final long CONTAINER_ID_HASH = WireLayouts.CONTAINER.byteOffset(groupElement("container_id_hash"));
    /** Mirrors HK_CONTAINER_RESOLVED. */
    private static final int CONTAINER_RESOLVED = 1 << 1;

    private final Vertx vertx;
    private final ContainerRegistry registry;
    private final ContainerResolver resolver;
    private final CgroupHierarchy hierarchy;
    private final HostNamespaces host;
    private final BpfMap kernelTable;
    private final long lookupBudgetMs;
    private final Map<Long, String> hostRoots = new HashMap<>();

    /** kernelTable is hk_containers, or null to leave the kernel's table alone. */
    public ContainerContext(Vertx vertx, ContainerOptions options, CgroupHierarchy hierarchy, HostNamespaces host,
                            BpfMap kernelTable) {
        this.vertx = vertx;
        this.resolver = new ContainerResolver(vertx, options);
        this.registry = new ContainerRegistry(vertx, resolver, options);
        this.hierarchy = hierarchy;
        this.host = host;
        this.kernelTable = kernelTable;
        // Every socket tried, with every retry, plus the backoff: the longest a lookup can take.
        this.lookupBudgetMs = options.timeoutMs() * (options.retries() + 1L)
                * Math.max(1, options.criSockets().size() + options.containerdSockets().size()) + 2_000;
        registry.addListener(new ContainerRegistry.Listener() {
            @Override
            public void resolved(long cgroupId, ContainerInfo info) {
                onResolved(cgroupId, info);
            }

            @Override
            public void removed(long cgroupId, ContainerInfo info) {
                hostRoots.remove(cgroupId);
            }
        });
    }

    /** Serves the container list and records the containers that already run. */
    public Future<Integer> start() {
        ContainerService.register(vertx, registry);
        Optional<Path> root = hierarchyRoot();
        if (root.isEmpty()) {
            LOG.warn("no mount of the cgroup hierarchy {} found; containers started before the daemon are unknown",
                    hierarchy.controller());
            return Future.succeededFuture(0);
        }
        return registry.scanExisting(root.get());
    }

    /** Finds where the tracked hierarchy is mounted: cgroup2, or the v1 hierarchy of the controller. */
    private Optional<Path> hierarchyRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                int separator = line.indexOf(" - ");
                if (separator < 0) {
                    continue;
                }
                String[] before = line.substring(0, separator).split(" ");
                String[] after = line.substring(separator + 3).split(" ");
                boolean v2 = hierarchy.subsysIndex() < 0 && after[0].equals("cgroup2");
                boolean v1 = hierarchy.subsysIndex() >= 0 && after[0].equals("cgroup") && after.length >= 3
                        && List.of(after[2].split(",")).contains(hierarchy.controller());
                if (v2 || v1) {
                    return Optional.of(Path.of(before[4].replace("\\040", " ")));
                }
            }
        } catch (IOException e) {
            LOG.warn("reading /proc/self/mountinfo failed: {}", e.getMessage());
        }
        return Optional.empty();
    }

    /** Takes a cgroup or container event from the ring. */
    public void onEvent(ContextEvent event) {
        switch (event) {
            case ContextEvent.Cgroup cgroup when cgroup.created() -> registry.cgroupCreated(cgroup.cgroupId(), cgroup.path());
            case ContextEvent.Cgroup cgroup -> registry.cgroupRemoved(cgroup.cgroupId());
            case ContextEvent.ContainerExec exec -> {
                Optional<ContainerInfo> known = registry.lookup(exec.cgroupId());
                if (known.isEmpty()) {
                    learnCgroup(exec.cgroupId(), exec.firstTgid());
                } else if (known.get().status() != ResolutionStatus.PENDING) {
                    // The lookup ran at the cgroup's creation, before the kernel had this entry. Complete
                    // it now, because rules that scope by container or image id would never match it.
                    onResolved(exec.cgroupId(), known.get());
                }
            }
        }
    }

    /**
     * Returns the container of a detected process once the runtime replied (or the lookup
     * gave up), and empty for a process of the host.
     */
    public Future<Optional<ContainerInfo>> containerOf(ProcessInfo process) {
        if (process.namespaces().mnt() == host.mnt() && process.namespaces().pid() == host.pid()) {
            return Future.succeededFuture(Optional.empty());
        }
        Future<Optional<ContainerInfo>> known = registry.lookup(process.cgroupId()).isPresent()
                ? registry.awaitLookup(process.cgroupId())
                : learnCgroup(process.cgroupId(), process.tgid()).compose(ignored -> registry.awaitLookup(process.cgroupId()));
        return known.timeout(lookupBudgetMs, java.util.concurrent.TimeUnit.MILLISECONDS)
                .recover(error -> Future.succeededFuture(registry.lookup(process.cgroupId())));
    }

    /**
     * Returns the container's root directory on the host, such as
     * .../io.containerd.runtime.v2.task/NS/ID/rootfs. It is cached once found, else looked up
     * now in the processes of the cgroup.
     */
    public Future<Optional<String>> hostRoot(long cgroupId) {
        String known = hostRoots.get(cgroupId);
        if (known != null) {
            return Future.succeededFuture(Optional.of(known));
        }
        Path procs = cgroupProcs(cgroupId);
        if (procs == null) {
            return Future.succeededFuture(Optional.empty());
        }
        return vertx.executeBlocking(() -> rootOfAnyProcess(procs), false).map(root -> {
            root.ifPresent(r -> hostRoots.put(cgroupId, r));
            return root;
        });
    }

    private Path cgroupProcs(long cgroupId) {
        Optional<String> path = registry.pathOf(cgroupId);
        if (path.isEmpty()) {
            return null;
        }
        return hierarchyRoot().map(root -> root.resolve(registryPath(cgroupId)).resolve("cgroup.procs")).orElse(null);
    }

    /** Learns a cgroup the registry missed from /proc/PID/cgroup of a process in it. */
    private Future<Void> learnCgroup(long cgroupId, int tgid) {
        return vertx.executeBlocking(() -> cgroupPathOf(tgid), false).map(path -> {
            path.ifPresent(p -> registry.cgroupCreated(cgroupId, p));
            return null;
        });
    }

    private Optional<String> cgroupPathOf(int tgid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + tgid + "/cgroup"))) {
                String[] fields = line.split(":", 3);
                boolean v2 = hierarchy.subsysIndex() < 0 && fields[0].equals("0");
                boolean v1 = fields[0].equals(String.valueOf(hierarchy.hierarchyId())) && hierarchy.subsysIndex() >= 0;
                if (fields.length == 3 && (v2 || v1)) {
                    return Optional.of(fields[2]);
                }
            }
        } catch (IOException e) {
            // The process is gone; its container stays unknown.
        }
        return Optional.empty();
    }

    private void onResolved(long cgroupId, ContainerInfo info) {
        vertx.executeBlocking(() -> {
            markResolved(cgroupId, info);
            return null;
        }, false);
    }

    private String registryPath(long cgroupId) {
        return registry.pathOf(cgroupId).map(p -> p.startsWith("/") ? p.substring(1) : p).orElse("");
    }

    /**
     * Where the root of a process of the cgroup is mounted in the daemon's (the host's) mount
     * namespace. readlink of /proc/PID/root only shows "/" for a process that pivoted into
     * its own namespace, so the root mount is matched instead: the mount whose device, root
     * and super options equal those of the process's "/" mount.
     */
    private static Optional<String> rootOfAnyProcess(Path cgroupProcs) {
        try {
            List<String> hostMounts = Files.readAllLines(Path.of("/proc/self/mountinfo"));
            for (String pid : Files.readAllLines(cgroupProcs)) {
                try {
                    Optional<String> root = Files.readAllLines(Path.of("/proc", pid.strip(), "mountinfo")).stream()
                            .map(MountLine::parse).flatMap(Optional::stream)
                            .filter(line -> line.mountPoint().equals("/"))
                            .reduce((first, second) -> second)
                            .flatMap(containerRoot -> hostMounts.stream().map(MountLine::parse).flatMap(Optional::stream)
                                    .filter(containerRoot::sameFileSystem).map(MountLine::mountPoint).findFirst())
                            // A process that has not pivoted into the container yet (runc init) still has the host's root.
                            .filter(mountPoint -> !mountPoint.equals("/"));
                    if (root.isPresent()) {
                        return root;
                    }
                } catch (IOException gone) {
                    // That process exited; try the next one.
                }
            }
        } catch (IOException e) {
            // The cgroup is gone or empty.
        }
        return Optional.empty();
    }

    /** The fields of a /proc/PID/mountinfo line that identify a mounted file system tree. */
    record MountLine(String device, String root, String mountPoint, String source, String superOptions) {

        static Optional<MountLine> parse(String line) {
            int separator = line.indexOf(" - ");
            if (separator < 0) {
                return Optional.empty();
            }
            String[] before = line.substring(0, separator).split(" ");
            String[] after = line.substring(separator + 3).split(" ");
            if (before.length < 5 || after.length < 3) {
                return Optional.empty();
            }
            return Optional.of(new MountLine(before[2], unescape(before[3]), unescape(before[4]), after[1], after[2]));
        }

        boolean sameFileSystem(MountLine other) {
            return device.equals(other.device) && root.equals(other.root) && source.equals(other.source)
                    && superOptions.equals(other.superOptions);
        }

        private static String unescape(String field) {
            return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
        }
    }

    /** Marks the kernel's entry resolved and records its image and id, for rules that scope by either. */
    private void markResolved(long cgroupId, ContainerInfo info) {
        if (kernelTable == null) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(JAVA_LONG);
            key.set(JAVA_LONG, 0, cgroupId);
            MemorySegment value = arena.allocate(WireLayouts.CONTAINER);
            if (!kernelTable.lookup(key, value)) {
                return;
            }
            value.set(JAVA_INT, FLAGS, value.get(JAVA_INT, FLAGS) | CONTAINER_RESOLVED);
            value.set(JAVA_LONG, IMAGE_ID_HASH, info.imageId() == null ? 0 : fnv1a(info.imageId()));
            value.set(JAVA_LONG, CONTAINER_ID_HASH, info.id() == null ? 0 : fnv1a(info.id()));
            kernelTable.update(key, value, BpfMap.BPF_EXIST);
        } catch (BpfException e) {
            // The entry may have gone with its cgroup meanwhile.
            LOG.debug("updating container table entry for cgroup {} failed: {}", cgroupId, e.getMessage());
        }
    }

    /** FNV-1a, 64-bit: the image and container id hashes the kernel compares against rule match sets. */
    static long fnv1a(String text) {
        return Fnv1a.hash(text);
    }

    public Future<Void> close() {
        return resolver.close();
    }
}
