package dev.hauberk.loadtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The baseline of the recovery benchmark: what a daemon without BPF would read from
 * /proc to learn the facts that rebuild_process_table stores for each running process.
 * Processes that exit during the walk, and zombies, are skipped, as the iterator skips
 * tasks without an executable.
 */
final class ProcWalk {

    private static final Path PROC = Path.of("/proc");
    /** Mirrors PF_KTHREAD in bpf/iter.bpf.c: the iterator skips kernel threads too. */
    private static final long PF_KTHREAD = 0x00200000;
    private static final List<String> NAMESPACES = List.of("mnt", "pid", "net", "user", "cgroup", "uts", "ipc");

    /**
     * One process, as read from /proc.
     *
     * @param startTicks start time after boot, in clock ticks (field 22 of /proc/PID/stat)
     * @param uids       real, effective, saved and file system uids
     * @param gids       real, effective, saved and file system gids
     * @param args       the argument vector, NUL-separated as in /proc/PID/cmdline
     * @param namespaces namespace inode numbers, in the order of {@link #NAMESPACES}
     * @param cgroup     the contents of /proc/PID/cgroup
     */
    record ProcessFacts(int pid, int ppid, long startTicks, int[] uids, int[] gids, String exe, String cwd, byte[] args,
                        long[] namespaces, String cgroup) {
    }

    /** The processes read by one walk, and the number skipped because they exited or were zombies. */
    record Result(Map<Integer, ProcessFacts> processes, int skipped) {
    }

    private ProcWalk() {
    }

    /** Lists /proc and reads every user-space process in it. */
    static Result walk() throws IOException {
        Map<Integer, ProcessFacts> processes = new HashMap<>();
        int skipped = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
            for (Path entry : entries) {
                int pid = parsePid(entry.getFileName().toString());
                if (pid <= 0) {
                    continue;
                }
                try {
                    ProcessFacts facts = read(pid, entry);
                    if (facts != null) {
                        processes.put(pid, facts);
                    }
                } catch (FileSystemException e) {
                    // The process exited during the walk (ENOENT, ESRCH), or is a zombie without an executable.
                    skipped++;
                }
            }
        }
        return new Result(processes, skipped);
    }

    /** Returns the pid that a /proc entry is named for, or -1 for entries that are not processes. */
    private static int parsePid(String name) {
        if (name.isEmpty() || name.length() > 9) {
            return -1;
        }
        int pid = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            pid = pid * 10 + (c - '0');
        }
        return pid;
    }

    /** Reads one process; returns null for a kernel thread. */
    private static ProcessFacts read(int pid, Path dir) throws IOException {
        // The command name in parentheses may contain spaces and parentheses, so fields count from the last ')'.
        String stat = Files.readString(dir.resolve("stat"), StandardCharsets.ISO_8859_1);
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields[0] is field 3 of proc_pid_stat(5): state; ppid is field 4, flags 9, starttime 22.
        long flags = Long.parseLong(fields[6]);
        if ((flags & PF_KTHREAD) != 0) {
            return null;
        }
        int ppid = Integer.parseInt(fields[1]);
        long startTicks = Long.parseLong(fields[19]);

        int[] uids = null;
        int[] gids = null;
        for (String line : Files.readAllLines(dir.resolve("status"), StandardCharsets.ISO_8859_1)) {
            if (line.startsWith("Uid:")) {
                uids = parseIds(line);
            } else if (line.startsWith("Gid:")) {
                gids = parseIds(line);
                break;
            }
        }
        if (uids == null || gids == null) {
            throw new IOException("/proc/" + pid + "/status has no Uid: or Gid: line");
        }

        String exe = Files.readSymbolicLink(dir.resolve("exe")).toString();
        String cwd = Files.readSymbolicLink(dir.resolve("cwd")).toString();
        byte[] args = Files.readAllBytes(dir.resolve("cmdline"));
        long[] namespaces = new long[NAMESPACES.size()];
        for (int i = 0; i < namespaces.length; i++) {
            namespaces[i] = parseNamespace(Files.readSymbolicLink(dir.resolve("ns").resolve(NAMESPACES.get(i))).toString());
        }
        String cgroup = Files.readString(dir.resolve("cgroup"), StandardCharsets.ISO_8859_1);
        return new ProcessFacts(pid, ppid, startTicks, uids, gids, exe, cwd, args, namespaces, cgroup);
    }

    /** Parses "Uid:\t0\t0\t0\t0" into its four ids. */
    private static int[] parseIds(String line) {
        String[] parts = line.substring(4).strip().split("\\s+");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            ids[i] = Integer.parseUnsignedInt(parts[i]);
        }
        return ids;
    }

    /** Parses the inode number out of a namespace link such as "mnt:[4026531841]". */
    private static long parseNamespace(String link) {
        int open = link.indexOf('[');
        int close = link.indexOf(']', open + 1);
        if (open < 0 || close < 0) {
            throw new IllegalStateException("unexpected namespace link '" + link + "'");
        }
        return Long.parseLong(link, open + 1, close, 10);
    }
}
