package dev.hauberk.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hauberk.Addresses;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rule endpoints and their authentication, against a stand-in rule service that records
 * what reaches it: a rejected request must never reach it.
 */
class RulesApiTest {

    @TempDir
    Path temp;

    private ApiFixture api;
    private final List<JsonObject> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        api = new ApiFixture(temp.resolve("journal"), new JsonObject());
        api.registerComponents(true);
        register(Addresses.RULES_GET, message -> {
            if ("1".equals(message.body().getString("rule"))) {
                message.reply(new JsonObject().put("id", 1).put("name", "exec-world-writable-dir")
                        .put("counters", new JsonObject().put("reported", 3)));
            } else {
                message.fail(404, "no rule with id or name '" + message.body().getString("rule") + "'");
            }
        });
        register(Addresses.RULES_SET_MODE, message -> {
            if (!"1".equals(message.body().getString("rule"))) {
                message.fail(404, "no rule with id or name '" + message.body().getString("rule") + "'");
                return;
            }
            message.reply(new JsonObject().put("rule", new JsonObject().put("id", 1)
                    .put("mode", message.body().getString("mode"))).put("previousMode", "monitor").put("auditSeq", 1));
        });
        register(Addresses.RULES_SET_CATEGORY_MODE, message -> {
            if (!"networking".equals(message.body().getString("category"))) {
                message.fail(404, "no rules in category '" + message.body().getString("category") + "'");
                return;
            }
            message.reply(new JsonObject().put("category", "networking").put("rules", new JsonArray()));
        });
        register(Addresses.RULES_RELOAD, message -> message.reply(new JsonObject().put("result", "rejected")
                .put("errors", new JsonArray().add("/etc/hauberk/rules/a.yaml:3:7: scope.ports: '0' is out of range"))));
    }

    private void register(String address, io.vertx.core.Handler<Message<JsonObject>> handler) throws Exception {
        ApiFixture.await(api.vertx.eventBus().<JsonObject>consumer(address, message -> {
            received.add(message.body() == null ? new JsonObject() : message.body());
            handler.handle(message);
        }).completion());
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    private HttpResponse<Buffer> send(HttpRequest<Buffer> request, String token, String body) throws Exception {
        if (token != null) {
            request.putHeader("Authorization", "Bearer " + token);
        }
        return ApiFixture.await(body == null ? request.send() : request.sendBuffer(Buffer.buffer(body)));
    }

    private HttpResponse<Buffer> put(String path, String token, String body) throws Exception {
        return send(api.client.put(api.port, "127.0.0.1", path), token, body);
    }

    private HttpResponse<Buffer> post(String path, String token, String body) throws Exception {
        return send(api.client.post(api.port, "127.0.0.1", path), token, body);
    }

    private static void assertError(HttpResponse<Buffer> response, int status, String field, String message) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
        JsonObject body = response.bodyAsJsonObject();
        assertThat(body.getString("field")).isEqualTo(field);
        assertThat(body.getString("error")).contains(message);
    }

    @Test
    void modeChangeWithoutTokenIsRejected() throws Exception {
        HttpResponse<Buffer> response = put("/api/v1/rules/1/mode", null, "{\"mode\":\"enforce\"}");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"hauberk\"");
        assertThat(response.bodyAsJsonObject().getString("error")).startsWith("missing bearer token")
                .contains(api.tokenFile.toString());
        assertThat(received).isEmpty();
    }

    @Test
    void modeChangeWithWrongTokenIsRejected() throws Exception {
        HttpResponse<Buffer> response = put("/api/v1/rules/1/mode", "f".repeat(64), "{\"mode\":\"enforce\"}");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.bodyAsJsonObject().getString("error")).startsWith("invalid bearer token");
        assertThat(received).isEmpty();
    }

    @Test
    void basicAuthSchemeIsRejected() throws Exception {
        HttpResponse<Buffer> response = ApiFixture.await(api.client.put(api.port, "127.0.0.1", "/api/v1/rules/1/mode")
                .putHeader("Authorization", "Basic " + api.token()).sendBuffer(Buffer.buffer("{\"mode\":\"enforce\"}")));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(received).isEmpty();
    }

    @Test
    void modeChangeWithTokenReachesRuleService() throws Exception {
        HttpResponse<Buffer> response = put("/api/v1/rules/1/mode", api.token(), "{\"mode\":\"enforce\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.bodyAsJsonObject().getJsonObject("rule").getString("mode")).isEqualTo("enforce");
        assertThat(response.bodyAsJsonObject().getString("previousMode")).isEqualTo("monitor");
        JsonObject request = received.getFirst();
        assertThat(request.getString("rule")).isEqualTo("1");
        assertThat(request.getString("mode")).isEqualTo("enforce");
        JsonObject client = request.getJsonObject("client");
        assertThat(client.getString("address")).startsWith("127.0.0.1:");
        assertThat(client.getString("tokenFingerprint")).isEqualTo(ApiToken.of(api.token()).fingerprint());
        assertThat(client.getString("via")).isEqualTo("http");
        assertThat(request.encode()).doesNotContain(api.token());
    }

    @Test
    void readsStayOpenOnLoopback() throws Exception {
        assertThat(api.get("/api/v1/rules").statusCode()).isEqualTo(200);
        HttpResponse<Buffer> one = api.get("/api/v1/rules/1");
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(one.bodyAsJsonObject().getJsonObject("counters").getLong("reported")).isEqualTo(3);
    }

    @Test
    void unknownRuleIsNotFound() throws Exception {
        HttpResponse<Buffer> get = api.get("/api/v1/rules/no-such-rule");
        HttpResponse<Buffer> put = put("/api/v1/rules/no-such-rule/mode", api.token(), "{\"mode\":\"off\"}");

        assertThat(get.statusCode()).isEqualTo(404);
        assertThat(get.bodyAsJsonObject().getString("error")).contains("no rule with id or name 'no-such-rule'");
        assertThat(put.statusCode()).isEqualTo(404);
        assertThat(put.bodyAsJsonObject().getString("error")).contains("'no-such-rule'");
    }

    @Test
    void unknownCategoryIsNotFound() throws Exception {
        HttpResponse<Buffer> response = put("/api/v1/rules/categories/plumbing/mode", api.token(), "{\"mode\":\"off\"}");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.bodyAsJsonObject().getString("error")).contains("no rules in category 'plumbing'");
    }

    @Test
    void categoryModeWithTokenReachesRuleService() throws Exception {
        HttpResponse<Buffer> response = put("/api/v1/rules/categories/networking/mode", api.token(),
                "{\"mode\":\"monitor\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(received.getFirst().getString("category")).isEqualTo("networking");
        assertThat(received.getFirst().getString("mode")).isEqualTo("monitor");
    }

    @Test
    void categoryModeWithoutTokenIsRejected() throws Exception {
        assertThat(put("/api/v1/rules/categories/networking/mode", null, "{\"mode\":\"off\"}").statusCode())
                .isEqualTo(401);
        assertThat(received).isEmpty();
    }

    @Test
    void malformedBodyNamesBody() throws Exception {
        assertError(put("/api/v1/rules/1/mode", api.token(), "{mode: enforce"), 400, "body", "not a JSON object");
        assertError(put("/api/v1/rules/1/mode", api.token(), "[\"enforce\"]"), 400, "body", "not a JSON object");
        assertError(put("/api/v1/rules/1/mode", api.token(), null), 400, "body", "got nothing");
        assertThat(received).isEmpty();
    }

    @Test
    void unknownFieldIsNamed() throws Exception {
        assertError(put("/api/v1/rules/1/mode", api.token(), "{\"mode\":\"enforce\",\"force\":true}"), 400, "force",
                "unknown field 'force'");
        assertThat(received).isEmpty();
    }

    @Test
    void invalidModeNamesMode() throws Exception {
        assertError(put("/api/v1/rules/1/mode", api.token(), "{\"mode\":\"block\"}"), 400, "mode",
                "mode must be \"off\", \"monitor\" or \"enforce\", got \"block\"");
        assertError(put("/api/v1/rules/1/mode", api.token(), "{\"mode\":2}"), 400, "mode", "got 2");
        assertError(put("/api/v1/rules/1/mode", api.token(), "{}"), 400, "mode", "got nothing");
        assertThat(received).isEmpty();
    }

    @Test
    void oversizedBodyIsRejected() throws Exception {
        HttpResponse<Buffer> response = put("/api/v1/rules/1/mode", api.token(),
                "{\"mode\":\"" + "x".repeat(5000) + "\"}");

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.bodyAsJsonObject().getString("error")).contains("4096 bytes");
        assertThat(received).isEmpty();
    }

    @Test
    void rejectedReloadIsUnprocessable() throws Exception {
        HttpResponse<Buffer> response = post("/api/v1/rules/reload", api.token(), null);

        assertThat(response.statusCode()).isEqualTo(422);
        JsonObject body = response.bodyAsJsonObject();
        assertThat(body.getString("result")).isEqualTo("rejected");
        assertThat(body.getJsonArray("errors").getString(0)).startsWith("/etc/hauberk/rules/a.yaml:3:7:");
    }

    @Test
    void reloadWithoutTokenIsRejected() throws Exception {
        assertThat(post("/api/v1/rules/reload", null, null).statusCode()).isEqualTo(401);
        assertThat(post("/api/v1/rules/reload", "wrong", "{}").statusCode()).isEqualTo(401);
        assertThat(received).isEmpty();
    }

    @Test
    void reloadWithParameterIsRejected() throws Exception {
        assertError(post("/api/v1/rules/reload", api.token(), "{\"dryRun\":true}"), 400, "dryRun",
                "unknown field 'dryRun'");
        assertThat(received).isEmpty();
    }

    @Test
    void auditPageComesFromAuditJournal() throws Exception {
        ApiFixture.await(api.vertx.eventBus().request(Addresses.AUDIT_APPEND,
                new JsonObject().put("action", "reload").put("result", "applied").put("generation", 2)));

        HttpResponse<Buffer> response = api.get("/api/v1/audit?limit=5");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonArray records = response.bodyAsJsonObject().getJsonArray("records");
        assertThat(records).hasSize(1);
        assertThat(records.getJsonObject(0).getString("type")).isEqualTo("audit");
        assertThat(records.getJsonObject(0).getInteger("generation")).isEqualTo(2);
        assertThat(api.get("/api/v1/detections").bodyAsJsonObject().getJsonArray("detections")).isEmpty();
        assertThat(api.get("/api/v1/audit?limit=0").statusCode()).isEqualTo(400);
        assertThat(api.get("/api/v1/audit?rule=1").bodyAsJsonObject().getString("field")).isEqualTo("rule");
    }
}
