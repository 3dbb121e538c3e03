package dev.hauberk.api;

import static dev.hauberk.api.ApiFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hauberk.Addresses;
import dev.hauberk.sink.TestDetections;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamTest {

    @TempDir
    Path temp;

    private ApiFixture api;
    private WebSocketClient webSockets;

    @BeforeEach
    void start() throws Exception {
        // Small files and a small index, so that a replay reads files too; enough files to keep everything.
        JsonObject journalConfig = new JsonObject().put("maxFileBytes", 65_536).put("maxFiles", 1000)
                .put("indexSize", 500);
        api = new ApiFixture(temp.resolve("journal"), journalConfig);
        webSockets = api.vertx.createWebSocketClient();
    }

    @AfterEach
    void stop() throws Exception {
        await(webSockets.close());
        api.close();
    }

    /** Opens a stream whose text frames are collected in {@code frames}; handlers are set before connecting. */
    private ClientWebSocket connect(String uri, List<JsonObject> frames, boolean paused) throws Exception {
        ClientWebSocket socket = webSockets.webSocket();
        socket.textMessageHandler(text -> frames.add(new JsonObject(text)));
        await(socket.connect(api.port, "127.0.0.1", uri));
        if (paused) {
            socket.pause();
        }
        return socket;
    }

    private JsonObject websocketHealth() throws Exception {
        return api.get("/api/v1/health").bodyAsJsonObject().getJsonObject("websocket");
    }

    private static void waitUntil(String description, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after 30 s waiting until " + description);
            }
            Thread.sleep(10);
        }
    }

    private static boolean hasSeq(List<JsonObject> frames, long seq) {
        return !frames.isEmpty() && frames.getLast().getLong("seq") >= seq;
    }

    private static List<Long> seqs(List<JsonObject> frames) {
        return frames.stream().map(frame -> frame.getLong("seq")).toList();
    }

    private static List<Long> range(long fromInclusive, long toInclusive) {
        return LongStream.rangeClosed(fromInclusive, toInclusive).boxed().toList();
    }

    /** Asserts that the frames are exactly seqs first..last, reporting the first gap or duplicate. */
    private static void assertSeqsExactly(List<JsonObject> frames, long first, long last) {
        List<Long> seqs = seqs(frames);
        long expected = first;
        for (int i = 0; i < seqs.size(); i++, expected++) {
            if (seqs.get(i) != expected) {
                throw new AssertionError("frame " + i + " has seq " + seqs.get(i) + ", expected " + expected
                        + " (" + seqs.size() + " frames from " + seqs.getFirst() + " to " + seqs.getLast() + ")");
            }
        }
        assertThat(seqs).as("frame count").hasSize((int) (last - first + 1));
    }

    /** Appends detections first..last without waiting for each reply, then waits for all. */
    private void appendAll(int first, int last) throws Exception {
        List<Future<Message<Object>>> replies = new ArrayList<>();
        for (int n = first; n <= last; n++) {
            replies.add(api.vertx.eventBus().request(Addresses.JOURNAL_APPEND, TestDetections.detection(n)));
        }
        await(Future.all(replies));
    }

    /**
     * Holds back the first oldest-first journal query, as a slow journal would, until
     * {@link #release()} is called.
     */
    private static final class ReplayQueryGate implements Handler<DeliveryContext<Object>> {

        private final CompletableFuture<Runnable> heldQuery = new CompletableFuture<>();

        @Override
        public void handle(DeliveryContext<Object> delivery) {
            boolean replayQuery = delivery.message().address().equals(Addresses.JOURNAL_QUERY)
                    && delivery.body() instanceof JsonObject query && "oldest".equals(query.getString("order"));
            if (!replayQuery || heldQuery.isDone()) {
                delivery.next();
                return;
            }
            Context context = Vertx.currentContext();
            heldQuery.complete(() -> context.runOnContext(ignored -> delivery.next()));
        }

        void awaitHeld() throws Exception {
            heldQuery.get(20, TimeUnit.SECONDS);
        }

        void release() throws Exception {
            heldQuery.get(20, TimeUnit.SECONDS).run();
        }
    }

    @Test
    void streamSendsLiveDetections() throws Exception {
        List<JsonObject> frames = new CopyOnWriteArrayList<>();
        connect("/api/v1/stream", frames, false);
        waitUntil("the client is counted", () -> {
            try {
                return websocketHealth().getInteger("clients") == 1;
            } catch (Exception e) {
                return false;
            }
        });

        for (int n = 1; n <= 3; n++) {
            api.append(n);
        }
        waitUntil("3 frames arrived", () -> frames.size() >= 3);

        assertThat(seqs(frames)).containsExactly(1L, 2L, 3L);
        assertThat(frames.getFirst().getString("id")).isEqualTo(TestDetections.idOf(1));
    }

    @Test
    void streamReplaysAfterCursorThenGoesLive() throws Exception {
        for (int n = 1; n <= 10; n++) {
            api.append(n);
        }
        List<JsonObject> frames = new CopyOnWriteArrayList<>();

        connect("/api/v1/stream?after=4", frames, false);
        waitUntil("the replay reached seq 10", () -> hasSeq(frames, 10));
        api.append(11);
        waitUntil("live seq 11 arrived", () -> hasSeq(frames, 11));

        assertThat(seqs(frames)).isEqualTo(range(5, 11));
    }

    @Test
    void appendsDuringReplayQueryAreNotDuplicated() throws Exception {
        for (int n = 1; n <= 20; n++) {
            api.append(n);
        }
        ReplayQueryGate gate = new ReplayQueryGate();
        api.vertx.eventBus().addOutboundInterceptor(gate);
        List<JsonObject> frames = new CopyOnWriteArrayList<>();

        connect("/api/v1/stream?after=10", frames, false);
        gate.awaitHeld();
        // Published while the connection replays, and also in the journal when the held query runs.
        for (int n = 21; n <= 25; n++) {
            api.append(n);
        }
        gate.release();
        waitUntil("the replay reached seq 25", () -> hasSeq(frames, 25));
        api.append(26);
        waitUntil("live seq 26 arrived", () -> hasSeq(frames, 26));

        assertThat(seqs(frames)).isEqualTo(range(11, 26));
    }

    @Test
    void replayWithConcurrentAppendsHasNoGaps() throws Exception {
        appendAll(1, 3000);
        List<JsonObject> frames = new CopyOnWriteArrayList<>();

        connect("/api/v1/stream?after=100", frames, false);
        for (int n = 3001; n <= 3300; n++) {
            api.append(n);
        }
        int framesWhenAppendsEnded = frames.size();
        waitUntil("seq 3300 arrived", () -> hasSeq(frames, 3300));

        assertSeqsExactly(frames, 101, 3300);
        assertThat(framesWhenAppendsEnded).as("frames that arrived while appending").isNotNegative();
    }

    @Test
    void replayBufferOverflowReplaysTheRest() throws Exception {
        api.append(1);
        ReplayQueryGate gate = new ReplayQueryGate();
        api.vertx.eventBus().addOutboundInterceptor(gate);
        List<JsonObject> frames = new CopyOnWriteArrayList<>();

        connect("/api/v1/stream?after=0", frames, false);
        gate.awaitHeld();
        int overflowing = StreamConnection.MAX_BUFFERED_DURING_REPLAY + 50;
        appendAll(2, 1 + overflowing);
        gate.release();
        long last = 1 + overflowing;
        waitUntil("seq " + last + " arrived", () -> hasSeq(frames, last));

        assertSeqsExactly(frames, 1, last);
    }

    @Test
    void invalidCursorIsRejectedWith400() {
        ClientWebSocket socket = webSockets.webSocket();

        assertThatThrownBy(() -> await(socket.connect(api.port, "127.0.0.1", "/api/v1/stream?after=soon")))
                .isInstanceOfSatisfying(UpgradeRejectedException.class, rejected -> {
                    assertThat(rejected.getStatus()).isEqualTo(400);
                    JsonObject body = rejected.getBody().toJsonObject();
                    assertThat(body.getString("field")).isEqualTo("after");
                    assertThat(body.getString("error")).contains("got \"soon\"");
                });
    }

    @Test
    void plainGetOnStreamGets400Json() throws Exception {
        HttpResponse<Buffer> response = api.get("/api/v1/stream");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.bodyAsJsonObject().getString("error")).contains("WebSocket");
    }

    @Test
    void closedClientIsNoLongerCounted() throws Exception {
        List<JsonObject> frames = new CopyOnWriteArrayList<>();
        ClientWebSocket socket = connect("/api/v1/stream", frames, false);
        waitUntil("the client is counted", () -> clients() == 1);

        await(socket.close());
        waitUntil("the client is no longer counted", () -> clients() == 0);
        api.append(1);

        assertThat(websocketHealth().getInteger("clients")).isZero();
        assertThat(frames).isEmpty();
    }

    @Test
    void slowClientFramesAreDroppedAndCounted() throws Exception {
        List<JsonObject> frames = new CopyOnWriteArrayList<>();
        ClientWebSocket socket = connect("/api/v1/stream", frames, true);
        waitUntil("the client is counted", () -> clients() == 1);
        String padding = "x".repeat(16 * 1024);

        // Published directly, without the journal: only the stream's write path is under test.
        long seq = 0;
        for (int batch = 0; batch < 100 && websocketHealth().getLong("droppedFrames") == 0; batch++) {
            for (int i = 0; i < 100; i++) {
                seq++;
                api.vertx.eventBus().publish(Addresses.DETECTIONS, new JsonObject().put("seq", seq)
                        .put("padding", padding));
            }
        }
        long published = seq;
        long dropped = websocketHealth().getLong("droppedFrames");
        socket.resume();
        waitUntil("the stream is idle", () -> {
            int before = frames.size();
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return frames.size() == before;
        });

        assertThat(dropped).isPositive();
        assertThat(clients()).isEqualTo(1);
        List<Long> received = seqs(frames);
        assertThat(received).isSorted().doesNotHaveDuplicates();
        assertThat(received.size()).isLessThan((int) published);
        assertThat(received.size() + websocketHealth().getLong("droppedFrames")).isEqualTo(published);
    }

    private int clients() {
        try {
            return websocketHealth().getInteger("clients");
        } catch (Exception e) {
            throw new AssertionError("health request failed", e);
        }
    }
}
