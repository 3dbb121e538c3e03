package dev.hauberk.bpf;

/**
 * A failed libbpf or system call: the function, the errno name and number, and for a
 * program load the verifier log that the kernel returned.
 */
public class BpfException extends Exception {

    private final String function;
    private final int errno;
    private final String verifierLog;

    public BpfException(String function, int errno, String detail) {
        this(function, errno, detail, "");
    }

    public BpfException(String function, int errno, String detail, String verifierLog) {
        super(format(function, errno, detail));
        this.function = function;
        this.errno = Math.abs(errno);
        this.verifierLog = verifierLog == null ? "" : verifierLog;
    }

    private static String format(String function, int errno, String detail) {
        String base = function + " failed: " + Errno.name(errno) + " (" + Math.abs(errno) + ")";
        return detail == null || detail.isEmpty() ? base : base + ": " + detail;
    }

    /** The libbpf or libc function that failed. */
    public String function() {
        return function;
    }

    /** The positive errno value. */
    public int errno() {
        return errno;
    }

    /** The verifier log of a failed program load, or an empty string. */
    public String verifierLog() {
        return verifierLog;
    }
}
