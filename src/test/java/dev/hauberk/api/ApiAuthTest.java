package dev.hauberk.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The read policy of a non-loopback listener, exercised on 127.0.0.1: with reads requiring
 * the token, every endpoint and the WebSocket upgrade respond with 401 without it.
 */
class ApiAuthTest {

    private static final String TOKEN = "0123456789abcdef0123456789abcdef";

    private final Vertx vertx = Vertx.vertx();
    private final WebClient client = WebClient.create(vertx);
    private HttpServer server;

    @BeforeEach
    void listen() throws Exception {
        ApiAuth auth = new ApiAuth(ApiToken.of(TOKEN), true, "/etc/hauberk/api-token");
        Router router = Router.router(vertx);
        router.route("/api/v1/*").handler(auth.forReads());
        router.get("/api/v1/rules").handler(context -> context.json(new io.vertx.core.json.JsonObject().put("rules",
                new io.vertx.core.json.JsonArray())));
        router.get("/api/v1/stream").handler(context -> context.request().toWebSocket()
                .onSuccess(socket -> socket.writeTextMessage("{}")));
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void readWithoutTokenIsRejected() throws Exception {
        var response = client.get(server.actualPort(), "127.0.0.1", "/api/v1/rules").send().await(10, TimeUnit.SECONDS);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.bodyAsJsonObject().getString("error")).startsWith("missing bearer token");
    }

    @Test
    void readWithTokenIsServed() throws Exception {
        var response = client.get(server.actualPort(), "127.0.0.1", "/api/v1/rules")
                .putHeader("Authorization", "Bearer " + TOKEN).send().await(10, TimeUnit.SECONDS);

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void webSocketWithoutTokenIsRejected() {
        WebSocketClient webSockets = vertx.createWebSocketClient();

        assertThatThrownBy(() -> webSockets.connect(server.actualPort(), "127.0.0.1", "/api/v1/stream")
                .await(10, TimeUnit.SECONDS))
                .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(401));
    }

    @Test
    void webSocketWithTokenConnects() throws Exception {
        WebSocketClient webSockets = vertx.createWebSocketClient();
        WebSocketConnectOptions options = new WebSocketConnectOptions().setPort(server.actualPort()).setHost("127.0.0.1")
                .setURI("/api/v1/stream").addHeader("Authorization", "Bearer " + TOKEN);

        var socket = webSockets.connect(options).await(10, TimeUnit.SECONDS);

        assertThat(socket.isClosed()).isFalse();
        socket.close().await(10, TimeUnit.SECONDS);
    }
}
