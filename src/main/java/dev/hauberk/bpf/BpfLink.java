package dev.hauberk.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * An attachment of a program. Destroying the link detaches the program unless the link
 * is pinned in bpffs or was disconnected, in which case the kernel keeps it attached.
 */
public final class BpfLink implements AutoCloseable {

    private final MemorySegment handle;
    private final String programName;
    private boolean destroyed;

    BpfLink(MemorySegment handle, String programName) {
        this.handle = handle;
        this.programName = programName;
    }

    /** Opens a link pinned at path, without changing its attachment. */
    public static BpfLink openPinned(String path) throws BpfException {
        Libbpf.ensureAvailable();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = NativeCall.callState(arena);
            MemorySegment link = (MemorySegment) LibbpfNative.LINK_OPEN.invokeExact(state, arena.allocateFrom(path));
            if (link.equals(MemorySegment.NULL)) {
                throw new BpfException("bpf_link__open", NativeCall.errno(state), path);
            }
            return new BpfLink(link, path);
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("bpf_link__open downcall failed", t);
        }
    }

    public String programName() {
        return programName;
    }

    public int fd() {
        try {
            return (int) LibbpfNative.LINK_FD.invokeExact(handle);
        } catch (Throwable t) {
            throw new IllegalStateException("bpf_link__fd downcall failed", t);
        }
    }

    /** Pins the link at path in bpffs, so it outlives this process. */
    public void pin(String path) throws BpfException {
        int rc;
        try (Arena arena = Arena.ofConfined()) {
            rc = (int) LibbpfNative.LINK_PIN.invokeExact(handle, arena.allocateFrom(path));
        } catch (Throwable t) {
            throw new IllegalStateException("bpf_link__pin downcall failed", t);
        }
        if (rc < 0) {
            throw new BpfException("bpf_link__pin", -rc, "program " + programName + " at " + path);
        }
    }

    /** Removes the link's pin; the attachment then ends when the last reference goes. */
    public void unpin() throws BpfException {
        int rc;
        try {
            rc = (int) LibbpfNative.LINK_UNPIN.invokeExact(handle);
        } catch (Throwable t) {
            throw new IllegalStateException("bpf_link__unpin downcall failed", t);
        }
        if (rc < 0) {
            throw new BpfException("bpf_link__unpin", -rc, "program " + programName);
        }
    }

    /** Makes a later {@link #close()} release only this process's reference, leaving the program attached. */
    public void disconnect() {
        try {
            LibbpfNative.LINK_DISCONNECT.invokeExact(handle);
        } catch (Throwable t) {
            throw new IllegalStateException("bpf_link__disconnect downcall failed", t);
        }
    }

    /**
     * Creates a new iterator instance of an iterator link; each read of the returned
     * file descriptor runs the program over the next objects.
     */
    public int openIterator() throws BpfException {
        int fd;
        try {
            fd = (int) LibbpfNative.ITER_CREATE.invokeExact(fd());
        } catch (Throwable t) {
            throw new IllegalStateException("bpf_iter_create downcall failed", t);
        }
        if (fd < 0) {
            throw new BpfException("bpf_iter_create", -fd, "program " + programName);
        }
        return fd;
    }

    @Override
    public void close() {
        if (destroyed) {
            return;
        }
        destroyed = true;
        try {
            int ignored = (int) LibbpfNative.LINK_DESTROY.invokeExact(handle);
        } catch (Throwable t) {
            throw new IllegalStateException("bpf_link__destroy downcall failed", t);
        }
    }
}
