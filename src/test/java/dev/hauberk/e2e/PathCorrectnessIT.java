package dev.hauberk.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hauberk.testing.KernelTests;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executable's path as the kernel resolves it, for every way a program can be
 * named: through a symlink, relative to the working directory, by file descriptor, as
 * a #! script, and inside a chroot. Each behaviour runs from /dev/shm so that the
 * world-writable rule reports it.
 */
class PathCorrectnessIT {

    private static final String RULE = "exec-world-writable-dir";

    @TempDir
    static Path workDir;
    private static DaemonProcess daemon;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        KernelTests.requireKernel();
        daemon = DaemonProcess.start(workDir, Map.of());
        dir = Files.createDirectory(Path.of("/dev/shm/hk-paths-" + UUID.randomUUID()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Path copyOf(String source, Path target) throws Exception {
        Files.copy(Path.of(source), target, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        return target;
    }

    private static JsonObject detectionOf(long pid) throws Exception {
        return daemon.awaitDetection(d -> d.getJsonObject("process").getLong("pid") == pid
                                && RULE.equals(d.getJsonObject("rule").getString("name")), Duration.ofSeconds(2))
                .orElseThrow(() -> new AssertionError("no detection for pid " + pid + ":\n" + daemon.log()));
    }

    @Test
    void symlinkResolvesToTheRealFile() throws Exception {
        Path real = copyOf("/bin/true", dir.resolve("real"));
        Path link = Files.createSymbolicLink(workDir.resolve("link"), real);

        Behaviours.Run run = Behaviours.run(List.of(link.toString()));

        assertThat(detectionOf(run.pid()).getJsonObject("process").getString("exe")).isEqualTo(real.toString());
    }

    @Test
    void relativeInvocationBecomesAbsolute() throws Exception {
        copyOf("/bin/true", dir.resolve("relative"));
        Process process = new ProcessBuilder("./relative").directory(dir.toFile()).start();
        assertThat(process.waitFor()).isZero();

        JsonObject detected = detectionOf(process.pid()).getJsonObject("process");
        assertThat(detected.getString("exe")).isEqualTo(dir.resolve("relative").toString());
        assertThat(detected.getString("cwd")).isEqualTo(dir.toString());
    }

    @Test
    void execveatOfAnOpenFileNamesTheFile() throws Exception {
        Path target = copyOf("/bin/true", dir.resolve("by-fd"));
        String script = """
                open(my $fh, "<", $ARGV[0]) or die "open: $!";
                my $empty = ""; my $name = "by-fd";
                my $argv = pack("pp", $name, undef); my $envp = pack("p", undef);
                syscall(%s, fileno($fh), $empty, $argv, $envp, 0x1000);
                die "execveat: $!";
                """.formatted("aarch64".equals(System.getProperty("os.arch")) ? "281" : "322");

        Behaviours.Run run = Behaviours.run(List.of("perl", "-e", script, target.toString()));

        assertThat(run.exitStatus()).isZero();
        JsonObject detected = detectionOf(run.pid());
        assertThat(detected.getJsonObject("process").getString("exe")).isEqualTo(target.toString());
        assertThat(detected.getJsonArray("flags").getList()).contains("exec-fd");
    }

    @Test
    void scriptReportsInterpreterAndScript() throws Exception {
        Path script = dir.resolve("payload.sh");
        Files.writeString(script, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));

        Behaviours.Run run = Behaviours.run(List.of(script.toString()));

        JsonObject detected = detectionOf(run.pid());
        assertThat(detected.getJsonObject("process").getString("exe")).isEqualTo("/usr/bin/dash");
        assertThat(detected.getJsonObject("process").getString("script")).isEqualTo(script.toString());
        assertThat(detected.getJsonArray("flags").getList()).contains("script", "world-writable-dir");
    }

    @Test
    void relativeScriptIsMadeAbsolute() throws Exception {
        Path script = dir.resolve("relative.sh");
        Files.writeString(script, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Process process = new ProcessBuilder("./relative.sh").directory(dir.toFile()).start();
        assertThat(process.waitFor()).isZero();

        assertThat(detectionOf(process.pid()).getJsonObject("process").getString("script")).isEqualTo(script.toString());
    }

    private static Path script(Path where) throws Exception {
        Files.writeString(where, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(where, PosixFilePermissions.fromString("rwxr-xr-x"));
        return where;
    }

    @Test
    void scriptRunFromItsWorldWritableDirectoryIsDetected() throws Exception {
        Path script = script(dir.resolve("here.sh"));
        // The working directory is the world-writable directory itself, not a directory below it.
        Process process = new ProcessBuilder("./here.sh").directory(dir.toFile()).start();
        assertThat(process.waitFor()).isZero();

        JsonObject detected = detectionOf(process.pid());
        assertThat(detected.getJsonObject("process").getString("script")).isEqualTo(script.toString());
    }

    @Test
    void scriptNamedThroughDotDotAndDoubleSlashIsDetected() throws Exception {
        Path script = script(dir.resolve("dotted.sh"));
        String disguised = "/usr/..//" + script.toString().substring(1).replace("/", "//./");

        Behaviours.Run run = Behaviours.run(List.of(disguised));

        assertThat(run.exitStatus()).isZero();
        assertThat(detectionOf(run.pid()).getJsonObject("process").getString("script")).isEqualTo(script.toString());
    }

    @Test
    void scriptOutsideReachedFromAWorldWritableDirectoryIsNotDetected() throws Exception {
        Path safeDir = Files.createTempDirectory(Path.of("/run"), "hk-safe-");
        try {
            Path safe = script(safeDir.resolve("safe.sh"));
            Path sub = Files.createDirectories(dir.resolve("sub"));
            String relative = sub.relativize(safe).toString();
            Process benign = new ProcessBuilder(relative).directory(sub.toFile()).start();
            assertThat(benign.waitFor()).isZero();

            // A detection after it proves the pipeline delivered everything up to that point.
            Behaviours.Run marker = Behaviours.execCopyOfTrue(dir, "marker");
            detectionOf(marker.pid());
            assertThat(daemon.detections()).noneMatch(d -> d.getJsonObject("process").getLong("pid") == benign.pid());
        } finally {
            try (var files = Files.walk(safeDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void pathTooLongToReportIsStillCheckedAndMarked() throws Exception {
        Path deep = dir;
        for (int i = 0; i < 5; i++) {
            deep = Files.createDirectory(deep.resolve("d".repeat(120) + i));
        }
        Path binary = copyOf("/bin/true", deep.resolve("prog"));
        assertThat(binary.toString().length()).isGreaterThan(511);

        Behaviours.Run run = Behaviours.run(List.of(binary.toString()));

        JsonObject detected = detectionOf(run.pid());
        String exe = detected.getJsonObject("process").getString("exe");
        assertThat(exe).startsWith("\u2026").endsWith("/" + "d".repeat(120) + "4/prog");
        assertThat(binary.toString()).endsWith(exe.substring(1));
        assertThat(detected.getJsonArray("flags").getList()).contains("path-truncated", "world-writable-dir");
    }

    @Test
    void pathDeeperThanTheStepLimitOfOldIsStillChecked() throws Exception {
        Path deep = dir;
        for (int i = 0; i < 80; i++) {
            deep = Files.createDirectory(deep.resolve("n" + i));
        }
        Path binary = copyOf("/bin/true", deep.resolve("prog"));

        Behaviours.Run run = Behaviours.run(List.of(binary.toString()));

        assertThat(detectionOf(run.pid()).getJsonArray("flags").getList()).contains("world-writable-dir");
    }

    @Test
    void binaryBindMountedOverASystemPathIsStillFromDevShm() throws Exception {
        Path payload = copyOf("/bin/true", dir.resolve("payload"));
        // An unprivileged user in a user and mount namespace of its own, as an attacker would do it.
        Behaviours.Run run = Behaviours.run(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "unshare", "-Urm", "sh", "-c", "mount --bind \"$1\" /usr/bin/true && exec /usr/bin/true", "sh",
                payload.toString()));
        assertThat(run.exitStatus()).isZero();

        JsonObject detected = detectionOf(run.pid());
        assertThat(detected.getJsonObject("process").getString("exe")).isEqualTo("/usr/bin/true");
        assertThat(detected.getJsonObject("process").getLong("uid")).isEqualTo(65534);
    }

    @Test
    void chrootJailUnderTmpIsStillFromAWorldWritableDirectory() throws Exception {
        Path jail = Files.createTempDirectory(Path.of("/tmp"), "hk-jail-");
        try {
            Files.setPosixFilePermissions(jail, PosixFilePermissions.fromString("rwxr-xr-x"));
            copyOf("/bin/busybox", jail.resolve("busybox"));

            Behaviours.Run run = Behaviours.run(List.of("chroot", jail.toString(), "/busybox", "true"));

            assertThat(run.exitStatus()).isZero();
            JsonObject detected = detectionOf(run.pid());
            assertThat(detected.getJsonObject("process").getString("exe")).isEqualTo("/busybox");
            assertThat(detected.getJsonArray("flags").getList()).contains("chroot", "world-writable-dir");
        } finally {
            Files.deleteIfExists(jail.resolve("busybox"));
            Files.deleteIfExists(jail);
        }
    }

    @Test
    void chrootedProcessReportsThePathItSees() throws Exception {
        Path root = Files.createDirectory(workDir.resolve("chroot-" + UUID.randomUUID()));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path tmp = Files.createDirectory(root.resolve("tmp"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        copyOf("/bin/busybox", tmp.resolve("busybox"));

        Behaviours.Run run = Behaviours.run(List.of("chroot", root.toString(), "/tmp/busybox", "true"));

        assertThat(run.exitStatus()).isZero();
        JsonObject detected = detectionOf(run.pid());
        assertThat(detected.getJsonObject("process").getString("exe")).isEqualTo("/tmp/busybox");
        assertThat(detected.getJsonArray("flags").getList()).contains("chroot");
    }
}
