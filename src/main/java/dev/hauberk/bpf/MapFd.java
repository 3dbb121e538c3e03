package dev.hauberk.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Map operations on a raw map file descriptor, for object maps and pinned maps alike. */
public final class MapFd {

    private MapFd() {
    }

    public static boolean lookup(int fd, String name, MemorySegment key, MemorySegment value) throws BpfException {
        int rc;
        try {
            rc = (int) LibbpfNative.MAP_LOOKUP_ELEM.invokeExact(fd, key, value);
        } catch (Throwable t) {
            throw new IllegalStateException("bpf_map_lookup_elem downcall failed", t);
        }
        if (rc == -Errno.ENOENT) {
            return false;
        }
        if (rc < 0) {
            throw new BpfException("bpf_map_lookup_elem", -rc, "map " + name);
        }
        return true;
    }

    public static void update(int fd, String name, MemorySegment key, MemorySegment value, long flags) throws BpfException {
        int rc;
        try {
            rc = (int) LibbpfNative.MAP_UPDATE_ELEM.invokeExact(fd, key, value, flags);
        } catch (Throwable t) {
            throw new IllegalStateException("bpf_map_update_elem downcall failed", t);
        }
        if (rc < 0) {
            throw new BpfException("bpf_map_update_elem", -rc, "map " + name);
        }
    }

    public static boolean delete(int fd, String name, MemorySegment key) throws BpfException {
        int rc;
        try {
            rc = (int) LibbpfNative.MAP_DELETE_ELEM.invokeExact(fd, key);
        } catch (Throwable t) {
            throw new IllegalStateException("bpf_map_delete_elem downcall failed", t);
        }
        if (rc == -Errno.ENOENT) {
            return false;
        }
        if (rc < 0) {
            throw new BpfException("bpf_map_delete_elem", -rc, "map " + name);
        }
        return true;
    }

    public static boolean nextKey(int fd, String name, MemorySegment key, MemorySegment next) throws BpfException {
        int rc;
        try {
            rc = (int) LibbpfNative.MAP_GET_NEXT_KEY.invokeExact(fd, key, next);
        } catch (Throwable t) {
            throw new IllegalStateException("bpf_map_get_next_key downcall failed", t);
        }
        if (rc == -Errno.ENOENT) {
            return false;
        }
        if (rc < 0) {
            throw new BpfException("bpf_map_get_next_key", -rc, "map " + name);
        }
        return true;
    }

    /** Opens a pinned map or link by its bpffs path; returns its file descriptor. */
    public static int openPinned(String path) throws BpfException {
        Libbpf.ensureAvailable();
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            fd = (int) LibbpfNative.OBJ_GET.invokeExact(arena.allocateFrom(path));
        } catch (Throwable t) {
            throw new IllegalStateException("bpf_obj_get downcall failed", t);
        }
        if (fd < 0) {
            throw new BpfException("bpf_obj_get", -fd, path);
        }
        return fd;
    }
}
