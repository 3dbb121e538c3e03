package dev.hauberk.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A program of a {@link BpfObject}: autoload before load, attach after. */
public final class BpfProgram {

    private final BpfObject object;
    private final MemorySegment handle;
    private final String name;
    private final String sectionName;

    BpfProgram(BpfObject object, MemorySegment handle) throws Throwable {
        this.object = object;
        this.handle = handle;
        this.name = ((MemorySegment) LibbpfNative.PROGRAM_NAME.invokeExact(handle)).reinterpret(Long.MAX_VALUE).getString(0);
        this.sectionName = ((MemorySegment) LibbpfNative.PROGRAM_SECTION_NAME.invokeExact(handle))
                .reinterpret(Long.MAX_VALUE).getString(0);
    }

    public String name() {
        return name;
    }

    /** The ELF section, such as "tp_btf/sched_process_exec", which tells libbpf how to attach. */
    public String sectionName() {
        return sectionName;
    }

    /** Whether {@link BpfObject#load()} loads this program; set before the load. */
    public void setAutoload(boolean autoload) throws BpfException {
        int rc;
        try {
            rc = (int) LibbpfNative.PROGRAM_SET_AUTOLOAD.invokeExact(handle, autoload);
        } catch (Throwable t) {
            throw new IllegalStateException("bpf_program__set_autoload downcall failed", t);
        }
        if (rc < 0) {
            throw new BpfException("bpf_program__set_autoload", -rc, "program " + name);
        }
    }

    public boolean autoload() {
        try {
            return (boolean) LibbpfNative.PROGRAM_AUTOLOAD.invokeExact(handle);
        } catch (Throwable t) {
            throw new IllegalStateException("bpf_program__autoload downcall failed", t);
        }
    }

    /** The program's file descriptor once loaded, or a negative errno. */
    public int fd() {
        try {
            return (int) LibbpfNative.PROGRAM_FD.invokeExact(handle);
        } catch (Throwable t) {
            throw new IllegalStateException("bpf_program__fd downcall failed", t);
        }
    }

    /** Attaches the program as its section name says (tracepoint, tp_btf, LSM, ...). */
    public BpfLink attach() throws BpfException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = NativeCall.callState(arena);
            MemorySegment link = (MemorySegment) LibbpfNative.PROGRAM_ATTACH.invokeExact(state, handle);
            return checkLink("bpf_program__attach", state, link, "");
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("bpf_program__attach downcall failed", t);
        }
    }

    /** Attaches a cgroup program (connect4, sock_create, ...) to the cgroup open as cgroupFd. */
    public BpfLink attachCgroup(int cgroupFd) throws BpfException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = NativeCall.callState(arena);
            MemorySegment link = (MemorySegment) LibbpfNative.PROGRAM_ATTACH_CGROUP.invokeExact(state, handle, cgroupFd);
            return checkLink("bpf_program__attach_cgroup", state, link, "cgroup fd " + cgroupFd);
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("bpf_program__attach_cgroup downcall failed", t);
        }
    }

    /** Attaches an iterator program (iter/task, ...); read it with {@link BpfLink#openIterator()}. */
    public BpfLink attachIterator() throws BpfException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = NativeCall.callState(arena);
            MemorySegment link = (MemorySegment) LibbpfNative.PROGRAM_ATTACH_ITER.invokeExact(state, handle, MemorySegment.NULL);
            return checkLink("bpf_program__attach_iter", state, link, "");
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("bpf_program__attach_iter downcall failed", t);
        }
    }

    /**
     * Attaches a uprobe (or a uretprobe) at offset bytes into binaryPath, for every process
     * when pid is -1.
     */
    public BpfLink attachUprobe(boolean retprobe, int pid, String binaryPath, long offset) throws BpfException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = NativeCall.callState(arena);
            MemorySegment link = (MemorySegment) LibbpfNative.PROGRAM_ATTACH_UPROBE.invokeExact(state, handle, retprobe, pid,
                    arena.allocateFrom(binaryPath), offset);
            return checkLink("bpf_program__attach_uprobe", state, link, binaryPath + "+0x" + Long.toHexString(offset));
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("bpf_program__attach_uprobe downcall failed", t);
        }
    }

    private BpfLink checkLink(String function, MemorySegment state, MemorySegment link, String detail) throws BpfException {
        if (link.equals(MemorySegment.NULL)) {
            String where = "program " + name + " (" + sectionName + ")" + (detail.isEmpty() ? "" : " at " + detail);
            throw new BpfException(function, NativeCall.errno(state), where);
        }
        return new BpfLink(link, name);
    }

    BpfObject object() {
        return object;
    }
}
