package dev.hauberk.e2e;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A WebSocket client of /api/v1/stream that keeps every frame it receives. */
final class StreamRecorder implements WebSocket.Listener, AutoCloseable {

    private final List<JsonObject> frames = new CopyOnWriteArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private final WebSocket socket;

    private StreamRecorder(URI uri) throws Exception {
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, this)
                .get(10, TimeUnit.SECONDS);
    }

    static StreamRecorder connect(URI uri) throws Exception {
        return new StreamRecorder(uri);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            frames.add(new JsonObject(partial.toString()));
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    Optional<JsonObject> await(Predicate<JsonObject> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            Optional<JsonObject> found = frames.stream().filter(match).findFirst();
            if (found.isPresent()) {
                return found;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        return Optional.empty();
    }

    List<JsonObject> frames() {
        return List.copyOf(frames);
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    }
}
