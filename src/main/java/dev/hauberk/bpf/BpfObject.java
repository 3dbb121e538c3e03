package dev.hauberk.bpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A BPF ELF object opened from memory: its programs and maps, loaded into the kernel
 * with {@link #load()}. Not thread-safe; the sensor owns it on one worker thread.
 */
public final class BpfObject implements AutoCloseable {

    private final Arena arena;
    private final MemorySegment handle;
    private final String name;
    private final Map<String, BpfProgram> programs = new LinkedHashMap<>();
    private final Map<String, BpfMap> maps = new LinkedHashMap<>();
    private boolean loaded;
    private boolean closed;

    private BpfObject(Arena arena, MemorySegment handle, String name) {
        this.arena = arena;
        this.handle = handle;
        this.name = name;
    }

    /** Opens an object from its ELF bytes; nothing is loaded into the kernel yet. */
    public static BpfObject open(String name, byte[] elf) throws BpfException {
        Libbpf.ensureAvailable();
        Arena arena = Arena.ofShared();
        try {
            // libbpf reads the ELF in place until load, so the copy lives as long as the object.
            MemorySegment buffer = arena.allocate(elf.length, 8);
            buffer.copyFrom(MemorySegment.ofArray(elf));

            // struct bpf_object_open_opts { size_t sz; const char *object_name; bool relaxed_maps; }
            MemorySegment opts = arena.allocate(24, 8);
            opts.set(JAVA_LONG, 0, 24L);
            opts.set(ADDRESS, 8, arena.allocateFrom(name));
            opts.set(JAVA_BOOLEAN, 16, false);

            MemorySegment state = NativeCall.callState(arena);
            StringBuilder log = new StringBuilder();
            MemorySegment[] result = new MemorySegment[1];
            Libbpf.captureLog(() -> result[0] = invokeOpen(state, buffer, elf.length, opts), log);
            if (result[0].equals(MemorySegment.NULL)) {
                throw new BpfException("bpf_object__open_mem", NativeCall.errno(state), "object " + name, log.toString());
            }
            BpfObject object = new BpfObject(arena, result[0], name);
            object.index();
            return object;
        } catch (BpfException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static MemorySegment invokeOpen(MemorySegment state, MemorySegment buffer, long size, MemorySegment opts) {
        try {
            return (MemorySegment) LibbpfNative.OBJECT_OPEN_MEM.invokeExact(state, buffer, size, opts);
        } catch (Throwable t) {
            throw new IllegalStateException("bpf_object__open_mem downcall failed", t);
        }
    }

    private void index() {
        try {
            MemorySegment prog = MemorySegment.NULL;
            while (true) {
                prog = (MemorySegment) LibbpfNative.OBJECT_NEXT_PROGRAM.invokeExact(handle, prog);
                if (prog.equals(MemorySegment.NULL)) {
                    break;
                }
                BpfProgram program = new BpfProgram(this, prog);
                programs.put(program.name(), program);
            }
            MemorySegment map = MemorySegment.NULL;
            while (true) {
                map = (MemorySegment) LibbpfNative.OBJECT_NEXT_MAP.invokeExact(handle, map);
                if (map.equals(MemorySegment.NULL)) {
                    break;
                }
                BpfMap bpfMap = BpfMap.ofObjectMap(map);
                maps.put(bpfMap.name(), bpfMap);
            }
        } catch (Throwable t) {
            throw new IllegalStateException("listing programs and maps of " + name + " failed", t);
        }
    }

    /**
     * Loads every map and every program whose autoload is set. On a verifier rejection
     * the exception carries the verifier log.
     */
    public void load() throws BpfException {
        ensureOpen();
        StringBuilder log = new StringBuilder();
        int[] rc = new int[1];
        Libbpf.captureLog(() -> {
            try {
                rc[0] = (int) LibbpfNative.OBJECT_LOAD.invokeExact(handle);
            } catch (Throwable t) {
                throw new IllegalStateException("bpf_object__load downcall failed", t);
            }
        }, log);
        if (rc[0] < 0) {
            throw new BpfException("bpf_object__load", -rc[0], "object " + name + failedProgram(log), log.toString());
        }
        loaded = true;
    }

    private static String failedProgram(StringBuilder log) {
        int start = log.indexOf("prog '");
        if (start < 0) {
            return "";
        }
        int end = log.indexOf("'", start + 6);
        return end < 0 ? "" : ", program " + log.substring(start + 6, end);
    }

    public String name() {
        return name;
    }

    public boolean isLoaded() {
        return loaded;
    }

    public List<BpfProgram> programs() {
        return new ArrayList<>(programs.values());
    }

    public Optional<BpfProgram> program(String programName) {
        return Optional.ofNullable(programs.get(programName));
    }

    public BpfProgram requireProgram(String programName) throws BpfException {
        BpfProgram program = programs.get(programName);
        if (program == null) {
            throw new BpfException("bpf_object__find_program_by_name", Errno.ENOENT,
                    "no program " + programName + " in object " + name);
        }
        return program;
    }

    public List<BpfMap> maps() {
        return new ArrayList<>(maps.values());
    }

    public BpfMap requireMap(String mapName) throws BpfException {
        BpfMap map = maps.get(mapName);
        if (map == null) {
            throw new BpfException("bpf_object__find_map_by_name", Errno.ENOENT, "no map " + mapName + " in object " + name);
        }
        return map;
    }

    MemorySegment handle() {
        return handle;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("BPF object " + name + " is closed");
        }
    }

    /**
     * Closes the object: its programs and maps are released, and every link that was not
     * pinned or disconnected is detached.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            LibbpfNative.OBJECT_CLOSE.invokeExact(handle);
        } catch (Throwable t) {
            throw new IllegalStateException("bpf_object__close downcall failed", t);
        } finally {
            arena.close();
        }
    }
}
