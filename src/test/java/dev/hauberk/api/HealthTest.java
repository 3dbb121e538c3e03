package dev.hauberk.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthTest {

    @TempDir
    Path temp;

    private ApiFixture api;

    @BeforeEach
    void start() throws Exception {
        api = new ApiFixture(temp.resolve("journal"), new JsonObject());
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    @Test
    void healthIsOkWhenAllComponentsReply() throws Exception {
        api.registerComponents(true);
        api.append(1);
        api.append(2);

        HttpResponse<Buffer> response = api.get("/api/v1/health");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonObject health = response.bodyAsJsonObject();
        assertThat(health.getString("status")).isEqualTo("ok");
        assertThat(health.getLong("uptimeSeconds")).isNotNegative();
        assertThat(health.getJsonObject("sensor").getInteger("programsAttached")).isEqualTo(12);
        assertThat(health.getJsonObject("sensor").getString("status")).isEqualTo("ok");
        assertThat(health.getJsonObject("ring").getInteger("records")).isEqualTo(42);
        assertThat(health.getJsonObject("journal").getLong("lastSeq")).isEqualTo(2);
        assertThat(health.getJsonObject("journal").getString("fsync")).isEqualTo("interval");
        assertThat(health.getJsonObject("websocket"))
                .isEqualTo(new JsonObject().put("clients", 0).put("droppedFrames", 0L));
    }

    @Test
    void missingComponentMakesHealthDegraded() throws Exception {
        api.registerComponents(false);

        JsonObject health = api.get("/api/v1/health").bodyAsJsonObject();

        assertThat(health.getString("status")).isEqualTo("degraded");
        JsonObject ring = health.getJsonObject("ring");
        assertThat(ring.getString("status")).isEqualTo("unavailable");
        assertThat(ring.getString("error")).contains("no handler").contains("hauberk.ring.stats");
        assertThat(health.getJsonObject("sensor").getString("status")).isEqualTo("ok");
        assertThat(health.getJsonObject("journal").getString("status")).isEqualTo("ok");
    }

    @Test
    void silentComponentTimesOutAsUnavailable() throws Exception {
        api.registerComponents(false);
        api.registerSilentRing();

        long started = System.nanoTime();
        JsonObject health = api.get("/api/v1/health").bodyAsJsonObject();
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(health.getString("status")).isEqualTo("degraded");
        assertThat(health.getJsonObject("ring").getString("status")).isEqualTo("unavailable");
        assertThat(health.getJsonObject("ring").getString("error")).contains("within 2000 ms");
        assertThat(elapsedMs).isBetween(HttpVerticle.HEALTH_TIMEOUT_MS - 100, HttpVerticle.HEALTH_TIMEOUT_MS + 5_000);
    }

    @Test
    void instancesShareWebSocketCounters() throws Exception {
        List<HttpVerticle> instances = new CopyOnWriteArrayList<>();
        // Port 0 would give each instance a port of its own, so take a free port and share it.
        int freePort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            freePort = probe.getLocalPort();
        }
        JsonObject config = new JsonObject().put("host", "127.0.0.1").put("port", freePort)
                .put("tokenFile", api.tokenFile.toString());
        ApiFixture.await(api.vertx.deployVerticle(() -> {
            HttpVerticle instance = new HttpVerticle();
            instances.add(instance);
            return instance;
        }, new DeploymentOptions().setInstances(2).setConfig(config)));
        int port = instances.getFirst().actualPort();
        assertThat(port).isEqualTo(freePort);
        WebSocketClient webSockets = api.vertx.createWebSocketClient();

        // The shared server hands connections to the two instances in turn.
        WebSocket first = ApiFixture.await(webSockets.connect(port, "127.0.0.1", "/api/v1/stream"));
        WebSocket second = ApiFixture.await(webSockets.connect(port, "127.0.0.1", "/api/v1/stream"));
        JsonObject websocket = ApiFixture.await(api.client.get(port, "127.0.0.1", "/api/v1/health").send())
                .bodyAsJsonObject().getJsonObject("websocket");

        assertThat(instances).hasSize(2);
        assertThat(instances.get(1).actualPort()).isEqualTo(port);
        assertThat(websocket.getInteger("clients")).isEqualTo(2);
        ApiFixture.await(first.close());
        ApiFixture.await(second.close());
        ApiFixture.await(webSockets.close());
    }

    @Test
    void lostDetectionsAreListedAndDegradeTheStatus() {
        JsonObject sensor = new JsonObject().put("counters", new JsonObject().put("ringBufferFull", 3662).put("processTableFull", 0));
        JsonObject ring = new JsonObject().put("handoffDropped", 0).put("decodeErrors", 0).put("journalFailures", 2);
        JsonObject journal = new JsonObject().put("writeErrors", 0);

        assertThat(HealthHandler.losses(sensor, ring, journal).getList())
                .containsExactly("sensor.ringBufferFull: 3662", "ring.journalFailures: 2");
        assertThat(HealthHandler.losses(new JsonObject(), new JsonObject(), new JsonObject()).getList()).isEmpty();
    }
}
