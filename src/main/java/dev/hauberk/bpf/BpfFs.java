package dev.hauberk.bpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The BPF file system (bpffs) where programs' links and maps are pinned to outlive the daemon. */
public final class BpfFs {

    private BpfFs() {
    }

    /** Whether path is the mount point of a bpffs. */
    public static boolean isMounted(Path path) throws IOException {
        String target = " " + path.toAbsolutePath().normalize() + " ";
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .anyMatch(line -> line.contains(target) && line.contains(" - bpf "));
    }

    /** Mounts a pseudo file system of type on mountPoint unless one of that type is mounted there. */
    public static void mountIfAbsent(String source, Path mountPoint, String type) throws IOException, BpfException {
        String target = " " + mountPoint.toAbsolutePath().normalize() + " ";
        boolean mounted = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .anyMatch(line -> line.contains(target) && line.contains(" - " + type + " "));
        if (!mounted) {
            LibC.mount(source, mountPoint.toString(), type);
        }
    }

    /** Mounts a bpffs on mountPoint unless one is there, as systemd does at boot on most distributions. */
    public static void ensureMounted(Path mountPoint) throws IOException, BpfException {
        if (isMounted(mountPoint)) {
            return;
        }
        Files.createDirectories(mountPoint);
        LibC.mount("bpf", mountPoint.toString(), "bpf");
    }
}
