package dev.hauberk.rules;

import dev.hauberk.bpf.BpfException;
import dev.hauberk.bpf.BpfMap;
import java.lang.foreign.MemorySegment;

/**
 * The map operations the rule writer uses, so that its sequencing is testable with an
 * in-memory map. For a real map each call is a system call: call it from a worker thread.
 */
public interface KernelMap {

    String name();

    /** Looks key up into value; returns false when absent. */
    boolean lookup(MemorySegment key, MemorySegment value) throws BpfException;

    void update(MemorySegment key, MemorySegment value, long flags) throws BpfException;

    /** Deletes key; returns false when it was absent. */
    boolean delete(MemorySegment key) throws BpfException;

    /** Writes the key after key (the first key when key is NULL) into next; returns false at the end. */
    boolean nextKey(MemorySegment key, MemorySegment next) throws BpfException;

    /** Returns the operations of a loaded BPF map. */
    static KernelMap of(BpfMap map) {
        return new KernelMap() {
            @Override
            public String name() {
                return map.name();
            }

            @Override
            public boolean lookup(MemorySegment key, MemorySegment value) throws BpfException {
                return map.lookup(key, value);
            }

            @Override
            public void update(MemorySegment key, MemorySegment value, long flags) throws BpfException {
                map.update(key, value, flags);
            }

            @Override
            public boolean delete(MemorySegment key) throws BpfException {
                return map.delete(key);
            }

            @Override
            public boolean nextKey(MemorySegment key, MemorySegment next) throws BpfException {
                return map.nextKey(key, next);
            }
        };
    }
}
