package dev.hauberk.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hauberk.Addresses;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Audit records: their own files, seqs and queries, never mixed into detections. */
class AuditJournalTest {

    @TempDir
    Path temp;

    private Vertx vertx;
    private Path directory;

    @BeforeEach
    void deploy() throws Exception {
        vertx = Vertx.vertx();
        directory = temp.resolve("journal");
        await(vertx.deployVerticle(new JournalVerticle(), new DeploymentOptions()
                .setThreadingModel(ThreadingModel.WORKER)
                .setConfig(new JsonObject().put("directory", directory.toString()))));
    }

    @AfterEach
    void closeVertx() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.await(10, TimeUnit.SECONDS);
    }

    private JsonObject request(String address, Object body) throws Exception {
        return await(vertx.eventBus().<JsonObject>request(address, body)).body();
    }

    private static JsonObject modeChange(int ruleId) {
        return new JsonObject().put("action", "rule-mode").put("time", "2026-12-04T21:00:00Z")
                .put("client", new JsonObject().put("address", "127.0.0.1:40000").put("tokenFingerprint", "sha256:0011"))
                .put("rules", new JsonArray().add(new JsonObject().put("id", ruleId).put("oldMode", "monitor")
                        .put("newMode", "enforce")));
    }

    @Test
    void auditRecordsHaveTheirOwnFilesAndSeqs() throws Exception {
        request(Addresses.JOURNAL_APPEND, TestDetections.detection(1));

        JsonObject first = request(Addresses.AUDIT_APPEND, modeChange(1));
        JsonObject second = request(Addresses.AUDIT_APPEND, modeChange(2));

        assertThat(first.getLong("seq")).isEqualTo(1);
        assertThat(first.getString("type")).isEqualTo("audit");
        assertThat(second.getLong("seq")).isEqualTo(2);
        Path auditFile = directory.resolve("audit").resolve("audit-000001.jsonl");
        assertThat(Files.readAllLines(auditFile)).hasSize(2);
        assertThat(Files.readString(directory.resolve("detections-000001.jsonl"))).doesNotContain("\"audit\"");
    }

    @Test
    void detectionQueriesSkipAuditRecords() throws Exception {
        request(Addresses.AUDIT_APPEND, modeChange(1));
        request(Addresses.JOURNAL_APPEND, TestDetections.detection(1));

        JsonObject detections = request(Addresses.JOURNAL_QUERY, new JsonObject());
        JsonObject audit = request(Addresses.AUDIT_QUERY, new JsonObject());

        assertThat(detections.getJsonArray("detections")).hasSize(1);
        assertThat(detections.getJsonArray("detections").getJsonObject(0).getString("id"))
                .isEqualTo(TestDetections.idOf(1));
        assertThat(audit.getJsonArray("records")).hasSize(1);
        JsonObject record = audit.getJsonArray("records").getJsonObject(0);
        assertThat(record.getString("action")).isEqualTo("rule-mode");
        assertThat(record.getJsonObject("client").getString("tokenFingerprint")).isEqualTo("sha256:0011");
        assertThat(audit.getValue("next")).isNull();
    }

    @Test
    void auditRecordsAreNotPublishedAsDetections() throws Exception {
        List<Object> detections = new CopyOnWriteArrayList<>();
        List<Object> audits = new CopyOnWriteArrayList<>();
        MessageConsumer<Object> detectionConsumer =
                vertx.eventBus().consumer(Addresses.DETECTIONS, message -> detections.add(message.body()));
        MessageConsumer<Object> auditConsumer = vertx.eventBus().consumer(Addresses.AUDIT, message -> audits.add(message.body()));
        await(detectionConsumer.completion());
        await(auditConsumer.completion());

        request(Addresses.AUDIT_APPEND, modeChange(1));
        request(Addresses.JOURNAL_APPEND, TestDetections.detection(1));

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while ((detections.isEmpty() || audits.isEmpty()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(audits).hasSize(1);
        assertThat(detections).hasSize(1);
        assertThat(((JsonObject) detections.getFirst()).containsKey("type")).isFalse();
    }

    @Test
    void auditSeqsContinueAfterRestart() throws Exception {
        request(Addresses.AUDIT_APPEND, modeChange(1));
        vertx.close().await(10, TimeUnit.SECONDS);
        deploy();

        JsonObject next = request(Addresses.AUDIT_APPEND, modeChange(2));

        assertThat(next.getLong("seq")).isEqualTo(2);
    }
}
