package dev.hauberk.event;

import static dev.hauberk.event.wire.WireLayouts.DETECTION;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.hauberk.event.wire.WireLayouts;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes ring buffer records into {@link KernelDetection}s. Offsets come from the
 * layouts in {@link WireLayouts}, never counted by hand.
 */
public final class DetectionDecoder {

    private static final long KIND = offset("header", "kind");
    private static final long RULE_ID = offset("header", "rule_id");
    private static final long ACTION = offset("header", "action");
    private static final long MODE = offset("header", "mode");
    private static final long PID = offset("header", "pid");
    private static final long CPU = offset("header", "cpu");
    private static final long TIME_NS = offset("header", "time_ns");

    private static final long P_EXEC_ID = offset("proc", "exec_id");
    private static final long P_START_NS = offset("proc", "start_ns");
    private static final long P_CGROUP_ID = offset("proc", "cgroup_id");
    private static final long P_EXE_INO = offset("proc", "exe_ino");
    private static final long P_EXE_DEV = offset("proc", "exe_dev");
    private static final long P_TGID = offset("proc", "tgid");
    private static final long P_PPID = offset("proc", "ppid");
    private static final long P_UID = offset("proc", "uid");
    private static final long P_EUID = offset("proc", "euid");
    private static final long P_GID = offset("proc", "gid");
    private static final long P_EGID = offset("proc", "egid");
    private static final long P_AUID = offset("proc", "auid");
    private static final long P_MNT_NS = offset("proc", "mnt_ns");
    private static final long P_PID_NS = offset("proc", "pid_ns");
    private static final long P_NET_NS = offset("proc", "net_ns");
    private static final long P_USER_NS = offset("proc", "user_ns");
    private static final long P_CGROUP_NS = offset("proc", "cgroup_ns");
    private static final long P_UTS_NS = offset("proc", "uts_ns");
    private static final long P_IPC_NS = offset("proc", "ipc_ns");
    private static final long P_FLAGS = offset("proc", "flags");
    private static final long P_PATH_LEN = offset("proc", "path_len");
    private static final long P_ARGS_LEN = offset("proc", "args_len");
    private static final long P_COMM = offset("proc", "comm");
    private static final long P_PATH = offset("proc", "path");
    private static final long P_ARGS = offset("proc", "args");

    private static final long A_EXEC_ID = offset("parent", "exec_id");
    private static final long A_TGID = offset("parent", "tgid");
    private static final long A_FLAGS = offset("parent", "flags");
    private static final long A_PATH_LEN = offset("parent", "path_len");
    private static final long A_SOURCE = offset("parent", "source");
    private static final long A_PATH = offset("parent", "path");

    private static final long DETECTION_BYTES = DETECTION.byteSize();

    // Ring records are 8-byte aligned, but a slice handed to a test may not be.
    private static final ValueLayout.OfShort JAVA_SHORT_UNALIGNED = JAVA_SHORT.withByteAlignment(1);
    private static final ValueLayout.OfInt JAVA_INT_UNALIGNED = JAVA_INT.withByteAlignment(1);
    private static final ValueLayout.OfLong JAVA_LONG_UNALIGNED = JAVA_LONG.withByteAlignment(1);

    private DetectionDecoder() {
    }

    private static long offset(String struct, String field) {
        return DETECTION.byteOffset(groupElement(struct), groupElement(field));
    }

    /** The kind of a record (enum hk_event_kind), or -1 when it is too short to have one. */
    public static int kind(MemorySegment record) {
        return record.byteSize() < 2 ? -1 : Short.toUnsignedInt(record.get(JAVA_SHORT_UNALIGNED, KIND));
    }

    /** Decodes a detection record; throws IllegalArgumentException when it is malformed. */
    public static KernelDetection decode(MemorySegment record) {
        if (record.byteSize() < DETECTION_BYTES) {
            throw new IllegalArgumentException("detection record of " + record.byteSize() + " bytes, expected "
                    + DETECTION_BYTES);
        }
        if (kind(record) != WireLayouts.EVENT_DETECTION) {
            throw new IllegalArgumentException("record kind " + kind(record) + " is not a detection");
        }
        ProcessInfo process = decodeProcess(record, record.get(JAVA_INT_UNALIGNED, PID));
        int parentPathLength = Short.toUnsignedInt(record.get(JAVA_SHORT_UNALIGNED, A_PATH_LEN));
        boolean parentFound = record.get(JAVA_SHORT_UNALIGNED, A_SOURCE) != 0;
        ParentInfo parent = new ParentInfo(
                record.get(JAVA_INT_UNALIGNED, A_TGID),
                parentFound ? record.get(JAVA_LONG_UNALIGNED, A_EXEC_ID) : 0,
                parentFound ? string(record, A_PATH, parentPathLength, WireLayouts.PATH_MAX) : null,
                ProcessFlag.fromBits(parentFound ? record.get(JAVA_INT_UNALIGNED, A_FLAGS) : 0));
        return new KernelDetection(
                Short.toUnsignedInt(record.get(JAVA_SHORT_UNALIGNED, RULE_ID)),
                Action.fromCode(Byte.toUnsignedInt(record.get(JAVA_BYTE, ACTION))),
                Byte.toUnsignedInt(record.get(JAVA_BYTE, MODE)),
                record.get(JAVA_INT_UNALIGNED, CPU),
                record.get(JAVA_LONG_UNALIGNED, TIME_NS),
                process,
                parent);
    }

    private static ProcessInfo decodeProcess(MemorySegment record, int pid) {
        int pathLength = Short.toUnsignedInt(record.get(JAVA_SHORT_UNALIGNED, P_PATH_LEN));
        int argsLength = Short.toUnsignedInt(record.get(JAVA_SHORT_UNALIGNED, P_ARGS_LEN));
        Namespaces namespaces = new Namespaces(
                unsigned(record, P_MNT_NS), unsigned(record, P_PID_NS), unsigned(record, P_NET_NS),
                unsigned(record, P_USER_NS), unsigned(record, P_CGROUP_NS), unsigned(record, P_UTS_NS),
                unsigned(record, P_IPC_NS));
        return new ProcessInfo(
                pid,
                record.get(JAVA_INT_UNALIGNED, P_TGID),
                record.get(JAVA_INT_UNALIGNED, P_PPID),
                record.get(JAVA_LONG_UNALIGNED, P_EXEC_ID),
                record.get(JAVA_LONG_UNALIGNED, P_START_NS),
                string(record, P_PATH, pathLength, WireLayouts.PATH_MAX),
                cString(record, P_COMM, WireLayouts.COMM_LEN),
                arguments(record, P_ARGS, argsLength),
                record.get(JAVA_INT_UNALIGNED, P_UID),
                record.get(JAVA_INT_UNALIGNED, P_EUID),
                record.get(JAVA_INT_UNALIGNED, P_GID),
                record.get(JAVA_INT_UNALIGNED, P_EGID),
                record.get(JAVA_INT_UNALIGNED, P_AUID),
                record.get(JAVA_INT_UNALIGNED, P_EXE_DEV),
                record.get(JAVA_LONG_UNALIGNED, P_EXE_INO),
                record.get(JAVA_LONG_UNALIGNED, P_CGROUP_ID),
                namespaces,
                ProcessFlag.fromBits(record.get(JAVA_INT_UNALIGNED, P_FLAGS)));
    }

    private static long unsigned(MemorySegment record, long offset) {
        return Integer.toUnsignedLong(record.get(JAVA_INT_UNALIGNED, offset));
    }

    /** A string of length bytes, clamped to capacity; bytes that are not UTF-8 become U+FFFD. */
    private static String string(MemorySegment record, long offset, int length, int capacity) {
        int n = Math.min(length, capacity);
        byte[] bytes = record.asSlice(offset, n).toArray(JAVA_BYTE);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String cString(MemorySegment record, long offset, int capacity) {
        byte[] bytes = record.asSlice(offset, capacity).toArray(JAVA_BYTE);
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /** Splits the NUL-separated argument block; a truncated last argument is kept as read. */
    private static List<String> arguments(MemorySegment record, long offset, int length) {
        int n = Math.min(length, WireLayouts.ARGS_MAX);
        byte[] bytes = record.asSlice(offset, n).toArray(JAVA_BYTE);
        List<String> args = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < n; i++) {
            if (bytes[i] == 0) {
                args.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < n) {
            args.add(new String(bytes, start, n - start, StandardCharsets.UTF_8));
        }
        return List.copyOf(args);
    }
}
