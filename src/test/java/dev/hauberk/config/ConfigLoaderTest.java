package dev.hauberk.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        Path file = dir.resolve("hauberk.yaml");
        Files.writeString(file, yaml);
        return file;
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
    void relativePathsResolveAgainstTheFile() throws Exception {
        HauberkConfig config = ConfigLoader.load(write("journal:\n  directory: data/journal\n"));

        assertThat(config.journal().getString("directory")).isEqualTo(dir.resolve("data/journal").toString());
    }
}
