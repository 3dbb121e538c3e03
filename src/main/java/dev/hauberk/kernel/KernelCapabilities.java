package dev.hauberk.kernel;

import dev.hauberk.bpf.BpfException;
import dev.hauberk.bpf.BpfFs;
import dev.hauberk.bpf.BpfLink;
import dev.hauberk.bpf.BpfObject;
import dev.hauberk.bpf.Libbpf;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What this kernel offers for enforcement, probed once at start, each with the reason
 * when it is missing: BPF-LSM (bpf among the active LSMs and an LSM program that really
 * loads and attaches), a cgroup v2 mount for cgroup hooks, kernel BTF, the release.
 *
 * @param lsmReason    why BPF-LSM is unavailable, or null
 * @param cgroupV2Root where cgroup v2 is mounted, or null
 */
public record KernelCapabilities(
        String kernelRelease,
        boolean btf,
        List<String> activeLsms,
        boolean lsm,
        String lsmReason,
        Path cgroupV2Root) {

    public static final Path LSM_LIST = Path.of("/sys/kernel/security/lsm");
    static final String PROBE_RESOURCE = "/bpf/lsm_probe.bpf.o";

    /** Probes the running kernel. Mounts securityfs when it is not mounted, to read the LSM list. */
    public static KernelCapabilities probe() {
        List<String> lsms = readActiveLsms();
        String reason = null;
        if (!lsms.contains("bpf")) {
            reason = lsms.isEmpty() ? "the active LSM list (" + LSM_LIST + ") is unreadable"
                    : "bpf is not among the active LSMs (" + String.join(",", lsms) + "); boot with lsm=...,bpf";
        } else {
            try {
                // A refusal is the probe's answer, not a problem: keep libbpf's warnings out of the log.
                reason = Libbpf.quietly(() -> probeLsmProgram().orElse(null));
            } catch (Exception e) {
                reason = "the LSM probe failed: " + e.getMessage();
            }
        }
        return new KernelCapabilities(Preflight.kernelRelease(), Files.isReadable(Preflight.KERNEL_BTF), lsms,
                reason == null, reason, findCgroupV2Root().orElse(null));
    }

    private static List<String> readActiveLsms() {
        try {
            if (!Files.exists(LSM_LIST)) {
                BpfFs.mountIfAbsent("securityfs", Path.of("/sys/kernel/security"), "securityfs");
            }
            return Arrays.asList(Files.readString(LSM_LIST).strip().split(","));
        } catch (IOException | BpfException e) {
            return List.of();
        }
    }

    /** Loads and attaches the probe program; empty when both work, else the reason. */
    private static Optional<String> probeLsmProgram() {
        byte[] elf;
        try (InputStream in = KernelCapabilities.class.getResourceAsStream(PROBE_RESOURCE)) {
            if (in == null) {
                return Optional.of("the LSM probe object is missing from the jar");
            }
            elf = in.readAllBytes();
        } catch (IOException e) {
            return Optional.of("reading the LSM probe object failed: " + e.getMessage());
        }
        try (BpfObject probe = BpfObject.open("lsm_probe", elf)) {
            probe.load();
            try (BpfLink link = probe.requireProgram("hauberk_lsm_probe").attach()) {
                return Optional.empty();
            }
        } catch (BpfException e) {
            return Optional.of("an LSM program fails to " + (e.function().contains("attach") ? "attach" : "load") + ": "
                    + e.getMessage());
        }
    }

    private static Optional<Path> findCgroupV2Root() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                int separator = line.indexOf(" - ");
                if (separator > 0 && line.substring(separator + 3).startsWith("cgroup2 ")) {
                    return Optional.of(Path.of(line.substring(0, separator).split(" ")[4]));
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("kernel", kernelRelease)
                .put("btf", btf)
                .put("activeLsms", new io.vertx.core.json.JsonArray(List.copyOf(activeLsms)))
                .put("bpfLsm", lsm)
                .put("bpfLsmReason", lsmReason)
                .put("cgroupV2", cgroupV2Root == null ? null : cgroupV2Root.toString());
    }
}
