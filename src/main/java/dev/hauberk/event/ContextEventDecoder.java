package dev.hauberk.event;

import static dev.hauberk.event.wire.WireLayouts.CGROUP_EVENT;
import static dev.hauberk.event.wire.WireLayouts.CONTAINER;
import static dev.hauberk.event.wire.WireLayouts.CONTAINER_EVENT;
import static dev.hauberk.event.wire.WireLayouts.EVENT_HEADER;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import dev.hauberk.event.wire.WireLayouts;
import dev.hauberk.event.wire.WireReader;
import java.lang.foreign.MemorySegment;

/** Decodes the context records (enum hk_event_kind CGROUP and CONTAINER_EXEC). */
public final class ContextEventDecoder {

    private static final WireReader HEADER = new WireReader(EVENT_HEADER);
    private static final WireReader CGROUP = new WireReader(CGROUP_EVENT);
    private static final WireReader CONTAINER_FIELDS = new WireReader(CONTAINER);
    private static final long CONTAINER_BASE = CONTAINER_EVENT.byteOffset(groupElement("container"));

    private ContextEventDecoder() {
    }

    /** Decodes a context record; throws IllegalArgumentException for a detection or a malformed record. */
    public static ContextEvent decode(MemorySegment record) {
        int kind = DetectionDecoder.kind(record);
        if (kind == WireLayouts.EVENT_CGROUP) {
            requireSize(record, CGROUP_EVENT.byteSize());
            int op = CGROUP.s32(record, 0, "op");
            if (op != WireLayouts.CGROUP_MKDIR && op != WireLayouts.CGROUP_RMDIR) {
                throw new IllegalArgumentException("unknown cgroup operation " + op);
            }
            return new ContextEvent.Cgroup(
                    op == WireLayouts.CGROUP_MKDIR,
                    CGROUP.u64(record, 0, "cgroup_id"),
                    CGROUP.s32(record, 0, "level"),
                    CGROUP.string(record, 0, "path", CGROUP.u16(record, 0, "path_len")),
                    HEADER.u64(record, 0, "time_ns"));
        }
        if (kind == WireLayouts.EVENT_CONTAINER_EXEC) {
            requireSize(record, CONTAINER_EVENT.byteSize());
            WireReader c = CONTAINER_FIELDS;
            long base = CONTAINER_BASE;
            return new ContextEvent.ContainerExec(
                    c.u64(record, base, "cgroup_id"),
                    c.u64(record, base, "first_exec_ns"),
                    c.u32(record, base, "mnt_ns"),
                    c.u32(record, base, "pid_ns"),
                    c.u32(record, base, "net_ns"),
                    c.s32(record, base, "first_tgid"),
                    c.string(record, base, "name", c.u16(record, base, "name_len")));
        }
        throw new IllegalArgumentException("record kind " + kind + " is not a context event");
    }

    private static void requireSize(MemorySegment record, long expected) {
        if (record.byteSize() < expected) {
            throw new IllegalArgumentException("context record of " + record.byteSize() + " bytes, expected " + expected);
        }
    }
}
