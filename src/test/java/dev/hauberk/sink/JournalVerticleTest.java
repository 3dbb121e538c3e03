package dev.hauberk.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hauberk.Addresses;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
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

class JournalVerticleTest {

    @TempDir
    Path temp;

    private Vertx vertx;
    private Path directory;

    @BeforeEach
    void startVertx() {
        vertx = Vertx.vertx();
        directory = temp.resolve("journal");
    }

    @AfterEach
    void closeVertx() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.await(10, TimeUnit.SECONDS);
    }

    private Future<String> deploy(JsonObject config) {
        return vertx.deployVerticle(new JournalVerticle(),
                new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER).setConfig(config));
    }

    private JsonObject request(String address, Object body) throws Exception {
        Message<JsonObject> reply = await(vertx.eventBus().request(address, body));
        return reply.body();
    }

    @Test
    void appendRepliesAndPublishesWithSeq() throws Exception {
        await(deploy(new JsonObject().put("directory", directory.toString())));
        List<JsonObject> published = new CopyOnWriteArrayList<>();
        MessageConsumer<JsonObject> consumer =
                vertx.eventBus().consumer(Addresses.DETECTIONS, message -> published.add(message.body()));
        await(consumer.completion());

        JsonObject first = request(Addresses.JOURNAL_APPEND, TestDetections.detection(1));
        JsonObject second = request(Addresses.JOURNAL_APPEND, TestDetections.detection(2));

        assertThat(first.getLong("seq")).isEqualTo(1);
        assertThat(first.getString("id")).isEqualTo(TestDetections.idOf(1));
        assertThat(second.getLong("seq")).isEqualTo(2);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (published.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(published).containsExactly(first, second);
    }

    @Test
    void queryAndStatsAnswerOnTheEventBus() throws Exception {
        await(deploy(new JsonObject().put("directory", directory.toString()).put("fsync", "always")));
        for (int n = 1; n <= 5; n++) {
            request(Addresses.JOURNAL_APPEND, TestDetections.detection(n));
        }

        JsonObject page = request(Addresses.JOURNAL_QUERY, new JsonObject().put("limit", 2).put("before", 5));
        JsonObject stats = request(Addresses.JOURNAL_STATS, new JsonObject());

        JsonArray detections = page.getJsonArray("detections");
        assertThat(detections.getJsonObject(0).getLong("seq")).isEqualTo(4);
        assertThat(detections.getJsonObject(1).getLong("seq")).isEqualTo(3);
        assertThat(page.getLong("next")).isEqualTo(3);
        assertThat(stats.getString("directory")).isEqualTo(directory.toString());
        assertThat(stats.getLong("lastSeq")).isEqualTo(5);
        assertThat(stats.getInteger("files")).isEqualTo(1);
        assertThat(stats.getLong("bytes")).isEqualTo(Files.size(directory.resolve("detections-000001.jsonl")));
        assertThat(stats.getLong("writeErrors")).isZero();
        assertThat(stats.getString("fsync")).isEqualTo("always");
    }

    @Test
    void invalidQueryFailsNamingTheField() throws Exception {
        await(deploy(new JsonObject().put("directory", directory.toString())));

        assertThatThrownBy(() -> request(Addresses.JOURNAL_QUERY, new JsonObject().put("limit", 5000)))
                .isInstanceOfSatisfying(ReplyException.class,
                        e -> assertThat(e.failureCode()).isEqualTo(JournalVerticle.FAILURE_INVALID_REQUEST))
                .hasMessageContaining("limit must be an integer from 1 to 1000, got 5000");
    }

    @Test
    void appendOfNonObjectFailsAsInvalidRequest() throws Exception {
        await(deploy(new JsonObject().put("directory", directory.toString())));

        assertThatThrownBy(() -> request(Addresses.JOURNAL_APPEND, "not json"))
                .isInstanceOfSatisfying(ReplyException.class,
                        e -> assertThat(e.failureCode()).isEqualTo(JournalVerticle.FAILURE_INVALID_REQUEST))
                .hasMessageContaining("expects a detection JSON object, got String");
    }

    @Test
    void failedWriteFailsOnlyThatRequest() throws Exception {
        await(deploy(new JsonObject().put("directory", directory.toString()).put("maxFileBytes", 1024)));
        request(Addresses.JOURNAL_APPEND, TestDetections.detection(1));
        Path moved = temp.resolve("moved-away");
        Files.move(directory, moved);

        assertThatThrownBy(() -> request(Addresses.JOURNAL_APPEND, TestDetections.detection(2)))
                .isInstanceOfSatisfying(ReplyException.class,
                        e -> assertThat(e.failureCode()).isEqualTo(JournalVerticle.FAILURE_WRITE))
                .hasMessageContaining(directory.resolve("detections-000002.jsonl").toString())
                .hasMessageContaining("no such file or directory");
        assertThat(request(Addresses.JOURNAL_STATS, null).getLong("writeErrors")).isEqualTo(1);

        Files.move(moved, directory);
        JsonObject written = request(Addresses.JOURNAL_APPEND, TestDetections.detection(3));
        assertThat(written.getLong("seq")).isEqualTo(3);
    }

    @Test
    void startFailsNamingTheInvalidKey() {
        JsonObject config = new JsonObject().put("directory", directory.toString()).put("fsync", "sometimes");

        assertThatThrownBy(() -> await(deploy(config)))
                .hasMessageContaining("journal config key 'fsync'")
                .hasMessageContaining("sometimes");
    }

    @Test
    void startFailsNamingUncreatableDirectory() throws Exception {
        Path file = temp.resolve("a-file");
        Files.writeString(file, "in the way\n");
        JsonObject config = new JsonObject().put("directory", file.resolve("journal").toString());

        assertThatThrownBy(() -> await(deploy(config)))
                .hasMessageContaining("journal cannot start")
                .hasMessageContaining(file.resolve("journal").toString());
    }
}
