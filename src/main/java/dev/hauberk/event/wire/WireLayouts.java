package dev.hauberk.event.wire;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.util.Map;

/**
 * Java mirrors of the wire structs in bpf/lib/events.h, field for field with the C
 * names. WireLayoutTest checks each one against the BTF of the built object.
 */
public final class WireLayouts {

    /** Mirrors HK_SCHEMA_VERSION. */
    public static final int SCHEMA_VERSION = 1;
    public static final int COMM_LEN = 16;
    public static final int PATH_MAX = 512;
    public static final int ARGS_MAX = 256;

    /** Mirrors struct hk_proc. */
    public static final StructLayout PROC = MemoryLayout.structLayout(
            JAVA_LONG.withName("exec_id"),
            JAVA_LONG.withName("start_ns"),
            JAVA_LONG.withName("cgroup_id"),
            JAVA_LONG.withName("exe_ino"),
            JAVA_INT.withName("exe_dev"),
            JAVA_INT.withName("tgid"),
            JAVA_INT.withName("ppid"),
            JAVA_INT.withName("uid"),
            JAVA_INT.withName("euid"),
            JAVA_INT.withName("gid"),
            JAVA_INT.withName("egid"),
            JAVA_INT.withName("auid"),
            JAVA_INT.withName("mnt_ns"),
            JAVA_INT.withName("pid_ns"),
            JAVA_INT.withName("net_ns"),
            JAVA_INT.withName("user_ns"),
            JAVA_INT.withName("cgroup_ns"),
            JAVA_INT.withName("uts_ns"),
            JAVA_INT.withName("ipc_ns"),
            JAVA_INT.withName("flags"),
            JAVA_SHORT.withName("path_len"),
            JAVA_SHORT.withName("args_len"),
            JAVA_INT.withName("pad0"),
            MemoryLayout.sequenceLayout(COMM_LEN, JAVA_BYTE).withName("comm"),
            MemoryLayout.sequenceLayout(PATH_MAX, JAVA_BYTE).withName("path"),
            MemoryLayout.sequenceLayout(ARGS_MAX, JAVA_BYTE).withName("args")).withName("hk_proc");

    /** Mirrors struct hk_parent. */
    public static final StructLayout PARENT = MemoryLayout.structLayout(
            JAVA_LONG.withName("exec_id"),
            JAVA_INT.withName("tgid"),
            JAVA_INT.withName("flags"),
            JAVA_SHORT.withName("path_len"),
            JAVA_SHORT.withName("source"),
            JAVA_INT.withName("pad0"),
            MemoryLayout.sequenceLayout(PATH_MAX, JAVA_BYTE).withName("path")).withName("hk_parent");

    /** Mirrors struct hk_event_header. */
    public static final StructLayout EVENT_HEADER = MemoryLayout.structLayout(
            JAVA_SHORT.withName("kind"),
            JAVA_SHORT.withName("rule_id"),
            JAVA_BYTE.withName("action"),
            JAVA_BYTE.withName("mode"),
            JAVA_SHORT.withName("pad0"),
            JAVA_INT.withName("pid"),
            JAVA_INT.withName("cpu"),
            JAVA_LONG.withName("time_ns")).withName("hk_event_header");

    /** Mirrors struct hk_detection. */
    public static final StructLayout DETECTION = MemoryLayout.structLayout(
            EVENT_HEADER.withName("header"),
            PROC.withName("proc"),
            PARENT.withName("parent")).withName("hk_detection");

    /** Every mirrored struct, by its C name. */
    public static final Map<String, StructLayout> ALL = Map.of(
            "hk_proc", PROC,
            "hk_parent", PARENT,
            "hk_event_header", EVENT_HEADER,
            "hk_detection", DETECTION);

    /** Mirrors enum hk_event_kind. */
    public static final int EVENT_DETECTION = 1;

    private WireLayouts() {
    }

    static long offset(StructLayout layout, String field) {
        return layout.byteOffset(groupElement(field));
    }
}
