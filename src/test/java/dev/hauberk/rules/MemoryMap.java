package dev.hauberk.rules;

import dev.hauberk.bpf.BpfException;
import dev.hauberk.bpf.BpfMap;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An in-memory stand-in for a BPF map: keys and values as bytes, iterated in key order, with
 * an optional failure after a number of updates and a log of the updates made.
 */
final class MemoryMap implements KernelMap {

    private static final HexFormat HEX = HexFormat.of();

    private final String name;
    private final boolean array;
    private final TreeMap<String, byte[]> entries = new TreeMap<>();
    final List<String> updatedKeys = new ArrayList<>();
    private int updatesBeforeFailure = -1;

    private MemoryMap(String name, boolean array) {
        this.name = name;
        this.array = array;
    }

    /** Creates a hash or LPM map, whose keys exist once updated. */
    static MemoryMap hash(String name) {
        return new MemoryMap(name, false);
    }

    /** Creates an array map: every index below entries exists and starts zeroed, as in the kernel. */
    static MemoryMap array(String name, int entries, int valueBytes) {
        MemoryMap map = new MemoryMap(name, true);
        for (int i = 0; i < entries; i++) {
            MemorySegment key = MemorySegment.ofArray(new int[] {i});
            map.entries.put(hex(key), new byte[valueBytes]);
        }
        return map;
    }

    /** Makes the update after the next n ones fail with E2BIG. */
    void failAfter(int updates) {
        updatesBeforeFailure = updates;
    }

    /** Returns a copy of the contents, by hex key. */
    Map<String, String> snapshot() {
        Map<String, String> copy = new TreeMap<>();
        entries.forEach((key, value) -> copy.put(key, HEX.formatHex(value)));
        return copy;
    }

    static String hex(MemorySegment segment) {
        return HEX.formatHex(segment.toArray(ValueLayout.JAVA_BYTE));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean lookup(MemorySegment key, MemorySegment value) {
        byte[] found = entries.get(hex(key));
        if (found == null) {
            return false;
        }
        MemorySegment.copy(MemorySegment.ofArray(found), 0, value, 0, Math.min(found.length, value.byteSize()));
        return true;
    }

    @Override
    public void update(MemorySegment key, MemorySegment value, long flags) throws BpfException {
        if (updatesBeforeFailure == 0) {
            throw new BpfException("bpf_map_update_elem", 7, "map " + name);
        }
        if (updatesBeforeFailure > 0) {
            updatesBeforeFailure--;
        }
        String hexKey = hex(key);
        if (array && !entries.containsKey(hexKey)) {
            throw new BpfException("bpf_map_update_elem", 7, "map " + name + ": index out of range");
        }
        if (flags == BpfMap.BPF_EXIST && !entries.containsKey(hexKey)) {
            throw new BpfException("bpf_map_update_elem", 2, "map " + name);
        }
        entries.put(hexKey, value.toArray(ValueLayout.JAVA_BYTE));
        updatedKeys.add(hexKey);
    }

    @Override
    public boolean delete(MemorySegment key) {
        return entries.remove(hex(key)) != null;
    }

    @Override
    public boolean nextKey(MemorySegment key, MemorySegment next) {
        String following = key.equals(MemorySegment.NULL) ? firstKey() : entries.higherKey(hex(key));
        if (following == null) {
            return false;
        }
        MemorySegment.copy(MemorySegment.ofArray(HEX.parseHex(following)), 0, next, 0, next.byteSize());
        return true;
    }

    private String firstKey() {
        return entries.isEmpty() ? null : entries.firstKey();
    }
}
