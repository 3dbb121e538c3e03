package dev.hauberk.bpf;

import java.util.Map;

/** Names of the Linux errno values that BPF and file system calls return. */
public final class Errno {

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int ENOTDIR = 20;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int E2BIG = 7;
    public static final int ENOSYS = 38;
    public static final int ENOTSUP = 95;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EPERM, "EPERM"),
            Map.entry(ENOENT, "ENOENT"),
            Map.entry(ESRCH, "ESRCH"),
            Map.entry(EINTR, "EINTR"),
            Map.entry(5, "EIO"),
            Map.entry(6, "ENXIO"),
            Map.entry(E2BIG, "E2BIG"),
            Map.entry(8, "ENOEXEC"),
            Map.entry(EBADF, "EBADF"),
            Map.entry(EAGAIN, "EAGAIN"),
            Map.entry(ENOMEM, "ENOMEM"),
            Map.entry(EACCES, "EACCES"),
            Map.entry(EFAULT, "EFAULT"),
            Map.entry(EBUSY, "EBUSY"),
            Map.entry(EEXIST, "EEXIST"),
            Map.entry(ENODEV, "ENODEV"),
            Map.entry(ENOTDIR, "ENOTDIR"),
            Map.entry(21, "EISDIR"),
            Map.entry(EINVAL, "EINVAL"),
            Map.entry(24, "EMFILE"),
            Map.entry(ENOSPC, "ENOSPC"),
            Map.entry(30, "EROFS"),
            Map.entry(34, "ERANGE"),
            Map.entry(ENOSYS, "ENOSYS"),
            Map.entry(ENOTSUP, "EOPNOTSUPP"),
            Map.entry(110, "ETIMEDOUT"),
            Map.entry(524, "ENOTSUPP"),
            Map.entry(4007, "LIBBPF_ERRNO__FORMAT"),
            Map.entry(4009, "LIBBPF_ERRNO__KVERSION"),
            Map.entry(4010, "LIBBPF_ERRNO__ENDIAN"),
            Map.entry(4011, "LIBBPF_ERRNO__INTERNAL"),
            Map.entry(4012, "LIBBPF_ERRNO__RELOC"),
            Map.entry(4013, "LIBBPF_ERRNO__LOAD"),
            Map.entry(4014, "LIBBPF_ERRNO__VERIFY"),
            Map.entry(4015, "LIBBPF_ERRNO__PROG2BIG"),
            Map.entry(4016, "LIBBPF_ERRNO__KVER"),
            Map.entry(4017, "LIBBPF_ERRNO__PROGTYPE"),
            Map.entry(4018, "LIBBPF_ERRNO__WRNGPID"),
            Map.entry(4019, "LIBBPF_ERRNO__INVSEQ"),
            Map.entry(4020, "LIBBPF_ERRNO__NLPARSE"));

    private Errno() {
    }

    /** Returns the symbolic name of an errno value, such as "EPERM", or "errno N" when unknown. */
    public static String name(int errno) {
        return NAMES.getOrDefault(Math.abs(errno), "errno " + Math.abs(errno));
    }
}
