package dev.hauberk.e2e;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * One behaviour per enforcing rule, each in enforce mode against a daemon started here,
 * with what happened written to a JSON file: the exit status a shell saw, whether the
 * action's side effect took place, and the detection the daemon reported. Run on the host
 * (SIGKILL and cgroup fallbacks) and, through scripts/vm/lsm-vm, in a VM whose kernel runs
 * BPF-LSM programs.
 *
 * <p>Usage: EnforcementScenarios WORK_DIR RESULTS_FILE
 */
public final class EnforcementScenarios {

    /** A loopback address the test policy denies; 127.0.0.1 stays allowed. */
    static final String DENIED_ADDRESS = "127.0.0.2";

    private EnforcementScenarios() {
    }

    public static void main(String[] args) throws Exception {
        Path workDir = Files.createDirectories(Path.of(args[0]));
        Path results = Path.of(args[1]);
        JsonObject out = run(workDir);
        Files.writeString(results, out.encodePrettily());
        System.exit(0);
    }

    static JsonObject run(Path workDir) throws Exception {
        Path rules = testPolicy(workDir.resolve("rules"));
        // Written before the daemon enforces: on the SIGKILL fallback, this JVM writing it would be killed.
        Files.writeString(Files.createDirectories(workDir.resolve("root/etc")).resolve("ld.so.preload"), "original\n");
        String extra = "";
        try (DaemonProcess daemon = DaemonProcess.startWithRules(workDir, rules, Map.of(
                "exec-world-writable-dir", "enforce",
                "connect-denied-destination", "enforce",
                "write-ld-so-preload", "enforce"))) {
            JsonObject out = new JsonObject().put("capabilities", daemon.getJson("/api/v1/capabilities"));
            out.put("exec", execScenario(daemon, workDir));
            out.put("file", fileScenario(daemon, workDir));
            out.put("network", networkScenario(daemon));
            return out;
        }
    }

    /** The shipped catalogue with the connect rule aimed at a loopback address, for hosts and VMs without a network. */
    static Path testPolicy(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path shipped = DaemonProcess.repository().resolve("conf/rules");
        try (Stream<Path> files = Files.list(shipped)) {
            for (Path file : files.toList()) {
                String text = Files.readString(file);
                if (file.getFileName().toString().equals("networking.yaml")) {
                    text = text.replace("where: container", "where: any")
                            .replace("cidrs: [169.254.169.254/32]", "cidrs: [" + DENIED_ADDRESS + "/32]");
                }
                Files.writeString(dir.resolve(file.getFileName()), text);
            }
        }
        return dir;
    }

    /** A copy of touch run from /dev/shm: refused (126) with BPF-LSM, killed (137) without; the marker must not appear. */
    static JsonObject execScenario(DaemonProcess daemon, Path workDir) throws Exception {
        Path touch = Path.of("/dev/shm/hk-enforce-touch-" + ProcessHandle.current().pid());
        Files.copy(Path.of("/usr/bin/touch"), touch, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(touch, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path marker = workDir.resolve("exec-marker");
        try {
            Shell shell = Shell.run("\"$1\" \"$2\"", touch.toString(), marker.toString());
            return shell.toJson()
                    .put("sideEffect", Files.exists(marker))
                    .put("detection", detection(daemon, d -> touch.toString().equals(d.getJsonObject("process").getString("exe"))));
        } finally {
            Files.deleteIfExists(touch);
        }
    }

    /** Writing etc/ld.so.preload: refused before the open with BPF-LSM; without it the writer dies after the open truncated it. */
    static JsonObject fileScenario(DaemonProcess daemon, Path workDir) throws Exception {
        Path preload = workDir.resolve("root/etc/ld.so.preload");
        Shell shell = Shell.run("echo /tmp/evil.so > \"$1\"", preload.toString());
        return shell.toJson()
                .put("content", Files.readString(preload))
                .put("detection", detection(daemon, d -> d.getJsonObject("target") != null
                        && preload.toString().equals(d.getJsonObject("target").getString("path"))));
    }

    /** bash's /dev/tcp connect to the denied address: EPERM from the LSM or the cgroup hook, and no connection accepted. */
    static JsonObject networkScenario(DaemonProcess daemon) throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getByName(DENIED_ADDRESS), 0));
            int port = server.getLocalPort();
            Shell shell = Shell.run("exec 3<>/dev/tcp/" + DENIED_ADDRESS + "/" + port + " && echo hello >&3");
            server.setSoTimeout(500);
            boolean accepted;
            try (var ignored = server.accept()) {
                accepted = true;
            } catch (java.net.SocketTimeoutException e) {
                accepted = false;
            }
            return shell.toJson()
                    .put("sideEffect", accepted)
                    .put("detection", detection(daemon, d -> d.getJsonObject("target") != null
                            && port == d.getJsonObject("target").getInteger("port", -1)));
        }
    }

    private static JsonObject detection(DaemonProcess daemon, Predicate<JsonObject> match) throws Exception {
        Optional<JsonObject> found = daemon.awaitDetection(match, Duration.ofSeconds(5));
        return found.orElse(null);
    }

    /** A bash command's exit status and error output. */
    record Shell(int status, String stderr) {

        static Shell run(String script, String... args) throws IOException, InterruptedException {
            List<String> command = new java.util.ArrayList<>(List.of("/bin/bash", "-c", script + "; exit $?", "bash"));
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            String stderr = new String(process.getErrorStream().readAllBytes());
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("behaviour did not finish: " + command);
            }
            return new Shell(process.exitValue(), stderr.strip());
        }

        JsonObject toJson() {
            return new JsonObject().put("status", status).put("stderr", stderr);
        }
    }

    static JsonArray mechanisms(JsonObject capabilities) {
        return capabilities.getJsonArray("rules");
    }
}
