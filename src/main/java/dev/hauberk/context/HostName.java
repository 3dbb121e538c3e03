package dev.hauberk.context;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The host name for detections, read from the kernel rather than resolved through DNS. */
public final class HostName {

    private HostName() {
    }

    /** configured when not empty, else the kernel's host name (UTS namespace of the daemon). */
    public static String resolve(String configured) {
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
