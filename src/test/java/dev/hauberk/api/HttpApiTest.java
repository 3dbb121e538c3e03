package dev.hauberk.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpApiTest {

    @TempDir
    Path temp;

    private ApiFixture api;

    @BeforeEach
    void start() throws Exception {
        // Small files and a small index, so that older pages come from the files.
        JsonObject journalConfig = new JsonObject().put("maxFileBytes", 16_384).put("maxFiles", 1000)
                .put("indexSize", 50);
        api = new ApiFixture(temp.resolve("journal"), journalConfig);
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    private static List<Long> seqs(JsonObject page) {
        List<Long> seqs = new ArrayList<>();
        JsonArray detections = page.getJsonArray("detections");
        for (int i = 0; i < detections.size(); i++) {
            seqs.add(detections.getJsonObject(i).getLong("seq"));
        }
        return seqs;
    }

    private static void assertJsonError(HttpResponse<Buffer> response, int status) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(response.bodyAsJsonObject().getString("error")).isNotBlank();
        assertThat(response.bodyAsString()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void detectionsReturnsNewestFirstWithCursor() throws Exception {
        for (int n = 1; n <= 5; n++) {
            api.append(n);
        }

        HttpResponse<Buffer> response = api.get("/api/v1/detections?limit=2");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
        JsonObject page = response.bodyAsJsonObject();
        assertThat(seqs(page)).containsExactly(5L, 4L);
        assertThat(page.getLong("next")).isEqualTo(4);
        assertThat(page.getJsonArray("detections").getJsonObject(0).getString("id"))
                .isEqualTo(dev.hauberk.sink.TestDetections.idOf(5));
    }

    @Test
    void detectionsDefaultsToTheNewestHundred() throws Exception {
        for (int n = 1; n <= 120; n++) {
            api.append(n);
        }

        JsonObject page = api.get("/api/v1/detections").bodyAsJsonObject();

        assertThat(seqs(page)).hasSize(100);
        assertThat(seqs(page).getFirst()).isEqualTo(120);
        assertThat(page.getLong("next")).isEqualTo(21);
    }

    @Test
    void queryPagesOlderDetectionsFromFiles() throws Exception {
        for (int n = 1; n <= 230; n++) {
            api.append(n);
        }

        List<Long> visited = new ArrayList<>();
        String uri = "/api/v1/detections?limit=40";
        for (int pages = 0; pages < 20; pages++) {
            JsonObject page = api.get(uri).bodyAsJsonObject();
            visited.addAll(seqs(page));
            if (page.getValue("next") == null) {
                break;
            }
            uri = "/api/v1/detections?limit=40&before=" + page.getLong("next");
        }

        List<Long> expected = new ArrayList<>();
        for (long seq = 230; seq >= 1; seq--) {
            expected.add(seq);
        }
        assertThat(visited).isEqualTo(expected);
    }

    @Test
    void detectionsBetweenAfterAndBefore() throws Exception {
        for (int n = 1; n <= 30; n++) {
            api.append(n);
        }

        JsonObject page = api.get("/api/v1/detections?after=10&before=15").bodyAsJsonObject();

        assertThat(seqs(page)).containsExactly(14L, 13L, 12L, 11L);
        assertThat(page.getValue("next")).isNull();
    }

    @Test
    void emptyJournalGivesEmptyPage() throws Exception {
        HttpResponse<Buffer> response = api.get("/api/v1/detections");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.bodyAsJsonObject())
                .isEqualTo(new JsonObject().put("detections", new JsonArray()).putNull("next"));
    }

    @Test
    void invalidParametersGet400NamingField() throws Exception {
        String[][] cases = {
            {"limit=0", "limit", "from 1 to 1000"},
            {"limit=1001", "limit", "from 1 to 1000"},
            {"limit=ten", "limit", "got \"ten\""},
            {"limit=", "limit", "from 1 to 1000"},
            {"limit=5&limit=6", "limit", "at most once"},
            {"before=-1", "before", "from 0 to 9223372036854775807"},
            {"before=1.5", "before", "got \"1.5\""},
            {"after=abc", "after", "from 0 to 9223372036854775807"},
            {"after=99999999999999999999", "after", "from 0 to"},
        };
        for (String[] testCase : cases) {
            HttpResponse<Buffer> response = api.get("/api/v1/detections?" + testCase[0]);

            assertJsonError(response, 400);
            JsonObject body = response.bodyAsJsonObject();
            assertThat(body.getString("field")).as(testCase[0]).isEqualTo(testCase[1]);
            assertThat(body.getString("error")).as(testCase[0]).startsWith(testCase[1] + " must be")
                    .contains(testCase[2]);
        }
    }

    @Test
    void misspelledParameterGets400InsteadOfTheNewestPage() throws Exception {
        HttpResponse<Buffer> response = api.get("/api/v1/detections?befor=5");

        assertJsonError(response, 400);
        assertThat(response.bodyAsJsonObject().getString("field")).isEqualTo("befor");
        assertThat(response.bodyAsJsonObject().getString("error"))
                .isEqualTo("unknown query parameter \"befor\"; expected after, before, limit");
    }

    @Test
    void rulesForwardsTheRuleList() throws Exception {
        api.registerComponents(true);

        HttpResponse<Buffer> response = api.get("/api/v1/rules");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("rules", ApiFixture.RULES));
    }

    @Test
    void rulesWithoutRuleServiceGets503() throws Exception {
        HttpResponse<Buffer> response = api.get("/api/v1/rules");

        assertJsonError(response, 503);
        assertThat(response.bodyAsJsonObject().getString("error")).contains("hauberk.rules.list");
    }

    @Test
    void unknownPathGets404Json() throws Exception {
        HttpResponse<Buffer> response = api.get("/api/v1/nothing-here");

        assertJsonError(response, 404);
        assertThat(response.bodyAsJsonObject().getString("error")).contains("/api/v1/nothing-here");
    }

    @Test
    void wrongMethodGets405Json() throws Exception {
        HttpResponse<Buffer> response = ApiFixture.await(
                api.client.delete(api.port, "127.0.0.1", "/api/v1/detections").send());

        assertJsonError(response, 405);
    }

    @Test
    void bindFailureNamesHostAndPort() throws Exception {
        // A plain socket, because HttpVerticles of one Vert.x instance would share the port.
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            JsonObject config = new JsonObject().put("host", "127.0.0.1").put("port", taken.getLocalPort())
                    .put("tokenFile", api.tokenFile.toString());

            assertThatThrownBy(() -> ApiFixture.await(api.vertx.deployVerticle(new HttpVerticle(),
                    new DeploymentOptions().setConfig(config))))
                    .hasMessageContaining("HTTP API cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void invalidPortIsRejectedNamingKey() {
        JsonObject config = new JsonObject().put("port", 70_000);

        assertThatThrownBy(() -> ApiFixture.await(api.vertx.deployVerticle(new HttpVerticle(),
                new DeploymentOptions().setConfig(config))))
                .hasMessageContaining("'port'")
                .hasMessageContaining("70000");
    }
}
