package dev.hauberk.sensor;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.hauberk.bpf.BpfException;
import dev.hauberk.bpf.BpfMap;
import dev.hauberk.bpf.BpfObject;
import dev.hauberk.bpf.Btf;
import dev.hauberk.bpf.Errno;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The read-only globals of bpf/lib/config.h, written into the object's .rodata before
 * load. Each variable's offset comes from the object's BTF, not from a hand count.
 */
final class Tunables {

    private final Map<String, Integer> values;

    private Tunables(Map<String, Integer> values) {
        this.values = values;
    }

    static Tunables of(SensorOptions options) {
        Map<String, Integer> values = new LinkedHashMap<>();
        values.put("hk_host_mnt_ns", (int) options.hostNamespaces().mnt());
        values.put("hk_host_pid_ns", (int) options.hostNamespaces().pid());
        values.put("hk_ancestry_depth", Math.max(0, Math.min(options.ancestryDepth(), SensorOptions.ANCESTRY_MAX)));
        values.put("hk_cgroup_subsys", options.cgroupHierarchy().subsysIndex());
        values.put("hk_cgroup_hierarchy_id", options.cgroupHierarchy().hierarchyId());
        values.put("hk_lsm_enforces", options.kernel().lsm() ? 1 : 0);
        return new Tunables(values);
    }

    void write(BpfObject object) throws BpfException {
        BpfMap rodata = object.maps().stream().filter(m -> m.name().endsWith(".rodata")).findFirst()
                .orElseThrow(() -> new BpfException("bpf_object__find_map_by_name", Errno.ENOENT, "object has no .rodata"));
        MemorySegment data = rodata.initialValue();
        List<Btf.Member> variables = Btf.of(object).datasec(".rodata")
                .orElseThrow(() -> new BpfException("btf__find_by_name_kind", Errno.ENOENT, "no .rodata section in BTF"));
        for (Map.Entry<String, Integer> value : values.entrySet()) {
            Btf.Member variable = variables.stream().filter(v -> v.name().equals(value.getKey())).findFirst()
                    .orElseThrow(() -> new BpfException("btf__find_by_name_kind", Errno.ENOENT,
                            "tunable " + value.getKey() + " not in .rodata"));
            if (variable.size() != Integer.BYTES) {
                throw new IllegalStateException("tunable " + value.getKey() + " is " + variable.size() + " bytes, expected 4");
            }
            data.set(JAVA_INT.withByteAlignment(1), variable.offset(), value.getValue());
        }
    }

    /** Identifies the programs that these tunables and this object produce: equal means reusable. */
    String fingerprint(byte[] elf) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(elf);
            for (Map.Entry<String, Integer> value : values.entrySet()) {
                digest.update(value.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                digest.update(ByteBuffer.allocate(4).putInt(value.getValue()).array());
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
