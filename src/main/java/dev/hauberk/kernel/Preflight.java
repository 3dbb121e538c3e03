package dev.hauberk.kernel;

import dev.hauberk.bpf.LibC;
import dev.hauberk.bpf.Libbpf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the daemon needs before it can load anything: root, kernel BTF, libbpf. Each
 * check returns the one line an operator needs, or empty when the requirement is met.
 */
public final class Preflight {

    public static final Path KERNEL_BTF = Path.of("/sys/kernel/btf/vmlinux");

    private Preflight() {
    }

    /** The first unmet requirement, as one line with the fix, or empty. */
    public static Optional<String> firstProblem() {
        if (LibC.geteuid() != 0) {
            return Optional.of("Hauberk must run as root (effective uid is " + Integer.toUnsignedString(LibC.geteuid())
                    + "): loading BPF programs needs CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN");
        }
        if (!Files.isReadable(KERNEL_BTF)) {
            return Optional.of("kernel BTF not found at " + KERNEL_BTF
                    + ": this kernel was built without CONFIG_DEBUG_INFO_BTF, which Hauberk's CO-RE programs require");
        }
        String libbpf = Libbpf.unavailabilityReason();
        if (libbpf != null) {
            return Optional.of(libbpf);
        }
        return Optional.empty();
    }

    /** The running kernel's release, such as 6.1.0-27-amd64. */
    public static String kernelRelease() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (java.io.IOException e) {
            return System.getProperty("os.version");
        }
    }
}
