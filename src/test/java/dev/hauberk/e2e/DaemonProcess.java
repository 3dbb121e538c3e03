package dev.hauberk.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The daemon run as a user runs it: java -jar target/hauberk.jar with a configuration
 * of its own (temporary journal, lock file and port), talked to over its HTTP API.
 */
final class DaemonProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** Every daemon started by this JVM, killed when it exits so that no test leaves one running. */
    private static final List<Process> STARTED = new java.util.concurrent.CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.forEach(Process::destroyForcibly)));
    }

    private final Path workDir;
    private final Path log;
    private final int port;
    private final Process process;
    private final HttpClient http = HttpClient.newHttpClient();

    private DaemonProcess(Path workDir, Path log, int port, Process process) {
        this.workDir = workDir;
        this.log = log;
        this.port = port;
        this.process = process;
    }

    static Path repository() {
        return Path.of(System.getProperty("hauberk.basedir", ".")).toAbsolutePath();
    }

    static Path jar() {
        return Path.of(System.getProperty("hauberk.jar", "target/hauberk.jar")).toAbsolutePath();
    }

    static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /**
     * Writes a configuration into workDir and starts the daemon; returns once it serves
     * /api/v1/health. Its programs are pinned under a bpffs directory of its own and
     * detached when it stops.
     */
    static DaemonProcess start(Path workDir, Map<String, String> ruleModes) throws Exception {
        return start(workDir, ruleModes, uniquePinPath(), false);
    }

    /** Starts with the given pin directory, keeping programs attached after exit when keepAttached. */
    static DaemonProcess start(Path workDir, Map<String, String> ruleModes, Path pinPath, boolean keepAttached)
            throws Exception {
        return start(workDir, ruleModes, pinPath, keepAttached, "");
    }

    /** Starts with the catalogue in rulesDirectory instead of the shipped one. */
    static DaemonProcess startWithRules(Path workDir, Path rulesDirectory, Map<String, String> ruleModes) throws Exception {
        int port = freePort();
        Path config = writeConfig(workDir, port, ruleModes, uniquePinPath(), false);
        Files.writeString(config, Files.readString(config).replace(
                "rules_directory: " + repository().resolve("conf/rules"), "rules_directory: " + rulesDirectory));
        return launch(workDir, config, port);
    }

    /** Starts with extraYaml (whole top-level sections) appended to the configuration. */
    static DaemonProcess start(Path workDir, Map<String, String> ruleModes, Path pinPath, boolean keepAttached,
                               String extraYaml) throws Exception {
        int port = freePort();
        Path config = writeConfig(workDir, port, ruleModes, pinPath, keepAttached);
        Files.writeString(config, extraYaml, java.nio.file.StandardOpenOption.APPEND);
        return launch(workDir, config, port);
    }

    /** Starts the daemon with a configuration file written beforehand; returns once it is healthy. */
    static DaemonProcess launch(Path workDir, Path config, int port) throws Exception {
        Process process = spawn(List.of(), workDir, config);
        DaemonProcess daemon = new DaemonProcess(workDir, workDir.resolve("daemon.log"), port, process);
        try {
            daemon.awaitHealthy();
        } catch (Exception | AssertionError e) {
            process.destroyForcibly();
            throw e;
        }
        return daemon;
    }

    /**
     * Starts java -jar with config, behind a command prefix such as nsenter, logging to
     * workDir/daemon.log; the process is killed when the test JVM exits.
     */
    static Process spawn(List<String> prefix, Path workDir, Path config) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(java().toString(), "-jar", jar().toString(), "--config", config.toString()));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("daemon.log").toFile())
                .start();
        STARTED.add(process);
        return process;
    }

    static Path uniquePinPath() {
        return Path.of("/sys/fs/bpf/hauberk-it-" + java.util.UUID.randomUUID());
    }

    static Path writeConfig(Path workDir, int port, Map<String, String> ruleModes) throws IOException {
        return writeConfig(workDir, port, ruleModes, uniquePinPath(), false);
    }

    static Path writeConfig(Path workDir, int port, Map<String, String> ruleModes, Path pinPath, boolean keepAttached)
            throws IOException {
        StringBuilder modes = new StringBuilder();
        ruleModes.forEach((rule, mode) -> modes.append("  ").append(rule).append(": ").append(mode).append('\n'));
        String yaml = """
                http:
                  host: 127.0.0.1
                  port: %d
                  token_file: %s
                journal:
                  directory: %s
                  fsync: always
                kernel:
                  pin_path: %s
                  keep_attached_on_exit: %s
                daemon:
                  lock_file: %s
                  rules_directory: %s
                  verticles_directory: %s
                rule_modes:
                %s""".formatted(port, workDir.resolve("api-token"), workDir.resolve("journal"), pinPath, keepAttached, workDir.resolve("hauberk.lock"),
                repository().resolve("conf/rules"), repository().resolve("verticles"),
                modes.isEmpty() ? "  {}\n" : modes);
        Path config = workDir.resolve("hauberk.yaml");
        Files.writeString(config, yaml.replace("rule_modes:\n  {}", "rule_modes: {}"));
        return config;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void awaitHealthy() throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("daemon exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                HttpResponse<String> response = get("/api/v1/health");
                if (response.statusCode() == 200 && "ok".equals(new JsonObject(response.body()).getString("status"))) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // The daemon is still starting.
            }
            Thread.sleep(200);
        }
        throw new AssertionError("daemon not healthy after " + START_TIMEOUT + ":\n" + log());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Sends a request with an optional bearer token and JSON body (null for none). */
    HttpResponse<String> send(String method, String path, String token, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The API token the daemon created in its work directory. */
    String token() throws IOException {
        return Files.readString(workDir.resolve("api-token")).strip();
    }

    /** Sends a signal such as HUP to the daemon with kill(1). */
    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-s", name, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -s %s %d", name, process.pid()).isZero();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    JsonObject getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return new JsonObject(response.body());
    }

    /** The newest detections, up to 1000, from GET /api/v1/detections. */
    List<JsonObject> detections() throws IOException, InterruptedException {
        JsonArray array = getJson("/api/v1/detections?limit=1000").getJsonArray("detections");
        List<JsonObject> result = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            result.add(array.getJsonObject(i));
        }
        return result;
    }

    /** Polls the HTTP API until a detection matches or the timeout passes. */
    Optional<JsonObject> awaitDetection(Predicate<JsonObject> match, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            Optional<JsonObject> found = detections().stream().filter(match).findFirst();
            if (found.isPresent()) {
                return found;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return Optional.empty();
    }

    URI streamUri(String query) {
        return URI.create("ws://127.0.0.1:" + port + "/api/v1/stream" + query);
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    Path workDir() {
        return workDir;
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** Kills the daemon with SIGKILL, as a crash or an OOM kill would, and waits for it to go. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Sends SIGTERM and waits for the exit status. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("daemon did not exit within 30 s of SIGTERM:\n" + log());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
