package dev.hauberk.event;

import java.util.List;
import java.util.Set;

/**
 * A process as the kernel's process table described it when the detection was made.
 *
 * @param pid          thread id of the acting task
 * @param execId       boot-time ns of the exec (or fork) that created the entry; with tgid it
 *                     names one process image even after its pid is reused
 * @param parentExecId execId of the parent's image when this process was forked
 * @param startNs      boot-time ns at which the task started
 * @param exe          the executable as the process sees it; the interpreter for a script
 * @param script       the script named to execve, or null when the exec was not of a script;
 *                     relative as given when it was relative (see cwd)
 * @param cwd          working directory at exec, as the process sees it
 * @param exeDevice    st_dev in the kernel's encoding (major << 20 | minor)
 * @param auid         login uid, -1 when unset
 */
public record ProcessInfo(
        int pid,
        int tgid,
        int ppid,
        long execId,
        long parentExecId,
        long startNs,
        String exe,
        String script,
        String cwd,
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
