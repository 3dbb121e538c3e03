package dev.hauberk.api;

import dev.hauberk.Addresses;
import dev.hauberk.sink.JournalVerticle;
import dev.hauberk.sink.TestDetections;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real Vert.x with a JournalVerticle in a temporary directory, an HttpVerticle on an
 * ephemeral port of 127.0.0.1, and stand-ins for the rule service, the sensor and the ring
 * reader that the tests register as they need them.
 */
final class ApiFixture implements AutoCloseable {

    static final JsonArray RULES = new JsonArray()
            .add(new JsonObject().put("id", 1001).put("name", "exec-from-world-writable-dir")
                    .put("category", "execution").put("severity", "high").put("mode", "monitor"))
            .add(new JsonObject().put("id", 2001).put("name", "outbound-to-mining-pool")
                    .put("category", "network").put("severity", "medium").put("mode", "enforce"));

    final Vertx vertx = Vertx.vertx();
    final WebClient client = WebClient.create(vertx);
    final int port;
    /** The API token file, created by the HTTP verticle next to the journal directory. */
    final Path tokenFile;

    ApiFixture(Path journalDirectory, JsonObject journalConfig) throws Exception {
        JsonObject config = journalConfig.copy().put("directory", journalDirectory.toString());
        await(vertx.deployVerticle(new JournalVerticle(),
                new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER).setConfig(config)));
        tokenFile = journalDirectory.resolveSibling("api-token");
        HttpVerticle http = new HttpVerticle();
        await(vertx.deployVerticle(http, new DeploymentOptions()
                .setConfig(new JsonObject().put("host", "127.0.0.1").put("port", 0).put("tokenFile", tokenFile.toString()))));
        port = http.actualPort();
    }

    /** Returns the token the HTTP verticle created. */
    String token() throws java.io.IOException {
        return java.nio.file.Files.readString(tokenFile).strip();
    }

    static <T> T await(Future<T> future) throws Exception {
        return future.await(20, TimeUnit.SECONDS);
    }

    /** Registers stand-ins that reply to RULES_LIST, SENSOR_STATS and, if asked, RING_STATS. */
    void registerComponents(boolean withRing) throws Exception {
        await(vertx.eventBus().consumer(Addresses.RULES_LIST, message -> message.reply(RULES.copy())).completion());
        await(vertx.eventBus().consumer(Addresses.SENSOR_STATS,
                message -> message.reply(new JsonObject().put("programsAttached", 12).put("lostEvents", 0)))
                .completion());
        if (withRing) {
            await(vertx.eventBus().consumer(Addresses.RING_STATS,
                    message -> message.reply(new JsonObject().put("records", 42).put("dropped", 0))).completion());
        }
    }

    /** Registers a RING_STATS handler that never replies, as a hung component would. */
    MessageConsumer<Object> registerSilentRing() throws Exception {
        MessageConsumer<Object> silent = vertx.eventBus().consumer(Addresses.RING_STATS, message -> { });
        await(silent.completion());
        return silent;
    }

    /** Appends detection {@code n} through JOURNAL_APPEND, as the ring reader does, and returns its seq. */
    long append(int n) throws Exception {
        JsonObject written = await(vertx.eventBus()
                .<JsonObject>request(Addresses.JOURNAL_APPEND, TestDetections.detection(n))).body();
        return written.getLong("seq");
    }

    HttpResponse<Buffer> get(String uri) throws Exception {
        return await(client.get(port, "127.0.0.1", uri).send());
    }

    @Override
    public void close() throws Exception {
        client.close();
        vertx.close().await(20, TimeUnit.SECONDS);
    }
}
