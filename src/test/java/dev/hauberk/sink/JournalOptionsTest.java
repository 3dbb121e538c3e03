package dev.hauberk.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class JournalOptionsTest {

    @Test
    void emptyConfigTakesEveryDefault() {
        JournalOptions options = JournalOptions.fromConfig(new JsonObject());

        assertThat(options.directory()).isEqualTo(Path.of("/var/lib/hauberk/journal"));
        assertThat(options.maxFileBytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(options.maxFiles()).isEqualTo(16);
        assertThat(options.fsync()).isEqualTo(FsyncPolicy.INTERVAL);
        assertThat(options.fsyncIntervalMs()).isEqualTo(1000);
        assertThat(options.indexSize()).isEqualTo(10_000);
    }

    @Test
    void configValuesAreRead() {
        JsonObject config = new JsonObject()
                .put("directory", "/srv/journal")
                .put("maxFileBytes", 1_048_576)
                .put("maxFiles", 4)
                .put("fsync", "always")
                .put("fsyncIntervalMs", 250)
                .put("indexSize", 0);

        JournalOptions options = JournalOptions.fromConfig(config);

        assertThat(options).isEqualTo(new JournalOptions(Path.of("/srv/journal"), 1_048_576, 4,
                FsyncPolicy.ALWAYS, 250, 0));
    }

    @Test
    void fsyncPolicyParsesEachName() {
        assertThat(FsyncPolicy.parse("always")).contains(FsyncPolicy.ALWAYS);
        assertThat(FsyncPolicy.parse("interval")).contains(FsyncPolicy.INTERVAL);
        assertThat(FsyncPolicy.parse("never")).contains(FsyncPolicy.NEVER);
        assertThat(FsyncPolicy.parse("ALWAYS")).isEmpty();
        assertThat(FsyncPolicy.parse("sometimes")).isEmpty();
        assertThat(FsyncPolicy.INTERVAL.configName()).isEqualTo("interval");
    }

    @Test
    void invalidValuesAreRejectedNamingTheKey() {
        List<Object[]> cases = List.of(
                new Object[] {"fsync", "sometimes", "must be one of always, interval, never, got \"sometimes\""},
                new Object[] {"fsync", 1, "must be one of always, interval, never, got 1"},
                new Object[] {"maxFileBytes", 100, "must be an integer from 1024 to 1099511627776, got 100"},
                new Object[] {"maxFileBytes", "64MiB", "must be an integer from 1024"},
                new Object[] {"maxFiles", 0, "must be an integer from 1 to 100000, got 0"},
                new Object[] {"maxFiles", 2.5, "must be an integer from 1 to 100000, got 2.5"},
                new Object[] {"fsyncIntervalMs", 0, "must be an integer from 1 to 3600000, got 0"},
                new Object[] {"indexSize", -1, "must be an integer from 0 to 1000000, got -1"},
                new Object[] {"indexSize", true, "must be an integer from 0 to 1000000, got true"},
                new Object[] {"directory", "", "must be a non-empty path string"},
                new Object[] {"directory", 7, "must be a non-empty path string, got 7"},
                new Object[] {"directory", "bad\u0000path", "is not a valid path"});
        for (Object[] testCase : cases) {
            String key = (String) testCase[0];
            JsonObject config = new JsonObject().put(key, testCase[1]);

            assertThatThrownBy(() -> JournalOptions.fromConfig(config))
                    .as("config %s", config.encode())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("journal config key '" + key + "'")
                    .hasMessageContaining((String) testCase[2]);
        }
    }

    @Test
    void unknownKeysAreListed() {
        JsonObject config = new JsonObject().put("fsyncIntervalMS", 5).put("maxFiles", 3).put("dir", "/x");

        assertThat(JournalOptions.unknownKeys(config)).containsExactly("dir", "fsyncIntervalMS");
    }
}
