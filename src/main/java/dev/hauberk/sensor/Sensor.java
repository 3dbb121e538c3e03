package dev.hauberk.sensor;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.hauberk.bpf.BpfException;
import dev.hauberk.bpf.BpfLink;
import dev.hauberk.bpf.BpfMap;
import dev.hauberk.bpf.BpfObject;
import dev.hauberk.bpf.BpfProgram;
import dev.hauberk.bpf.LibC;
import dev.hauberk.bpf.Libbpf;
import dev.hauberk.kernel.KernelCapabilities;
import dev.hauberk.event.wire.WireLayouts;
import dev.hauberk.rules.RuleMaps;
import dev.hauberk.rules.RuleSetWriter;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loaded BPF object: its maps configured and filled, its programs attached (or the
 * pinned ones of an earlier start reused). All methods make system calls; call them
 * from a worker thread.
 */
public final class Sensor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Sensor.class);

    /** Where the build puts the linked BPF object inside the jar. */
    public static final String OBJECT_RESOURCE = "/bpf/hauberk.bpf.o";

    static final String MAP_EVENTS = "hk_events";
    static final String MAP_PROC_TABLE = "hk_proc_table";
    static final String MAP_PROC_HISTORY = "hk_proc_history";
    static final String MAP_COUNTERS = "hk_counters";
    static final String MAP_CONTAINERS = "hk_containers";
    static final String ITERATOR_PROGRAM = "rebuild_process_table";

    private final BpfObject object;
    private final List<BpfLink> links = new ArrayList<>();
    private final PinnedState pins;
    private final int cpus;
    private RuleSetWriter rules;
    private StartReport report;

    private Sensor(BpfObject object, PinnedState pins, int cpus) {
        this.object = object;
        this.pins = pins;
        this.cpus = cpus;
    }

    /** What a start did: whether it reused pinned programs, and what the recovery pass found. */
    public record StartReport(int attachedPrograms, boolean reusedPrograms, boolean reusedMaps, int recoveredProcesses,
                              long recoveryNanos) {
    }

    /** Reads the BPF object that the build placed in the jar. */
    public static byte[] bundledObject() throws IOException {
        try (InputStream in = Sensor.class.getResourceAsStream(OBJECT_RESOURCE)) {
            if (in == null) {
                throw new IOException("BPF object " + OBJECT_RESOURCE + " is missing from the class path; rebuild with ./mvnw package");
            }
            return in.readAllBytes();
        }
    }

    /**
     * Opens the object, reuses pinned maps and links where they match, otherwise sizes,
     * loads, pins and attaches. The initial rule set is written as a new generation before a
     * new program is attached. Last, fills the process table with the processes that predate it.
     */
    public static Sensor start(byte[] elf, SensorOptions options) throws BpfException, IOException {
        BpfObject object = BpfObject.open("hauberk", elf);
        Tunables tunables = Tunables.of(options);
        PinnedState pins = options.pinRoot() == null ? null
                : new PinnedState(options.pinRoot(), WireLayouts.SCHEMA_VERSION, tunables.fingerprint(elf));
        Sensor sensor = new Sensor(object, pins, Libbpf.possibleCpus());
        try {
            sensor.report = sensor.load(options, tunables);
            return sensor;
        } catch (BpfException | IOException | RuntimeException e) {
            sensor.links.forEach(BpfLink::close);
            object.close();
            throw e;
        }
    }

    private StartReport load(SensorOptions options, Tunables tunables) throws BpfException, IOException {
        List<String> mapNames = pinnableMaps();
        List<String> programNames = attachablePrograms(options.kernel());
        boolean reuseMaps = pins != null && pins.hasMaps(mapNames);
        boolean reuseLinks = reuseMaps && pins.hasLinks(programNames);

        for (String name : mapNames) {
            BpfMap map = object.requireMap(name);
            if (reuseMaps) {
                pins.reuseMap(map);
            }
        }
        if (!reuseMaps) {
            object.requireMap(MAP_EVENTS).setMaxEntries((int) options.ringBufferBytes());
            object.requireMap(MAP_PROC_TABLE).setMaxEntries((int) options.processTableEntries());
            object.requireMap(MAP_PROC_HISTORY).setMaxEntries((int) options.historyEntries());
        } else {
            warnIfResized(MAP_EVENTS, "kernel.ring_buffer_bytes", options.ringBufferBytes());
            warnIfResized(MAP_PROC_TABLE, "kernel.process_table_entries", options.processTableEntries());
            warnIfResized(MAP_PROC_HISTORY, "kernel.process_history_entries", options.historyEntries());
        }
        tunables.write(object);
        for (BpfProgram program : object.programs()) {
            boolean iterator = program.sectionName().startsWith("iter");
            // Reused links are this very build with these tunables: then only the iterator loads.
            program.setAutoload(iterator || (!reuseLinks && programNames.contains(program.name())));
        }
        object.load();
        if (pins != null && !reuseMaps) {
            for (String name : mapNames) {
                pins.pinMap(object.requireMap(name));
            }
        }

        // Before any program is attached, so none evaluates a rule without its mode and scope.
        rules = new RuleSetWriter(RuleMaps.of(object, cpus));
        RuleSetWriter.Generation generation = rules.write(options.initialRules());
        LOG.info("rule set written as generation {} ({} rules)", generation.number(),
                options.initialRules().modes().size());

        int attached;
        if (reuseLinks) {
            attached = programNames.size();
            LOG.info("reusing {} pinned BPF programs in {}", attached, pins.linksDir());
        } else {
            for (String name : programNames) {
                BpfLink link = attach(object.requireProgram(name), options.kernel());
                links.add(link);
                if (pins != null) {
                    pins.pinLink(link);
                }
            }
            attached = links.size();
            LOG.info("attached {} BPF programs{}", attached, pins == null ? "" : ", pinned in " + pins.linksDir());
        }
        if (pins != null) {
            int removed = pins.removeOthers();
            if (removed > 0) {
                LOG.info("detached {} programs of an earlier build after attaching this one's", removed);
            }
        }

        // Attached first, recovered second: a process started in between is seen by both, never by neither.
        long started = System.nanoTime();
        int recovered = ProcessRecovery.run(object.requireProgram(ITERATOR_PROGRAM));
        long recoveryNanos = System.nanoTime() - started;
        LOG.info("recovery pass added {} running processes to the process table in {} ms", recovered,
                recoveryNanos / 1_000_000);
        return new StartReport(attached, reuseLinks, reuseMaps, recovered, recoveryNanos);
    }

    /** A pinned map keeps the size it was made with: say so when the configuration asks for another. */
    private void warnIfResized(String mapName, String key, long configured) throws BpfException {
        long pinned = Integer.toUnsignedLong(object.requireMap(mapName).maxEntries());
        if (pinned != configured) {
            LOG.warn("{} is {} but the pinned map {} keeps its size {}; stop the daemon and remove {} to apply it",
                    key, configured, mapName, pinned, pins.mapsDir());
        }
    }

    /** Maps that hold state worth keeping: every map but libbpf's internal data sections. */
    private List<String> pinnableMaps() {
        return object.maps().stream().map(BpfMap::name).filter(name -> !name.contains(".")).toList();
    }

    /**
     * Programs attached for the sensor's lifetime: the tracking programs always; the LSM
     * programs where BPF-LSM works, otherwise their fallbacks (cgroup hooks where cgroup v2
     * is mounted, syscall tracepoints). The recovery iterator runs once and is not among them.
     */
    private List<String> attachablePrograms(KernelCapabilities kernel) {
        return object.programs().stream()
                .filter(p -> !p.sectionName().startsWith("iter"))
                .filter(p -> switch (ProgramKind.of(p)) {
                    case LSM -> kernel.lsm();
                    case CGROUP -> !kernel.lsm() && kernel.cgroupV2Root() != null;
                    case LSM_FALLBACK -> !kernel.lsm();
                    case TRACKING -> true;
                })
                .map(BpfProgram::name)
                .toList();
    }

    /** What a program is for, from its section name. */
    enum ProgramKind {
        TRACKING, LSM, CGROUP, LSM_FALLBACK;

        static ProgramKind of(BpfProgram program) {
            String section = program.sectionName();
            if (section.startsWith("lsm/")) {
                return LSM;
            }
            if (section.startsWith("cgroup/")) {
                return CGROUP;
            }
            // The syscall tracepoints stand in for LSM hooks; tp_btf programs track processes.
            return section.startsWith("tp/syscalls/") ? LSM_FALLBACK : TRACKING;
        }
    }

    private BpfLink attach(BpfProgram program, KernelCapabilities kernel) throws BpfException {
        if (ProgramKind.of(program) != ProgramKind.CGROUP) {
            return program.attach();
        }
        int cgroup = LibC.open(kernel.cgroupV2Root().toString(), LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC);
        try {
            return program.attachCgroup(cgroup);
        } finally {
            LibC.close(cgroup);
        }
    }

    /**
     * Returns the writer of the rule maps, which switches rule sets and modes and reads rule
     * counters. Its calls are system calls, so make them from one worker thread at a time.
     */
    public RuleSetWriter rules() {
        return rules;
    }

    /** The kernel-side loss counters, summed over CPUs. */
    public Map<KernelCounter, Long> counters() throws BpfException {
        BpfMap map = object.requireMap(MAP_COUNTERS);
        Map<KernelCounter, Long> result = new EnumMap<>(KernelCounter.class);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(JAVA_INT);
            MemorySegment values = arena.allocate(JAVA_LONG, cpus);
            for (KernelCounter counter : KernelCounter.values()) {
                key.set(JAVA_INT, 0, counter.index());
                long sum = 0;
                if (map.lookup(key, values)) {
                    for (int cpu = 0; cpu < cpus; cpu++) {
                        sum += values.getAtIndex(JAVA_LONG, cpu);
                    }
                }
                result.put(counter, sum);
            }
        }
        return result;
    }

    /** File descriptor of the detection ring buffer. */
    public int ringBufferFd() throws BpfException {
        return object.requireMap(MAP_EVENTS).fd();
    }

    /** Size of the ring in bytes: the pinned map's size when it was reused. */
    public long ringBufferBytes() throws BpfException {
        return Integer.toUnsignedLong(object.requireMap(MAP_EVENTS).maxEntries());
    }

    public BpfMap map(String name) throws BpfException {
        return object.requireMap(name);
    }

    public StartReport startReport() {
        return report;
    }

    public int attachedPrograms() {
        return report == null ? links.size() : report.attachedPrograms();
    }

    public BpfObject object() {
        return object;
    }

    /**
     * Releases the daemon's hold on the object. With pinned state and keepAttached, the
     * programs stay attached and the maps keep their contents for the next start;
     * otherwise the pins are removed and every program is detached.
     */
    public void close(boolean keepAttached) {
        if (pins != null && !keepAttached) {
            try {
                pins.removeAll();
            } catch (IOException e) {
                LOG.warn("removing pinned programs from {} failed: {}; they stay attached until removed by hand",
                        pins.linksDir(), e.getMessage());
            }
        }
        for (BpfLink link : links) {
            if (pins != null && keepAttached) {
                link.disconnect();
            }
            link.close();
        }
        links.clear();
        object.close();
    }

    /** Detaches everything unless the programs are pinned and kept by {@link #close(boolean)}. */
    @Override
    public void close() {
        close(false);
    }
}
