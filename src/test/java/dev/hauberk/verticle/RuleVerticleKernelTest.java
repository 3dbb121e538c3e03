package dev.hauberk.verticle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hauberk.Addresses;
import dev.hauberk.config.ConfigLoader;
import dev.hauberk.config.HauberkConfig;
import dev.hauberk.rules.CompiledRuleSet;
import dev.hauberk.rules.RuleCatalog;
import dev.hauberk.rules.RuleCompiler;
import dev.hauberk.rules.RuleMode;
import dev.hauberk.sensor.Sensor;
import dev.hauberk.sensor.SensorOptions;
import dev.hauberk.sink.JournalVerticle;
import dev.hauberk.testing.KernelTests;
import dev.hauberk.testing.TestSensors;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rule verticle over the real rule maps: every change is in the kernel when the reply
 * arrives, and the audit journal records it.
 */
class RuleVerticleKernelTest {

    private static final String RULES = """
            rules:
              - id: 1
                name: exec-world-writable-dir
                category: unknown-executable
                severity: high
              - id: 2
                name: exec-memfd
                category: unknown-executable
                severity: critical
              - id: 10
                name: connect-denied-destination
                category: networking
                severity: high
                scope:
                  where: container
                  cidrs: [169.254.169.254/32]
            """;
    private static final JsonObject CLIENT = new JsonObject().put("via", "http").put("address", "127.0.0.1:5555")
            .put("tokenFingerprint", "sha256:00112233aabbccdd");

    @TempDir
    Path dir;

    private Vertx vertx;
    private Sensor sensor;
    private DaemonContext context;

    @BeforeEach
    void start() throws Exception {
        KernelTests.requireKernel();
        Files.createDirectories(dir.resolve("rules"));
        Files.createDirectories(dir.resolve("verticles"));
        Files.writeString(dir.resolve("rules/policy.yaml"), RULES);
        Files.writeString(dir.resolve("hauberk.yaml"), """
                journal:
                  directory: journal
                daemon:
                  rules_directory: rules
                  verticles_directory: verticles
                rule_modes:
                  exec-memfd: enforce
                """);
        HauberkConfig config = ConfigLoader.load(dir.resolve("hauberk.yaml"));
        RuleCatalog catalog = RuleCatalog.load(config.daemon().rulesDirectory());
        CompiledRuleSet rules = RuleCompiler.compile(catalog, catalog.modes(config.ruleModes(), config.ruleModeSources()));
        SensorOptions test = TestSensors.options(Map.of());
        sensor = Sensor.start(Sensor.bundledObject(), new SensorOptions(test.ringBufferBytes(), test.processTableEntries(),
                test.historyEntries(), test.ancestryDepth(), test.cgroupHierarchy(), test.hostNamespaces(), null, rules,
                test.kernel()));
        context = new DaemonContext(config, catalog, rules, "test-host");
        context.publishSensor(sensor);
        context.setMechanisms(() -> Map.of(10, new JsonObject().put("mechanism", "cgroup")));

        vertx = Vertx.vertx();
        await(vertx.deployVerticle(new JournalVerticle(), new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)
                .setConfig(new JsonObject().put("directory", dir.resolve("journal").toString()))));
        await(vertx.deployVerticle(new RuleVerticle(context), new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)));
    }

    @AfterEach
    void stop() throws Exception {
        if (vertx != null) {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
        if (sensor != null) {
            sensor.close();
        }
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.await(30, TimeUnit.SECONDS);
    }

    private <T> T request(String address, JsonObject body) throws Exception {
        return await(vertx.eventBus().<T>request(address, body)).body();
    }

    private JsonArray auditRecords() throws Exception {
        return this.<JsonObject>request(Addresses.AUDIT_QUERY, new JsonObject()).getJsonArray("records");
    }

    @Test
    void listShowsKernelModesAndSets() throws Exception {
        JsonArray rules = request(Addresses.RULES_LIST, new JsonObject());

        assertThat(rules).hasSize(3);
        JsonObject memfd = rules.getJsonObject(1);
        assertThat(memfd.getString("mode")).isEqualTo("enforce");
        assertThat(memfd.getString("modeSource")).isEqualTo("config");
        assertThat(memfd.getString("defaultMode")).isEqualTo("monitor");
        JsonObject network = rules.getJsonObject(2);
        assertThat(network.getJsonObject("scope").encode())
                .isEqualTo("{\"where\":\"container\",\"cidrs\":[\"169.254.169.254/32\"]}");
        assertThat(network.getJsonObject("exceptions").isEmpty()).isTrue();
        assertThat(network.getJsonObject("mechanism").getString("mechanism")).isEqualTo("cgroup");
        assertThat(network.getJsonObject("counters").fieldNames())
                .containsExactly("reported", "killed", "blocked", "excepted");
        assertThat(rules.getJsonObject(0).getValue("mechanism")).isNull();
    }

    @Test
    void modeSwitchIsInKernelWhenReplied() throws Exception {
        JsonObject reply = request(Addresses.RULES_SET_MODE,
                new JsonObject().put("rule", "exec-world-writable-dir").put("mode", "enforce").put("client", CLIENT));

        assertThat(sensor.rules().mode(1)).isEqualTo(RuleMode.ENFORCE);
        assertThat(reply.getString("previousMode")).isEqualTo("monitor");
        assertThat(reply.getJsonObject("rule").getString("mode")).isEqualTo("enforce");
        assertThat(reply.getJsonObject("rule").getString("modeSource")).isEqualTo("api");
        // Seq 1 is the record of the modes in force at start.
        assertThat(reply.getLong("auditSeq")).isEqualTo(2);

        JsonArray records = auditRecords();
        assertThat(records.getJsonObject(records.size() - 1).getString("action")).isEqualTo("start");
        JsonObject record = records.getJsonObject(0);
        assertThat(record.getString("action")).isEqualTo("rule-mode");
        assertThat(record.getJsonObject("client")).isEqualTo(CLIENT);
        assertThat(record.getString("host")).isEqualTo("test-host");
        assertThat(record.getString("time")).isNotBlank();
        assertThat(record.getJsonArray("rules").getJsonObject(0).encode())
                .isEqualTo("{\"id\":1,\"name\":\"exec-world-writable-dir\",\"oldMode\":\"monitor\",\"newMode\":\"enforce\"}");
    }

    @Test
    void categorySwitchChangesEveryRuleOfIt() throws Exception {
        JsonObject reply = request(Addresses.RULES_SET_CATEGORY_MODE,
                new JsonObject().put("category", "unknown-executable").put("mode", "off").put("client", CLIENT));

        assertThat(sensor.rules().mode(1)).isEqualTo(RuleMode.OFF);
        assertThat(sensor.rules().mode(2)).isEqualTo(RuleMode.OFF);
        assertThat(sensor.rules().mode(10)).isEqualTo(RuleMode.MONITOR);
        assertThat(reply.getJsonArray("rules")).hasSize(2);
        JsonObject record = auditRecords().getJsonObject(0);
        assertThat(record.getString("action")).isEqualTo("category-mode");
        assertThat(record.getString("category")).isEqualTo("unknown-executable");
        assertThat(record.getJsonArray("rules").getJsonObject(1).getString("oldMode")).isEqualTo("enforce");
    }

    @Test
    void unknownRuleAndCategoryFailWithNotFound() {
        assertThatThrownBy(() -> request(Addresses.RULES_GET, new JsonObject().put("rule", "99")))
                .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(404))
                .hasMessage("no rule with id or name '99'");
        assertThatThrownBy(() -> request(Addresses.RULES_SET_CATEGORY_MODE,
                new JsonObject().put("category", "hardware").put("mode", "off")))
                .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(404))
                .hasMessage("no rules in category 'hardware'; categories with rules: networking, unknown-executable");
    }

    @Test
    void reloadAppliesNewSetAndKeepsApiModes() throws Exception {
        request(Addresses.RULES_SET_MODE, new JsonObject().put("rule", "1").put("mode", "enforce").put("client", CLIENT));
        long before = sensor.rules().live().number();
        Files.writeString(dir.resolve("rules/policy.yaml"), RULES.replace("    severity: critical\n",
                "    severity: critical\n    default_mode: off\n").replace("169.254.169.254/32", "10.0.0.0/8"));
        Files.writeString(dir.resolve("hauberk.yaml"), Files.readString(dir.resolve("hauberk.yaml"))
                .replace("rule_modes:\n  exec-memfd: enforce\n", "rule_modes: {}\n"));

        JsonObject reply = request(Addresses.RULES_RELOAD, new JsonObject().put("client", CLIENT));

        assertThat(reply.getString("result")).isEqualTo("applied");
        assertThat(reply.getLong("generation")).isEqualTo(before + 1);
        assertThat(sensor.rules().live().number()).isEqualTo(before + 1);
        assertThat(sensor.rules().mode(1)).as("API change kept").isEqualTo(RuleMode.ENFORCE);
        assertThat(sensor.rules().mode(2)).as("new default, rule_modes entry gone").isEqualTo(RuleMode.OFF);
        assertThat(context.catalog().byId(10).orElseThrow().scope().cidrs().getFirst().toString()).isEqualTo("10.0.0.0/8");
        assertThat(reply.getJsonArray("modeChanges").getJsonObject(0).encode())
                .isEqualTo("{\"id\":2,\"name\":\"exec-memfd\",\"oldMode\":\"enforce\",\"newMode\":\"off\"}");
        JsonObject record = auditRecords().getJsonObject(0);
        assertThat(record.getString("action")).isEqualTo("reload");
        assertThat(record.getString("result")).isEqualTo("applied");
        assertThat(record.getLong("generation")).isEqualTo(before + 1);
        assertThat(record.getJsonObject("client")).isEqualTo(CLIENT);
    }

    @Test
    void invalidReloadChangesNothing() throws Exception {
        long before = sensor.rules().live().number();
        Path policy = dir.resolve("rules/policy.yaml");
        Files.writeString(policy, RULES.replace("cidrs: [169.254.169.254/32]", "cidrs: [169.254.169.254/33]")
                .replace("    severity: critical\n", "    severity: critical\n    default_mode: off\n"));

        JsonObject reply = request(Addresses.RULES_RELOAD, new JsonObject().put("via", "sighup"));

        assertThat(reply.getString("result")).isEqualTo("rejected");
        assertThat(reply.getJsonArray("errors").getList()).containsExactly(policy + ":17:15: scope.cidrs: "
                + "'169.254.169.254/33' has an invalid prefix length '33'; expected 0 to 32");
        assertThat(reply.getLong("generation")).isEqualTo(before);
        assertThat(sensor.rules().live().number()).isEqualTo(before);
        assertThat(sensor.rules().mode(2)).isEqualTo(RuleMode.ENFORCE);
        assertThat(context.catalog().byId(2).orElseThrow().defaultMode()).isEqualTo(RuleMode.MONITOR);
        JsonObject record = auditRecords().getJsonObject(0);
        assertThat(record.getString("result")).isEqualTo("rejected");
        assertThat(record.getJsonObject("client").getString("via")).isEqualTo("sighup");
        assertThat(record.getJsonArray("errors")).hasSize(1);
    }
}
