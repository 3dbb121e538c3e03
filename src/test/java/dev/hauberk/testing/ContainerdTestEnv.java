package dev.hauberk.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A private containerd started with scripts/containerd/testenv for one test class: its
 * socket, ctr against it, and the config digest of the test image computed with ctr alone.
 */
public final class ContainerdTestEnv implements AutoCloseable {

    public static final String IMAGE = "localhost/busybox:test";
    private static final long COMMAND_TIMEOUT_SECONDS = 120;

    private final Path testenv;
    private final Path dir;
    private final String socket;

    private ContainerdTestEnv(Path testenv, Path dir, String socket) {
        this.testenv = testenv;
        this.dir = dir;
        this.socket = socket;
    }

    /** A finished external command. */
    public record Command(int status, String stdout, String stderr) {

        public static Command run(List<String> command) throws IOException, InterruptedException {
            Path out = Files.createTempFile("hauberk-cmd", ".out");
            Path err = Files.createTempFile("hauberk-cmd", ".err");
            try {
                Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("timed out after " + COMMAND_TIMEOUT_SECONDS + " s: " + command);
                }
                return new Command(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        }
    }

    /** Installs and starts a private containerd; skips or fails as {@link KernelTests} does when it cannot. */
    public static ContainerdTestEnv start() throws IOException, InterruptedException {
        KernelTests.requireKernel();
        Path testenv = Path.of(System.getProperty("hauberk.basedir", ".")).toAbsolutePath()
                .resolve("scripts/containerd/testenv");
        Command setup = Command.run(List.of(testenv.toString(), "setup"));
        if (setup.status() != 0) {
            String problem = "containerd test environment unavailable: '" + testenv + " setup' exited with "
                    + setup.status() + ": " + setup.stderr().strip();
            if ("1".equals(System.getenv(KernelTests.REQUIRE_ENV))) {
                Assertions.fail(problem);
            }
            Assumptions.abort(problem);
        }
        // A short directory, because the socket path must fit in sockaddr_un's 107 bytes.
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "hctd");
        Command start = Command.run(List.of(testenv.toString(), "start", dir.toString()));
        if (start.status() != 0) {
            Command.run(List.of(testenv.toString(), "stop", dir.toString()));
            throw new AssertionError("testenv start failed: " + start.stderr());
        }
        String socket = start.stdout().strip().lines().reduce((first, second) -> second).orElseThrow();
        return new ContainerdTestEnv(testenv, dir, socket);
    }

    public String socket() {
        return socket;
    }

    public Path dir() {
        return dir;
    }

    public Command ctr(String namespace, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ctr", "--address", socket, "--namespace", namespace));
        command.addAll(List.of(args));
        return Command.run(command);
    }

    /** Arguments for ctr run that keep runc's and the fifos' state inside this environment. */
    public List<String> ctrRunOptions() throws IOException, InterruptedException {
        String snapshotter = Command.run(List.of("stat", "-f", "-c", "%T", dir.toString())).stdout().strip()
                .equals("overlayfs") ? "native" : "overlayfs";
        return List.of("--snapshotter", snapshotter, "--runc-root", dir.resolve("runc").toString(),
                "--fifo-dir", dir.resolve("fifo").toString());
    }

    /** The test image's config digest, read with ctr: the manifest's config.digest. */
    public String imageConfigDigest() throws IOException, InterruptedException {
        Command images = ctr("default", "image", "ls");
        String manifestDigest = images.stdout().lines()
                .filter(line -> line.startsWith(IMAGE + " "))
                .map(line -> line.split("\\s+")[2])
                .findFirst()
                .orElseThrow(() -> new AssertionError(IMAGE + " not in ctr image ls: " + images.stdout()));
        String manifest = ctr("default", "content", "get", manifestDigest).stdout();
        return new io.vertx.core.json.JsonObject(manifest).getJsonObject("config").getString("digest");
    }

    /** Stops containerd and everything it ran, and removes its directory. */
    @Override
    public void close() throws IOException, InterruptedException {
        Command stop = Command.run(List.of(testenv.toString(), "stop", dir.toString()));
        if (stop.status() != 0) {
            System.err.println("testenv stop " + dir + " failed: " + stop.stderr());
        }
        Command.run(List.of("rm", "-rf", dir.toString()));
    }
}
