package dev.hauberk.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hauberk.testing.KernelTests;
import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up refusals and a clean SIGTERM, observed as a user would: exit status and the one line printed. */
class LifecycleIT {

    record Exit(int status, String output) {
    }

    static Exit runJar(Path workDir, List<String> prefix, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(prefix);
        command.addAll(List.of(DaemonProcess.java().toString(), "-jar", DaemonProcess.jar().toString()));
        command.addAll(List.of(args));
        Path out = workDir.resolve("run-" + System.nanoTime() + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("daemon did not exit: " + command);
        }
        return new Exit(process.exitValue(), Files.readString(out));
    }

    @Test
    void secondInstanceRefusesToStart(@TempDir Path workDir) throws Exception {
        KernelTests.requireKernel();
        try (DaemonProcess first = DaemonProcess.start(workDir, Map.of())) {
            Path config = workDir.resolve("hauberk.yaml");
            Exit second = runJar(workDir, List.of(), "--config", config.toString());

            assertThat(second.status()).isEqualTo(1);
            assertThat(second.output()).contains("another Hauberk instance is running (pid " + first.pid());
        }
    }

    @Test
    void sigtermDetachesEveryProgram(@TempDir Path workDir) throws Exception {
        KernelTests.requireKernel();
        int before = attachedHauberkPrograms();
        DaemonProcess daemon = DaemonProcess.start(workDir, Map.of());
        assertThat(attachedHauberkPrograms()).isEqualTo(before + PROGRAMS.size());

        int status = daemon.stop();

        // The JVM reports death by SIGTERM as 143 after running its shutdown hooks.
        assertThat(status).isEqualTo(143);
        assertThat(daemon.log()).contains("sensor unloaded");
        assertThat(awaitAttachedPrograms(before)).isEqualTo(before);
    }

    @Test
    void unknownConfigKeyIsRejectedWithItsPosition(@TempDir Path workDir) throws Exception {
        KernelTests.requireKernel();
        Path config = workDir.resolve("bad.yaml");
        Files.writeString(config, "http:\n  host: 127.0.0.1\n  prot: 7450\n");

        Exit exit = runJar(workDir, List.of(), "--config", config.toString());

        assertThat(exit.status()).isEqualTo(2);
        assertThat(exit.output()).contains(config + ":3:3: unknown key 'prot'");
    }

    @Test
    void nonRootUserGetsOneClearLine(@TempDir Path workDir) throws Exception {
        KernelTests.requireKernel();
        // The unprivileged user must be able to read the jar and the configuration.
        Path shared = Files.createTempDirectory(Path.of("/tmp"), "hauberk-nonroot-");
        try {
            Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path jar = Files.copy(DaemonProcess.jar(), shared.resolve("hauberk.jar"));
            Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
            Path config = DaemonProcess.writeConfig(shared, DaemonProcess.freePort(), Map.of());
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));

            List<String> command = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    DaemonProcess.java().toString(), "-jar", jar.toString(), "--config", config.toString());
            Path out = workDir.resolve("nonroot.log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

            assertThat(process.exitValue()).isEqualTo(1);
            assertThat(Files.readString(out)).contains("Hauberk must run as root (effective uid is 65534)");
        } finally {
            try (var files = Files.walk(shared)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void rootWithoutBpfCapabilitiesGetsOneClearLine(@TempDir Path workDir) throws Exception {
        KernelTests.requireKernel();
        Path config = DaemonProcess.writeConfig(workDir, DaemonProcess.freePort(), Map.of());

        Exit exit = runJar(workDir, List.of("setpriv", "--bounding-set=-bpf,-sys_admin,-perfmon", "--inh-caps=-all"),
                "--config", config.toString());

        assertThat(exit.status()).isEqualTo(1);
        assertThat(exit.output()).contains("Hauberk runs as root but without the capabilities to load BPF programs")
                .doesNotContain("libbpf");
    }

    /** The programs a daemon keeps attached; the recovery iterator runs once and is not among them. */
    static final List<String> PROGRAMS = List.of("handle_exec", "handle_fork", "handle_exit", "handle_cgroup_mkdir",
            "handle_cgroup_rmdir");

    /**
     * Polls until the count of attached programs is expected, for up to 10 s, and returns the
     * last count: the kernel frees a detached program after an RCU grace period, not at once.
     */
    static int awaitAttachedPrograms(int expected) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        int count = attachedHauberkPrograms();
        while (count != expected && System.nanoTime() < deadline) {
            Thread.sleep(100);
            count = attachedHauberkPrograms();
        }
        return count;
    }

    /** Programs attached by any Hauberk instance, counted from bpftool's list of loaded programs. */
    static int attachedHauberkPrograms() throws IOException, InterruptedException {
        Process process = new ProcessBuilder("bpftool", "-j", "prog", "show").redirectErrorStream(false).start();
        String json = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).isZero();
        JsonArray programs = new JsonArray(json);
        int count = 0;
        for (int i = 0; i < programs.size(); i++) {
            String name = programs.getJsonObject(i).getString("name", "");
            if (PROGRAMS.contains(name)) {
                count++;
            }
        }
        return count;
    }
}
