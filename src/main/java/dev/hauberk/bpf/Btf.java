package dev.hauberk.bpf;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Type information (BTF) of a BPF object file, read through libbpf: struct layouts and
 * enum values, used to check the Java mirrors of the wire structs against the object.
 */
public final class Btf implements AutoCloseable {

    private static final int BTF_KIND_STRUCT = 4;
    private static final int BTF_KIND_ENUM = 6;
    private static final int BTF_TYPE_BYTES = 12;
    private static final int BTF_MEMBER_BYTES = 12;

    /** A struct member: its name, byte offset, and size in bytes. */
    public record Member(String name, long offset, long size) {
    }

    /** A struct: its size and members in declaration order. */
    public record Struct(String name, long size, List<Member> members) {
    }

    private static final int BTF_KIND_DATASEC = 15;
    private static final int BTF_VAR_SECINFO_BYTES = 12;

    private final MemorySegment handle;
    private final boolean owned;

    private Btf(MemorySegment handle, boolean owned) {
        this.handle = handle;
        this.owned = owned;
    }

    /** The BTF of an opened object; it belongs to the object and lives as long as it. */
    public static Btf of(BpfObject object) throws BpfException {
        try {
            MemorySegment btf = (MemorySegment) LibbpfNative.OBJECT_BTF.invokeExact(object.handle());
            if (btf.equals(MemorySegment.NULL)) {
                throw new BpfException("bpf_object__btf", Errno.ENOENT, "object " + object.name() + " has no BTF");
            }
            return new Btf(btf, false);
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("bpf_object__btf downcall failed", t);
        }
    }

    /** Parses raw BTF, such as the kernel's /sys/kernel/btf/vmlinux. */
    public static Btf parseRaw(String path) throws BpfException {
        Libbpf.ensureAvailable();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = NativeCall.callState(arena);
            MemorySegment btf = (MemorySegment) LibbpfNative.BTF_PARSE_RAW.invokeExact(state, arena.allocateFrom(path));
            if (btf.equals(MemorySegment.NULL)) {
                throw new BpfException("btf__parse_raw", NativeCall.errno(state), path);
            }
            return new Btf(btf, true);
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("btf__parse_raw downcall failed", t);
        }
    }

    /** The variables of a data section (.rodata, .bss), with their offsets in it. */
    public Optional<List<Member>> datasec(String name) {
        int id = findByNameKind(name, BTF_KIND_DATASEC);
        if (id < 0) {
            return Optional.empty();
        }
        MemorySegment type = typeById(id);
        int vlen = type.get(JAVA_INT, 4) & 0xffff;
        MemorySegment entries = type.reinterpret(BTF_TYPE_BYTES + (long) vlen * BTF_VAR_SECINFO_BYTES);
        List<Member> result = new ArrayList<>(vlen);
        for (int i = 0; i < vlen; i++) {
            long base = BTF_TYPE_BYTES + (long) i * BTF_VAR_SECINFO_BYTES;
            MemorySegment variable = typeById(entries.get(JAVA_INT, base));
            result.add(new Member(nameByOffset(variable.get(JAVA_INT, 0)),
                    Integer.toUnsignedLong(entries.get(JAVA_INT, base + 4)),
                    Integer.toUnsignedLong(entries.get(JAVA_INT, base + 8))));
        }
        return Optional.of(result);
    }

    /** Parses the .BTF section of an ELF file. */
    public static Btf parseElf(String path) throws BpfException {
        Libbpf.ensureAvailable();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = NativeCall.callState(arena);
            MemorySegment btf = (MemorySegment) LibbpfNative.BTF_PARSE_ELF.invokeExact(state, arena.allocateFrom(path),
                    MemorySegment.NULL);
            if (btf.equals(MemorySegment.NULL)) {
                throw new BpfException("btf__parse_elf", NativeCall.errno(state), path);
            }
            return new Btf(btf, true);
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("btf__parse_elf downcall failed", t);
        }
    }

    public Optional<Struct> struct(String name) {
        int id = findByNameKind(name, BTF_KIND_STRUCT);
        if (id < 0) {
            return Optional.empty();
        }
        MemorySegment type = typeById(id);
        int info = type.get(JAVA_INT, 4);
        int vlen = info & 0xffff;
        boolean kindFlag = (info >>> 31) != 0;
        long size = Integer.toUnsignedLong(type.get(JAVA_INT, 8));
        MemorySegment members = type.reinterpret(BTF_TYPE_BYTES + (long) vlen * BTF_MEMBER_BYTES);
        List<Member> result = new ArrayList<>(vlen);
        for (int i = 0; i < vlen; i++) {
            long base = BTF_TYPE_BYTES + (long) i * BTF_MEMBER_BYTES;
            String memberName = nameByOffset(members.get(JAVA_INT, base));
            int memberType = members.get(JAVA_INT, base + 4);
            int offsetBits = members.get(JAVA_INT, base + 8);
            // With kind_flag set, the high byte holds a bitfield size and the low 24 bits the offset.
            long bitOffset = kindFlag ? offsetBits & 0xffffff : Integer.toUnsignedLong(offsetBits);
            result.add(new Member(memberName, bitOffset / 8, resolveSize(memberType)));
        }
        return Optional.of(new Struct(name, size, result));
    }

    /** The values of an enum, by enumerator name, in declaration order. */
    public Optional<List<java.util.Map.Entry<String, Integer>>> enumValues(String name) {
        int id = findByNameKind(name, BTF_KIND_ENUM);
        if (id < 0) {
            return Optional.empty();
        }
        MemorySegment type = typeById(id);
        int vlen = type.get(JAVA_INT, 4) & 0xffff;
        MemorySegment values = type.reinterpret(BTF_TYPE_BYTES + (long) vlen * 8);
        List<java.util.Map.Entry<String, Integer>> result = new ArrayList<>(vlen);
        for (int i = 0; i < vlen; i++) {
            long base = BTF_TYPE_BYTES + (long) i * 8;
            result.add(java.util.Map.entry(nameByOffset(values.get(JAVA_INT, base)), values.get(JAVA_INT, base + 4)));
        }
        return Optional.of(result);
    }

    private int findByNameKind(String name, int kind) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) LibbpfNative.BTF_FIND_BY_NAME_KIND.invokeExact(handle, arena.allocateFrom(name), kind);
        } catch (Throwable t) {
            throw new IllegalStateException("btf__find_by_name_kind downcall failed", t);
        }
    }

    private MemorySegment typeById(int id) {
        try {
            return ((MemorySegment) LibbpfNative.BTF_TYPE_BY_ID.invokeExact(handle, id)).reinterpret(BTF_TYPE_BYTES);
        } catch (Throwable t) {
            throw new IllegalStateException("btf__type_by_id downcall failed", t);
        }
    }

    private String nameByOffset(int offset) {
        try {
            return ((MemorySegment) LibbpfNative.BTF_NAME_BY_OFFSET.invokeExact(handle, offset)).reinterpret(Long.MAX_VALUE)
                    .getString(0);
        } catch (Throwable t) {
            throw new IllegalStateException("btf__name_by_offset downcall failed", t);
        }
    }

    private long resolveSize(int typeId) {
        try {
            return (long) LibbpfNative.BTF_RESOLVE_SIZE.invokeExact(handle, typeId);
        } catch (Throwable t) {
            throw new IllegalStateException("btf__resolve_size downcall failed", t);
        }
    }

    @Override
    public void close() {
        if (!owned) {
            return;
        }
        try {
            LibbpfNative.BTF_FREE.invokeExact(handle);
        } catch (Throwable t) {
            throw new IllegalStateException("btf__free downcall failed", t);
        }
    }
}
