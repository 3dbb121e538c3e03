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
    public static final int SCHEMA_VERSION = 3;
    public static final int COMM_LEN = 16;
    public static final int PATH_MAX = 512;
    public static final int ARGS_MAX = 256;
    public static final int CWD_MAX = 256;
    public static final int SCRIPT_MAX = 256;
    public static final int CGROUP_PATH_MAX = 256;
    public static final int CGROUP_NAME_MAX = 128;
    public static final int ANCESTRY_MAX = 16;
    public static final int TARGET_PATH_MAX = 256;

    /** Mirrors struct hk_proc. */
    public static final StructLayout PROC = MemoryLayout.structLayout(
            JAVA_LONG.withName("exec_id"),
            JAVA_LONG.withName("parent_exec_id"),
            JAVA_LONG.withName("start_ns"),
            JAVA_LONG.withName("cgroup_id"),
            JAVA_LONG.withName("exe_ino"),
            JAVA_LONG.withName("exe_hash"),
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
            JAVA_SHORT.withName("cwd_len"),
            JAVA_SHORT.withName("script_len"),
            MemoryLayout.sequenceLayout(COMM_LEN, JAVA_BYTE).withName("comm"),
            MemoryLayout.sequenceLayout(PATH_MAX, JAVA_BYTE).withName("path"),
            MemoryLayout.sequenceLayout(ARGS_MAX, JAVA_BYTE).withName("args"),
            MemoryLayout.sequenceLayout(CWD_MAX, JAVA_BYTE).withName("cwd"),
            MemoryLayout.sequenceLayout(SCRIPT_MAX, JAVA_BYTE).withName("script")).withName("hk_proc");

    /** Mirrors struct hk_ancestor. */
    public static final StructLayout ANCESTOR = MemoryLayout.structLayout(
            JAVA_LONG.withName("exec_id"),
            JAVA_LONG.withName("parent_exec_id"),
            JAVA_LONG.withName("start_ns"),
            JAVA_INT.withName("tgid"),
            JAVA_INT.withName("ppid"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("mnt_ns"),
            JAVA_SHORT.withName("path_len"),
            JAVA_SHORT.withName("args_len"),
            JAVA_SHORT.withName("source"),
            JAVA_SHORT.withName("pad0"),
            MemoryLayout.sequenceLayout(PATH_MAX, JAVA_BYTE).withName("path"),
            MemoryLayout.sequenceLayout(ARGS_MAX, JAVA_BYTE).withName("args")).withName("hk_ancestor");

    /** Mirrors struct hk_event_header. */
    public static final StructLayout EVENT_HEADER = MemoryLayout.structLayout(
            JAVA_SHORT.withName("kind"),
            JAVA_SHORT.withName("rule_id"),
            JAVA_BYTE.withName("action"),
            JAVA_BYTE.withName("mode"),
            JAVA_SHORT.withName("pad0"),
            JAVA_INT.withName("pid"),
            JAVA_INT.withName("cpu"),
            JAVA_LONG.withName("time_ns"),
            JAVA_INT.withName("generation"),
            JAVA_INT.withName("pad1")).withName("hk_event_header");

    /** Mirrors struct hk_target. */
    public static final StructLayout TARGET = MemoryLayout.structLayout(
            JAVA_SHORT.withName("kind"),
            JAVA_SHORT.withName("family"),
            JAVA_SHORT.withName("port"),
            JAVA_SHORT.withName("path_len"),
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("addr"),
            JAVA_LONG.withName("file_ino"),
            JAVA_INT.withName("file_dev"),
            JAVA_INT.withName("file_flags"),
            MemoryLayout.sequenceLayout(TARGET_PATH_MAX, JAVA_BYTE).withName("path")).withName("hk_target");

    /** Mirrors struct hk_detection; a record carries only ancestor_count ancestors. */
    public static final StructLayout DETECTION = MemoryLayout.structLayout(
            EVENT_HEADER.withName("header"),
            PROC.withName("proc"),
            TARGET.withName("target"),
            JAVA_INT.withName("ancestor_count"),
            JAVA_INT.withName("pad0"),
            MemoryLayout.sequenceLayout(ANCESTRY_MAX, ANCESTOR).withName("ancestors")).withName("hk_detection");

    /** Mirrors struct hk_cgroup_event. */
    public static final StructLayout CGROUP_EVENT = MemoryLayout.structLayout(
            EVENT_HEADER.withName("header"),
            JAVA_LONG.withName("cgroup_id"),
            JAVA_INT.withName("op"),
            JAVA_INT.withName("level"),
            JAVA_SHORT.withName("path_len"),
            JAVA_SHORT.withName("pad0"),
            JAVA_INT.withName("pad1"),
            MemoryLayout.sequenceLayout(CGROUP_PATH_MAX, JAVA_BYTE).withName("path")).withName("hk_cgroup_event");

    /** Mirrors struct hk_container. */
    public static final StructLayout CONTAINER = MemoryLayout.structLayout(
            JAVA_LONG.withName("cgroup_id"),
            JAVA_LONG.withName("first_exec_ns"),
            JAVA_LONG.withName("image_id_hash"),
            JAVA_LONG.withName("container_id_hash"),
            JAVA_INT.withName("mnt_ns"),
            JAVA_INT.withName("pid_ns"),
            JAVA_INT.withName("net_ns"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("first_tgid"),
            JAVA_SHORT.withName("name_len"),
            JAVA_SHORT.withName("pad0"),
            MemoryLayout.sequenceLayout(CGROUP_NAME_MAX, JAVA_BYTE).withName("name")).withName("hk_container");

    /** Mirrors struct hk_container_event. */
    public static final StructLayout CONTAINER_EVENT = MemoryLayout.structLayout(
            EVENT_HEADER.withName("header"),
            CONTAINER.withName("container")).withName("hk_container_event");

    /** Every mirrored struct, by its C name. */
    public static final Map<String, StructLayout> ALL = Map.of(
            "hk_proc", PROC,
            "hk_ancestor", ANCESTOR,
            "hk_event_header", EVENT_HEADER,
            "hk_target", TARGET,
            "hk_detection", DETECTION,
            "hk_cgroup_event", CGROUP_EVENT,
            "hk_container", CONTAINER,
            "hk_container_event", CONTAINER_EVENT);

    /** Mirrors enum hk_event_kind. */
    public static final int EVENT_DETECTION = 1;
    public static final int EVENT_CGROUP = 2;
    public static final int EVENT_CONTAINER_EXEC = 3;

    /** Mirrors enum hk_target_kind. */
    public static final int TARGET_NONE = 0;
    public static final int TARGET_NETWORK = 1;
    public static final int TARGET_FILE = 2;

    /** Mirrors enum hk_cgroup_op. */
    public static final int CGROUP_MKDIR = 1;
    public static final int CGROUP_RMDIR = 2;

    /** Byte offset of the first ancestor in a detection record. */
    public static final long DETECTION_ANCESTORS_OFFSET = DETECTION.byteOffset(groupElement("ancestors"));

    private WireLayouts() {
    }

    static long offset(StructLayout layout, String field) {
        return layout.byteOffset(groupElement(field));
    }
}
