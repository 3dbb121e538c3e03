package dev.hauberk.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hauberk.testing.ContainerdTestEnv.Command;
import dev.hauberk.testing.KernelTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon listening on an address other than loopback needs the token on every
 * endpoint, reads and the WebSocket included. It runs in a network namespace of this test's
 * own, where 10.213.77.1 sits on the namespace's loopback device: reachable only from inside,
 * but not a loopback address. curl runs in the same namespace.
 */
class NonLoopbackAuthIT {

    private static final String ADDRESS = "10.213.77.1";

    @TempDir
    static Path workDir;
    private static String namespace;
    private static Process daemon;
    private static int port;
    private static String token;

    @BeforeAll
    static void startInNamespace() throws Exception {
        KernelTests.requireKernel();
        for (String tool : List.of("ip", "nsenter", "curl")) {
            Assumptions.assumeTrue(Command.run(List.of("sh", "-c", "command -v " + tool)).status() == 0,
                    "non-loopback test skipped: " + tool + " is not installed");
        }
        namespace = "hk-it-" + UUID.randomUUID().toString().substring(0, 8);
        ip("netns", "add", namespace);
        ip("-n", namespace, "link", "set", "lo", "up");
        ip("-n", namespace, "addr", "add", ADDRESS + "/32", "dev", "lo");

        port = DaemonProcess.freePort();
        Path config = DaemonProcess.writeConfig(workDir, port, Map.of());
        Files.writeString(config, Files.readString(config).replace("host: 127.0.0.1", "host: " + ADDRESS));
        daemon = DaemonProcess.spawn(List.of("nsenter", "--net=/run/netns/" + namespace), workDir, config);
        awaitListening();
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) {
            daemon.destroy();
            daemon.waitFor();
        }
        if (namespace != null) {
            Command.run(List.of("ip", "netns", "del", namespace));
        }
    }

    private static void ip(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Command result = Command.run(command);
        assertThat(result.status()).as("%s: %s", command, result.stderr()).isZero();
    }

    /** Runs curl in the namespace and returns the HTTP status (000 when nothing answered). */
    private static String status(String path, String bearer, String... headers) throws Exception {
        List<String> command = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + namespace, "curl", "-s",
                "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "3"));
        if (bearer != null) {
            command.addAll(List.of("-H", "Authorization: Bearer " + bearer));
        }
        for (String header : headers) {
            command.addAll(List.of("-H", header));
        }
        command.add("http://" + ADDRESS + ":" + port + path);
        return Command.run(command).stdout().strip();
    }

    private static void awaitListening() throws Exception {
        Path tokenFile = workDir.resolve("api-token");
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!daemon.isAlive()) {
                throw new AssertionError("daemon exited with " + daemon.exitValue() + ":\n"
                        + Files.readString(workDir.resolve("daemon.log")));
            }
            if (Files.exists(tokenFile)) {
                token = Files.readString(tokenFile).strip();
                if (status("/api/v1/health", token).equals("200")) {
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("daemon not serving on " + ADDRESS + ":" + port + ":\n"
                + Files.readString(workDir.resolve("daemon.log")));
    }

    @Test
    void readsWithoutTokenAreRejected() throws Exception {
        assertThat(status("/api/v1/rules", null)).isEqualTo("401");
        assertThat(status("/api/v1/detections", null)).isEqualTo("401");
        assertThat(status("/api/v1/health", null)).isEqualTo("401");
        assertThat(status("/api/v1/audit", null)).isEqualTo("401");
    }

    @Test
    void readsWithWrongTokenAreRejected() throws Exception {
        assertThat(status("/api/v1/rules", "0".repeat(64))).isEqualTo("401");
    }

    @Test
    void readsWithTokenAreServed() throws Exception {
        assertThat(status("/api/v1/rules", token)).isEqualTo("200");
        assertThat(status("/api/v1/rules/1", token)).isEqualTo("200");
    }

    @Test
    void webSocketNeedsTheToken() throws Exception {
        String[] upgrade = {"Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13",
                "Sec-WebSocket-Key: aGF1YmVyay1pdC1rZXkxMg=="};

        assertThat(status("/api/v1/stream", null, upgrade)).isEqualTo("401");
        assertThat(status("/api/v1/stream", token, upgrade)).isEqualTo("101");
    }
}
