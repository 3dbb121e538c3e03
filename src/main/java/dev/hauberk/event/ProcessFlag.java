package dev.hauberk.event;

import java.util.EnumSet;
import java.util.Set;

/** Mirrors enum hk_proc_flag: what the kernel noticed about a process or its executable. */
public enum ProcessFlag {
    MEMFD(1, "memfd"),
    DELETED(1 << 1, "deleted"),
    WORLD_WRITABLE_DIR(1 << 2, "world-writable-dir"),
    PATH_TRUNCATED(1 << 3, "path-truncated"),
    ARGS_TRUNCATED(1 << 4, "args-truncated"),
    PATH_UNREADABLE(1 << 5, "path-unreadable"),
    NO_EXEC_SEEN(1 << 6, "no-exec-seen"),
    SCRIPT(1 << 7, "script"),
    OVERLAY_UPPER(1 << 8, "overlay-upper-layer"),
    CWD_TRUNCATED(1 << 9, "cwd-truncated"),
    SCRIPT_TRUNCATED(1 << 10, "script-truncated"),
    EXEC_FD(1 << 11, "exec-fd"),
    FOREIGN_ROOT(1 << 12, "chroot"),
    FS_RELATIVE_PATH(1 << 13, "fs-relative-path");

    private final int bit;
    private final String jsonName;

    ProcessFlag(int bit, String jsonName) {
        this.bit = bit;
        this.jsonName = jsonName;
    }

    public int bit() {
        return bit;
    }

    /** The name used in detection JSON. */
    public String jsonName() {
        return jsonName;
    }

    public static Set<ProcessFlag> fromBits(int bits) {
        EnumSet<ProcessFlag> flags = EnumSet.noneOf(ProcessFlag.class);
        for (ProcessFlag flag : values()) {
            if ((bits & flag.bit) != 0) {
                flags.add(flag);
            }
        }
        return flags;
    }
}
