package dev.hauberk.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A BPF map: before load, the object's definition (size, pin, reuse); after load, a file
 * descriptor for lookups and updates. Map operations are system calls: call them from
 * a worker thread, never from an event loop.
 */
public final class BpfMap {

    public static final int BPF_MAP_TYPE_HASH = 1;
    public static final int BPF_MAP_TYPE_ARRAY = 2;
    public static final int BPF_MAP_TYPE_PERCPU_HASH = 5;
    public static final int BPF_MAP_TYPE_PERCPU_ARRAY = 6;
    public static final int BPF_MAP_TYPE_LPM_TRIE = 11;
    public static final int BPF_MAP_TYPE_RINGBUF = 27;

    public static final long BPF_ANY = 0;
    public static final long BPF_NOEXIST = 1;
    public static final long BPF_EXIST = 2;

    private final MemorySegment handle;
    private final String name;

    private BpfMap(MemorySegment handle, String name) {
        this.handle = handle;
        this.name = name;
    }

    static BpfMap ofObjectMap(MemorySegment handle) throws Throwable {
        String name = ((MemorySegment) LibbpfNative.MAP_NAME.invokeExact(handle)).reinterpret(Long.MAX_VALUE).getString(0);
        return new BpfMap(handle, name);
    }

    public String name() {
        return name;
    }

    public int fd() {
        try {
            return (int) LibbpfNative.MAP_FD.invokeExact(handle);
        } catch (Throwable t) {
            throw new IllegalStateException("bpf_map__fd downcall failed", t);
        }
    }

    public int type() {
        return intCall(LibbpfNative.MAP_TYPE, "bpf_map__type");
    }

    public int keySize() {
        return intCall(LibbpfNative.MAP_KEY_SIZE, "bpf_map__key_size");
    }

    public int valueSize() {
        return intCall(LibbpfNative.MAP_VALUE_SIZE, "bpf_map__value_size");
    }

    public int maxEntries() {
        return intCall(LibbpfNative.MAP_MAX_ENTRIES, "bpf_map__max_entries");
    }

    private int intCall(java.lang.invoke.MethodHandle call, String function) {
        try {
            return (int) call.invokeExact(handle);
        } catch (Throwable t) {
            throw new IllegalStateException(function + " downcall failed", t);
        }
    }

    /** Sets the number of entries (bytes, for a ring buffer) before the object is loaded. */
    public void setMaxEntries(int maxEntries) throws BpfException {
        int rc;
        try {
            rc = (int) LibbpfNative.MAP_SET_MAX_ENTRIES.invokeExact(handle, maxEntries);
        } catch (Throwable t) {
            throw new IllegalStateException("bpf_map__set_max_entries downcall failed", t);
        }
        if (rc < 0) {
            throw new BpfException("bpf_map__set_max_entries", -rc, "map " + name + " to " + maxEntries);
        }
    }

    /** Makes the object use an existing map (say, a pinned one) instead of creating this one. */
    public void reuseFd(int fd) throws BpfException {
        int rc;
        try {
            rc = (int) LibbpfNative.MAP_REUSE_FD.invokeExact(handle, fd);
        } catch (Throwable t) {
            throw new IllegalStateException("bpf_map__reuse_fd downcall failed", t);
        }
        if (rc < 0) {
            throw new BpfException("bpf_map__reuse_fd", -rc, "map " + name + ", fd " + fd);
        }
    }

    public void pin(String path) throws BpfException {
        int rc;
        try (Arena arena = Arena.ofConfined()) {
            rc = (int) LibbpfNative.MAP_PIN.invokeExact(handle, arena.allocateFrom(path));
        } catch (Throwable t) {
            throw new IllegalStateException("bpf_map__pin downcall failed", t);
        }
        if (rc < 0) {
            throw new BpfException("bpf_map__pin", -rc, "map " + name + " at " + path);
        }
    }

    public void unpin(String path) throws BpfException {
        int rc;
        try (Arena arena = Arena.ofConfined()) {
            rc = (int) LibbpfNative.MAP_UNPIN.invokeExact(handle, arena.allocateFrom(path));
        } catch (Throwable t) {
            throw new IllegalStateException("bpf_map__unpin downcall failed", t);
        }
        if (rc < 0) {
            throw new BpfException("bpf_map__unpin", -rc, "map " + name + " at " + path);
        }
    }

    /** The initial contents of a global data map (.rodata, .bss), writable before load. */
    public MemorySegment initialValue() throws BpfException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment size = arena.allocate(java.lang.foreign.ValueLayout.JAVA_LONG);
            MemorySegment value = (MemorySegment) LibbpfNative.MAP_INITIAL_VALUE.invokeExact(handle, size);
            if (value.equals(MemorySegment.NULL)) {
                throw new BpfException("bpf_map__initial_value", Errno.EINVAL, "map " + name + " has no initial value");
            }
            return value.reinterpret(size.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0));
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("bpf_map__initial_value downcall failed", t);
        }
    }

    /** Looks key up; returns false when absent. value must hold the map's value size (times CPUs for per-CPU maps). */
    public boolean lookup(MemorySegment key, MemorySegment value) throws BpfException {
        return MapFd.lookup(fd(), name, key, value);
    }

    public void update(MemorySegment key, MemorySegment value, long flags) throws BpfException {
        MapFd.update(fd(), name, key, value, flags);
    }

    /** Deletes key; returns false when it was absent. */
    public boolean delete(MemorySegment key) throws BpfException {
        return MapFd.delete(fd(), name, key);
    }

    /** Writes the key after key (or the first key when key is NULL) into next; false at the end. */
    public boolean nextKey(MemorySegment key, MemorySegment next) throws BpfException {
        return MapFd.nextKey(fd(), name, key, next);
    }
}
