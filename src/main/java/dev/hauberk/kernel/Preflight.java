package dev.hauberk.kernel;

import dev.hauberk.bpf.LibC;
import dev.hauberk.bpf.Libbpf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Checks of what the daemon needs before it can load anything: root, capabilities, kernel
 * BTF, libbpf. Each check returns the one line an operator needs, or empty when it is met.
 */
public final class Preflight {

    public static final Path KERNEL_BTF = Path.of("/sys/kernel/btf/vmlinux");

    private Preflight() {
    }

    /** Returns the first unmet requirement, as one line with the fix, or empty. */
    public static Optional<String> firstProblem() {
        if (LibC.geteuid() != 0) {
            return Optional.of("Hauberk must run as root (effective uid is " + Integer.toUnsignedString(LibC.geteuid())
                    + "): loading BPF programs needs CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN");
        }
        Optional<String> capabilities = missingCapabilities();
        if (capabilities.isPresent()) {
            return capabilities;
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

    private static final int CAP_SYS_ADMIN = 21;
    private static final int CAP_PERFMON = 38;
    private static final int CAP_BPF = 39;

    /**
     * Returns which capabilities are missing when root's were dropped (a bounding set, an
     * unprivileged container), because loading then fails with a bare EPERM.
     */
    static Optional<String> missingCapabilities() {
        long effective;
        try {
            effective = Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(line -> line.startsWith("CapEff:"))
                    .map(line -> Long.parseUnsignedLong(line.substring(7).strip(), 16))
                    .findFirst().orElse(-1L);
        } catch (java.io.IOException | NumberFormatException e) {
            return Optional.empty();
        }
        boolean sysAdmin = (effective & (1L << CAP_SYS_ADMIN)) != 0;
        boolean bpf = (effective & (1L << CAP_BPF)) != 0 && (effective & (1L << CAP_PERFMON)) != 0;
        if (sysAdmin || bpf) {
            return Optional.empty();
        }
        return Optional.of("Hauberk runs as root but without the capabilities to load BPF programs (effective set 0x"
                + Long.toHexString(effective) + "): it needs CAP_SYS_ADMIN, or CAP_BPF with CAP_PERFMON; "
                + "check the service's CapabilityBoundingSet or the container's privileges");
    }

    /** Returns the running kernel's release, such as 6.1.0-27-amd64. */
    public static String kernelRelease() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (java.io.IOException e) {
            return System.getProperty("os.version");
        }
    }
}
