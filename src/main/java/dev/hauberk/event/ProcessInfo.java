package dev.hauberk.event;

import java.util.List;
import java.util.Set;

/**
 * A process as the kernel's process table described it when the detection was made.
 *
 * @param pid       thread id of the acting task
 * @param execId    boot-time ns of the exec (or fork) that created the entry; with tgid it
 *                  names one process image even after its pid is reused
 * @param startNs   boot-time ns at which the task started
 * @param exeDevice st_dev in the kernel's encoding (major << 20 | minor)
 * @param auid      login uid, -1 when unset
 */
public record ProcessInfo(
        int pid,
        int tgid,
        int ppid,
        long execId,
        long startNs,
        String exe,
        String comm,
        List<String> args,
        int uid,
        int euid,
        int gid,
        int egid,
        int auid,
        int exeDevice,
        long exeInode,
        long cgroupId,
        Namespaces namespaces,
        Set<ProcessFlag> flags) {
}
