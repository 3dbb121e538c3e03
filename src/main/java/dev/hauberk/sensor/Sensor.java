package dev.hauberk.sensor;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.hauberk.bpf.BpfException;
import dev.hauberk.bpf.BpfLink;
import dev.hauberk.bpf.BpfMap;
import dev.hauberk.bpf.BpfObject;
import dev.hauberk.bpf.BpfProgram;
import dev.hauberk.bpf.Libbpf;
import dev.hauberk.rules.RuleMode;
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
 * The loaded BPF object: its maps configured and filled, its programs attached. All
 * methods make system calls; call them from a worker thread.
 */
public final class Sensor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Sensor.class);

    /** Where the build puts the linked BPF object inside the jar. */
    public static final String OBJECT_RESOURCE = "/bpf/hauberk.bpf.o";

    static final String MAP_EVENTS = "hk_events";
    static final String MAP_PROC_TABLE = "hk_proc_table";
    static final String MAP_RULE_CONFIG = "hk_rule_config";
    static final String MAP_COUNTERS = "hk_counters";
    /** Mirrors sizeof(struct hk_rule_config). */
    private static final int RULE_CONFIG_BYTES = 8;

    private final BpfObject object;
    private final List<BpfLink> links = new ArrayList<>();
    private final long ringBufferBytes;
    private final int cpus;

    private Sensor(BpfObject object, long ringBufferBytes, int cpus) {
        this.object = object;
        this.ringBufferBytes = ringBufferBytes;
        this.cpus = cpus;
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
     * Opens, sizes and loads the object, writes every rule's mode, then attaches the
     * programs, so no program runs before its rules are configured.
     */
    public static Sensor start(byte[] elf, SensorOptions options) throws BpfException {
        BpfObject object = BpfObject.open("hauberk", elf);
        Sensor sensor = new Sensor(object, options.ringBufferBytes(), Libbpf.possibleCpus());
        try {
            object.requireMap(MAP_EVENTS).setMaxEntries((int) options.ringBufferBytes());
            object.requireMap(MAP_PROC_TABLE).setMaxEntries((int) options.processTableEntries());
            object.load();
            for (Map.Entry<Integer, RuleMode> mode : options.ruleModes().entrySet()) {
                sensor.setMode(mode.getKey(), mode.getValue());
            }
            sensor.attachAll();
            return sensor;
        } catch (BpfException | RuntimeException e) {
            sensor.close();
            throw e;
        }
    }

    private void attachAll() throws BpfException {
        for (BpfProgram program : object.programs()) {
            if (!program.autoload()) {
                continue;
            }
            links.add(program.attach());
            LOG.debug("attached program {} ({})", program.name(), program.sectionName());
        }
        LOG.info("attached {} BPF programs", links.size());
    }

    /** Writes a rule's mode into hk_rule_config; the kernel uses it from its next event. */
    public void setMode(int ruleId, RuleMode mode) throws BpfException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(JAVA_INT);
            key.set(JAVA_INT, 0, ruleId);
            MemorySegment value = arena.allocate(RULE_CONFIG_BYTES, 8);
            value.set(JAVA_BYTE, 0, (byte) mode.code());
            object.requireMap(MAP_RULE_CONFIG).update(key, value, BpfMap.BPF_ANY);
        }
    }

    /** Reads a rule's mode back from the kernel map. */
    public RuleMode mode(int ruleId) throws BpfException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(JAVA_INT);
            key.set(JAVA_INT, 0, ruleId);
            MemorySegment value = arena.allocate(RULE_CONFIG_BYTES, 8);
            object.requireMap(MAP_RULE_CONFIG).lookup(key, value);
            return RuleMode.fromCode(Byte.toUnsignedInt(value.get(JAVA_BYTE, 0)));
        }
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

    public long ringBufferBytes() {
        return ringBufferBytes;
    }

    public int attachedPrograms() {
        return links.size();
    }

    public BpfObject object() {
        return object;
    }

    /** Detaches every program and releases the maps. */
    @Override
    public void close() {
        for (BpfLink link : links) {
            link.close();
        }
        links.clear();
        object.close();
    }
}
