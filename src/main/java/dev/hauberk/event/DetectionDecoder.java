package dev.hauberk.event;

import static dev.hauberk.event.wire.WireLayouts.ANCESTOR;
import static dev.hauberk.event.wire.WireLayouts.DETECTION;
import static dev.hauberk.event.wire.WireLayouts.EVENT_HEADER;
import static dev.hauberk.event.wire.WireLayouts.PROC;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.hauberk.event.wire.WireLayouts;
import dev.hauberk.event.wire.WireReader;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes detection records from the ring buffer into {@link KernelDetection}s. Offsets
 * come from the layouts in {@link WireLayouts}, never counted by hand.
 */
public final class DetectionDecoder {

    private static final WireReader HEADER = new WireReader(EVENT_HEADER);
    private static final WireReader PROCESS = new WireReader(PROC);
    private static final WireReader ANCESTOR_FIELDS = new WireReader(ANCESTOR);
    private static final WireReader RECORD = new WireReader(DETECTION);
    private static final WireReader TARGET_FIELDS = new WireReader(WireLayouts.TARGET);
    private static final long TARGET_BASE = DETECTION.byteOffset(groupElement("target"));

    private static final long HEADER_BASE = DETECTION.byteOffset(groupElement("header"));
    private static final long PROC_BASE = DETECTION.byteOffset(groupElement("proc"));
    private static final long ANCESTORS_BASE = WireLayouts.DETECTION_ANCESTORS_OFFSET;
    private static final long ANCESTOR_BYTES = ANCESTOR.byteSize();

    private DetectionDecoder() {
    }

    /** Returns the kind of a record (enum hk_event_kind), or -1 when it is too short to have one. */
    public static int kind(MemorySegment record) {
        return record.byteSize() < EVENT_HEADER.byteSize() ? -1
                : Short.toUnsignedInt(record.get(JAVA_SHORT.withByteAlignment(1), 0));
    }

    /** Decodes a detection record; throws IllegalArgumentException when it is malformed. */
    public static KernelDetection decode(MemorySegment record) {
        if (record.byteSize() < ANCESTORS_BASE) {
            throw new IllegalArgumentException("detection record of " + record.byteSize() + " bytes, expected at least "
                    + ANCESTORS_BASE);
        }
        if (kind(record) != WireLayouts.EVENT_DETECTION) {
            throw new IllegalArgumentException("record kind " + kind(record) + " is not a detection");
        }
        int count = RECORD.s32(record, 0, "ancestor_count");
        if (count < 0 || count > WireLayouts.ANCESTRY_MAX || record.byteSize() < ANCESTORS_BASE + count * ANCESTOR_BYTES) {
            throw new IllegalArgumentException("detection record of " + record.byteSize() + " bytes cannot hold "
                    + count + " ancestors");
        }
        List<AncestorInfo> ancestors = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ancestors.add(ancestor(record, ANCESTORS_BASE + i * ANCESTOR_BYTES));
        }
        return new KernelDetection(
                HEADER.u16(record, HEADER_BASE, "rule_id"),
                Action.fromCode(HEADER.u8(record, HEADER_BASE, "action")),
                HEADER.u8(record, HEADER_BASE, "mode"),
                HEADER.s32(record, HEADER_BASE, "cpu"),
                HEADER.u64(record, HEADER_BASE, "time_ns"),
                HEADER.u32(record, HEADER_BASE, "generation"),
                process(record, PROC_BASE, HEADER.s32(record, HEADER_BASE, "pid")),
                target(record, TARGET_BASE),
                List.copyOf(ancestors));
    }

    static ProcessInfo process(MemorySegment record, long base, int pid) {
        WireReader p = PROCESS;
        int flags = p.s32(record, base, "flags");
        boolean script = (flags & ProcessFlag.SCRIPT.bit()) != 0;
        Namespaces namespaces = new Namespaces(
                p.u32(record, base, "mnt_ns"), p.u32(record, base, "pid_ns"), p.u32(record, base, "net_ns"),
                p.u32(record, base, "user_ns"), p.u32(record, base, "cgroup_ns"), p.u32(record, base, "uts_ns"),
                p.u32(record, base, "ipc_ns"));
        return new ProcessInfo(
                pid,
                p.s32(record, base, "tgid"),
                p.s32(record, base, "ppid"),
                p.u64(record, base, "exec_id"),
                p.u64(record, base, "parent_exec_id"),
                p.u64(record, base, "start_ns"),
                reported(p.string(record, base, "path", p.u16(record, base, "path_len")), flags),
                script ? p.string(record, base, "script", p.u16(record, base, "script_len")) : null,
                p.string(record, base, "cwd", p.u16(record, base, "cwd_len")),
                p.cString(record, base, "comm"),
                p.arguments(record, base, "args", p.u16(record, base, "args_len")),
                p.s32(record, base, "uid"),
                p.s32(record, base, "euid"),
                p.s32(record, base, "gid"),
                p.s32(record, base, "egid"),
                p.s32(record, base, "auid"),
                p.s32(record, base, "exe_dev"),
                p.u64(record, base, "exe_ino"),
                p.u64(record, base, "cgroup_id"),
                namespaces,
                ProcessFlag.fromBits(flags));
    }

    /** Decodes the target of the action, or returns null for an exec rule. */
    private static TargetInfo target(MemorySegment record, long base) {
        WireReader t = TARGET_FIELDS;
        return switch (t.u16(record, base, "kind")) {
            case WireLayouts.TARGET_NETWORK -> TargetInfo.Network.of(
                    record.asSlice(base + t.offset("addr"), 16).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                    t.u16(record, base, "port"), t.u16(record, base, "family"));
            case WireLayouts.TARGET_FILE -> new TargetInfo.File(
                    t.string(record, base, "path", t.u16(record, base, "path_len")),
                    t.s32(record, base, "file_dev"), t.u64(record, base, "file_ino"), t.s32(record, base, "file_flags"));
            default -> null;
        };
    }

    /** The symbol that starts a path the kernel cut: its head is missing, so it is not an absolute path. */
    public static final String TRUNCATION_MARK = "\u2026";

    /** Marks a path the kernel cut, which keeps only its tail, so it cannot pass for an absolute path. */
    private static String reported(String path, int flags) {
        return (flags & ProcessFlag.PATH_TRUNCATED.bit()) != 0 ? TRUNCATION_MARK + path : path;
    }

    private static AncestorInfo ancestor(MemorySegment record, long base) {
        WireReader a = ANCESTOR_FIELDS;
        return new AncestorInfo(
                a.s32(record, base, "tgid"),
                a.s32(record, base, "ppid"),
                a.u64(record, base, "exec_id"),
                a.u64(record, base, "start_ns"),
                reported(a.string(record, base, "path", a.u16(record, base, "path_len")), a.s32(record, base, "flags")),
                a.arguments(record, base, "args", a.u16(record, base, "args_len")),
                a.u32(record, base, "mnt_ns"),
                ProcessFlag.fromBits(a.s32(record, base, "flags")),
                AncestorInfo.Source.fromCode(a.u16(record, base, "source")));
    }
}
