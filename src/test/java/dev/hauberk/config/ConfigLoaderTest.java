package dev.hauberk.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hauberk.context.container.ContainerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    /** Writes conf/hauberk.yaml under the temporary directory, next to the rules and verticles it defaults to. */
    private Path write(String yaml) throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.createDirectories(conf.resolve("rules"));
        Files.createDirectories(dir.resolve("verticles"));
        Path file = conf.resolve("hauberk.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void missingRulesDirectoryNamesTheKeyAndTheBase() throws Exception {
        Path file = write("daemon:\n  rules_directory: catalogue\n");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .hasMessage(file + ":2:20: rules_directory: directory " + dir.resolve("conf/catalogue")
                        + " not found (relative paths resolve against the configuration file's directory, "
                        + dir.resolve("conf") + ")");
    }

    @Test
    void hostNameIsRejectedForAnAddress() throws Exception {
        Path file = write("http:\n  host: 127.0.0.300\n");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .hasMessageContaining(":2:9: host: '127.0.0.300' is not an IPv4 or IPv6 address");
    }

    @Test
    void quotedOrNullNumberIsRejected() throws Exception {
        Path quoted = write("http:\n  port: \"7461\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(quoted)).hasMessageContaining(":2:9: port: '7461' is quoted");

        Path empty = write("http:\n  port: ~\n");
        assertThatThrownBy(() -> ConfigLoader.load(empty)).hasMessageContaining(":2:9: port: needs a number");
    }

    @Test
    void hugeNumberIsOutOfRangeNotMalformed() throws Exception {
        Path file = write("kernel:\n  ring_buffer_bytes: 99999999999999999999\n");

        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessageContaining("'99999999999999999999' is out of range");
    }

    @Test
    void tokenFileDefaultsAndResolvesRelativePaths() throws Exception {
        assertThat(ConfigLoader.load(write("")).http().tokenFile()).isEqualTo(Path.of("/etc/hauberk/api-token"));
        assertThat(ConfigLoader.load(write("http:\n  token_file: secrets/token\n")).http().tokenFile())
                .isEqualTo(dir.resolve("conf/secrets/token"));
    }

    @Test
    void emptyTokenFileIsRejected() throws Exception {
        Path file = write("http:\n  token_file: \"\"\n");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .hasMessage(file + ":2:15: token_file: needs a file name; the API's bearer token is read from it");
    }

    @Test
    void aggregationWindowDefaultsAndAcceptsZero() throws Exception {
        assertThat(ConfigLoader.load(write("")).daemon().aggregationWindowMs()).isEqualTo(2000);
        assertThat(ConfigLoader.load(write("daemon:\n  aggregation_window_ms: 0\n")).daemon().aggregationWindowMs())
                .isZero();
    }

    @Test
    void negativeAggregationWindowIsRejected() throws Exception {
        Path file = write("daemon:\n  aggregation_window_ms: -5\n");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .hasMessage(file + ":2:26: aggregation_window_ms: -5 is out of range [0, 600000]");
    }

    @Test
    void shippedDefaultConfigLoads() throws Exception {
        HauberkConfig config = ConfigLoader.load(Path.of("conf/hauberk.yaml"));

        assertThat(config.http().host()).isEqualTo(HauberkConfig.DEFAULT_HTTP_HOST);
        assertThat(config.http().port()).isEqualTo(HauberkConfig.DEFAULT_HTTP_PORT);
        assertThat(config.kernel().ringBufferBytes()).isEqualTo(HauberkConfig.DEFAULT_RING_BUFFER_BYTES);
        assertThat(config.daemon().rulesDirectory()).isEqualTo(Path.of("conf/rules").toAbsolutePath());
        assertThat(config.daemon().verticlesDirectory()).isEqualTo(Path.of("verticles").toAbsolutePath());
        assertThat(config.journal().getString("fsync")).isEqualTo("interval");
        assertThat(config.ruleModes()).isEmpty();
    }

    @Test
    void emptyFileGivesDefaults() throws Exception {
        HauberkConfig config = ConfigLoader.load(write(""));

        assertThat(config.http().port()).isEqualTo(7450);
        assertThat(config.daemon().lockFile()).isEqualTo(Path.of(HauberkConfig.DEFAULT_LOCK_FILE));
    }

    @Test
    void unknownKeyNamesItsPosition() throws Exception {
        Path file = write("kernel:\n  ring_buffer_bytes: 4096\n  ringbuf: 1\n");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file.toAbsolutePath() + ":3:3: unknown key 'ringbuf'");
    }

    @Test
    void ringBufferSizeMustBeAPowerOfTwo() throws Exception {
        Path file = write("kernel:\n  ring_buffer_bytes: 5000\n");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .hasMessage(file.toAbsolutePath() + ":2:22: ring_buffer_bytes: 5000 is not a power of two");
    }

    @Test
    void portOutOfRangeIsRejected() throws Exception {
        Path file = write("http:\n  port: 70000\n");

        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessageContaining(":2:9: port: 70000 is out of range [1, 65535]");
    }

    @Test
    void portThatIsNotANumberIsRejected() throws Exception {
        Path file = write("http:\n  port: http\n");

        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessageContaining(":2:9: port: 'http' is not an integer");
    }

    @Test
    void badFsyncPolicyIsRejected() throws Exception {
        Path file = write("journal:\n  fsync: sometimes\n");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .hasMessageContaining(":2:10: fsync: 'sometimes' is not one of always, interval, never");
    }

    @Test
    void ruleModeThatDoesNotExistIsRejected() throws Exception {
        Path file = write("rule_modes:\n  exec-memfd: block\n");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .hasMessageContaining(":2:15: exec-memfd: mode 'block' does not exist; expected off, monitor or enforce");
    }

    @Test
    void duplicateKeyIsRejected() throws Exception {
        Path file = write("http:\n  port: 1\n  port: 2\n");

        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessageContaining(":3:3: duplicate key 'port'");
    }

    @Test
    void invalidYamlNamesTheLine() throws Exception {
        Path file = write("http:\n  host: [unclosed\n");

        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessageContaining("invalid YAML");
    }

    @Test
    void missingFileIsReported() {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("absent.yaml")))
                .hasMessageEndingWith("absent.yaml: configuration file not found");
    }

    @Test
    void shippedConfigHasContainerDefaults() throws Exception {
        HauberkConfig config = ConfigLoader.load(Path.of("conf/hauberk.yaml"));

        assertThat(config.containers()).isEqualTo(ContainerOptions.defaults());
    }

    @Test
    void missingContainersSectionGivesDefaults() throws Exception {
        HauberkConfig config = ConfigLoader.load(write("http:\n  port: 7450\n"));

        assertThat(config.containers()).isEqualTo(ContainerOptions.defaults());
    }

    @Test
    void containersSectionIsRead() throws Exception {
        Path file = write("""
                containers:
                  cri_sockets: [/run/k3s/containerd/containerd.sock]
                  containerd_sockets: []
                  containerd_namespaces: [k8s.io, buildkit]
                  timeout_ms: 500
                  retries: 0
                  cache_entries: 100
                  keep_removed_seconds: 0
                """);

        ContainerOptions containers = ConfigLoader.load(file).containers();

        assertThat(containers.criSockets()).containsExactly("/run/k3s/containerd/containerd.sock");
        assertThat(containers.containerdSockets()).isEmpty();
        assertThat(containers.containerdNamespaces()).containsExactly("k8s.io", "buildkit");
        assertThat(containers.timeoutMs()).isEqualTo(500);
        assertThat(containers.retries()).isZero();
        assertThat(containers.cacheEntries()).isEqualTo(100);
        assertThat(containers.keepRemovedSeconds()).isZero();
    }

    @Test
    void relativeCriSocketIsRejected() throws Exception {
        Path file = write("containers:\n  cri_sockets:\n    - /run/crio/crio.sock\n    - run/containerd.sock\n");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .hasMessage(file.toAbsolutePath() + ":4:7: cri_sockets: 'run/containerd.sock' is not an absolute path");
    }

    @Test
    void containerdSocketTooLongIsRejected() throws Exception {
        String longPath = "/run/" + "s".repeat(110) + ".sock";
        Path file = write("containers:\n  containerd_sockets: [" + longPath + "]\n");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .hasMessageContaining(":2:24: containerd_sockets: '" + longPath + "' is 120 bytes long;"
                        + " a unix socket path holds at most 107");
    }

    @Test
    void duplicateSocketIsRejected() throws Exception {
        Path file = write("containers:\n  cri_sockets: [/run/crio/crio.sock, /run/crio/crio.sock]\n");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .hasMessageContaining(":2:38: cri_sockets: '/run/crio/crio.sock' is listed twice");
    }

    @Test
    void invalidContainerdNamespaceIsRejected() throws Exception {
        Path file = write("containers:\n  containerd_namespaces:\n    - default\n    - system.slice/x\n");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .hasMessageContaining(":4:7: containerd_namespaces: 'system.slice/x' is not a valid containerd namespace");
    }

    @Test
    void socketListOfMappingsIsRejected() throws Exception {
        Path file = write("containers:\n  cri_sockets:\n    - path: /run/crio/crio.sock\n");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .hasMessageContaining(":3:7: cri_sockets: expected a single value in the list");
    }

    @Test
    void containerTimeoutOutOfRangeIsRejected() throws Exception {
        Path file = write("containers:\n  timeout_ms: 0\n");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .hasMessageContaining(":2:15: timeout_ms: 0 is out of range [10, 60000]");
    }

    @Test
    void containerTimeoutNotANumberIsRejected() throws Exception {
        Path file = write("containers:\n  timeout_ms: 2s\n");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .hasMessageContaining(":2:15: timeout_ms: '2s' is not an integer");
    }

    @Test
    void tooManyRetriesAreRejected() throws Exception {
        Path file = write("containers:\n  retries: 11\n");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .hasMessageContaining(":2:12: retries: 11 is out of range [0, 10]");
    }

    @Test
    void tinyContainerCacheIsRejected() throws Exception {
        Path file = write("containers:\n  cache_entries: 8\n");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .hasMessageContaining(":2:18: cache_entries: 8 is out of range [16, 1000000]");
    }

    @Test
    void negativeKeepRemovedIsRejected() throws Exception {
        Path file = write("containers:\n  keep_removed_seconds: -1\n");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .hasMessageContaining(":2:25: keep_removed_seconds: -1 is out of range [0, 86400]");
    }

    @Test
    void unknownContainersKeyIsRejected() throws Exception {
        Path file = write("containers:\n  docker_socket: /run/docker.sock\n");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .hasMessageContaining(":2:3: unknown key 'docker_socket'");
    }

    @Test
    void relativePathsResolveAgainstTheFile() throws Exception {
        HauberkConfig config = ConfigLoader.load(write("journal:\n  directory: data/journal\n"));

        assertThat(config.journal().getString("directory")).isEqualTo(dir.resolve("conf/data/journal").toString());
    }
}
