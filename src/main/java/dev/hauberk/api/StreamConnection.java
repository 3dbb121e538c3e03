package dev.hauberk.api;

import dev.hauberk.Addresses;
import dev.hauberk.sink.JournalQuery;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket client of the detection stream. Sends each detection that the journal
 * publishes on {@link Addresses#DETECTIONS} as one JSON text frame, in seq order.
 *
 * <p>With a cursor ({@code ?after=SEQ}) the connection first replays from the journal every
 * detection with a greater seq, oldest first, in pages, and then goes live. It subscribes
 * before the first replay query, so a detection is either in the journal when a query runs or
 * arrives live after the subscription. Live detections that arrive during the replay are
 * buffered, and those with a seq at or below the last replayed one are dropped as duplicates.
 * When more than {@link #MAX_BUFFERED_DURING_REPLAY} arrive during the replay, the buffer is
 * emptied and the replay runs one more round, because the journal has them all.
 *
 * <p>A slow client: the replay waits for the socket's write queue to drain before each page,
 * but a live frame that finds the write queue full is dropped and counted, per connection and
 * in {@link StreamCounters}, so memory stays bounded.
 *
 * <p>Only detections of this host's journal are streamed: the subscription is local, so on a
 * clustered event bus the seqs of other hosts never mix into the cursor.
 *
 * <p>All methods run on the HTTP verticle's event loop.
 */
final class StreamConnection {

    /** Detections per replay query, the maximum the journal serves. */
    static final int REPLAY_PAGE_SIZE = JournalQuery.MAX_LIMIT;
    /** Live detections buffered during a replay before the buffer is emptied and the replay extended. */
    static final int MAX_BUFFERED_DURING_REPLAY = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(StreamConnection.class);
    private static final short CLOSE_INTERNAL_ERROR = 1011;

    private enum State { REPLAYING, LIVE, CLOSED }

    private final ServerWebSocket socket;
    private final EventBus eventBus;
    private final StreamCounters counters;
    private final DeliveryOptions queryOptions;
    private final ArrayDeque<JsonObject> bufferedDuringReplay = new ArrayDeque<>();

    private MessageConsumer<Object> consumer;
    private State state = State.LIVE;
    private boolean bufferOverflowed;
    /** The seq of the last detection sent, or the cursor before the first; 0 when there was neither. */
    private long lastSentSeq;
    private long sentFrames;
    private long droppedFrames;

    StreamConnection(ServerWebSocket socket, EventBus eventBus, StreamCounters counters, long journalTimeoutMs) {
        this.socket = socket;
        this.eventBus = eventBus;
        this.counters = counters;
        this.queryOptions = new DeliveryOptions().setSendTimeout(journalTimeoutMs).setLocalOnly(true);
    }

    /** Subscribes to detections and, with a cursor, starts the replay of the detections after it. */
    void start(Long after) {
        counters.clientConnected();
        socket.closeHandler(ignored -> close());
        socket.exceptionHandler(failure -> LOG.debug("WebSocket client {} failed: {}", socket.remoteAddress(),
                failure.toString()));
        // Clients have nothing to send, so incoming frames are discarded.
        socket.handler(ignored -> { });

        consumer = eventBus.localConsumer(Addresses.DETECTIONS, this::onDetection);
        if (after == null) {
            LOG.info("WebSocket client {} subscribed to live detections", socket.remoteAddress());
            return;
        }
        LOG.info("WebSocket client {} subscribed with a replay of the detections after seq {}",
                socket.remoteAddress(), after);
        state = State.REPLAYING;
        lastSentSeq = after;
        consumer.completion().onComplete(registered -> {
            if (registered.failed()) {
                failReplay("subscribing to " + Addresses.DETECTIONS + " failed: " + registered.cause().getMessage());
                return;
            }
            requestReplayPage();
        });
    }

    private void onDetection(Message<Object> message) {
        if (!(message.body() instanceof JsonObject detection) || !(detection.getValue("seq") instanceof Number)) {
            LOG.debug("Ignoring a message on {} that is not a detection with a seq", Addresses.DETECTIONS);
            return;
        }
        switch (state) {
            case REPLAYING -> bufferDuringReplay(detection);
            case LIVE -> sendLive(detection);
            case CLOSED -> { }
        }
    }

    private void bufferDuringReplay(JsonObject detection) {
        if (bufferedDuringReplay.size() >= MAX_BUFFERED_DURING_REPLAY) {
            // The journal has every buffered detection, so one more replay round replaces them.
            bufferedDuringReplay.clear();
            bufferOverflowed = true;
        }
        bufferedDuringReplay.add(detection);
    }

    private void requestReplayPage() {
        JournalQuery query = new JournalQuery(REPLAY_PAGE_SIZE, null, lastSentSeq, JournalQuery.Order.OLDEST_FIRST);
        eventBus.<JsonObject>request(Addresses.JOURNAL_QUERY, query.toJson(), queryOptions).onComplete(reply -> {
            if (state != State.REPLAYING) {
                return;
            }
            if (reply.failed()) {
                failReplay("journal query after seq " + lastSentSeq + " failed: " + JsonResponses.describeFailedRequest(
                        reply.cause(), Addresses.JOURNAL_QUERY, queryOptions.getSendTimeout()));
                return;
            }
            JsonObject page = reply.result().body();
            sendReplayed(page.getJsonArray("detections", new JsonArray()));

            boolean morePages = page.getValue("next") != null;
            if (morePages || bufferOverflowed) {
                bufferOverflowed = false;
                whenWritable(this::requestReplayPage);
            } else {
                goLive();
            }
        });
    }

    private void sendReplayed(JsonArray detections) {
        for (int i = 0; i < detections.size(); i++) {
            JsonObject detection = detections.getJsonObject(i);
            long seq = detection.getLong("seq");
            if (seq > lastSentSeq) {
                write(detection);
                lastSentSeq = seq;
            }
        }
    }

    /** Runs the next replay step now, or once the client has read enough of what was written. */
    private void whenWritable(Runnable next) {
        if (!socket.writeQueueFull()) {
            next.run();
            return;
        }
        socket.drainHandler(ignored -> {
            socket.drainHandler(null);
            if (state == State.REPLAYING) {
                next.run();
            }
        });
    }

    private void goLive() {
        state = State.LIVE;
        long replayedUpTo = lastSentSeq;
        while (!bufferedDuringReplay.isEmpty()) {
            JsonObject detection = bufferedDuringReplay.poll();
            if (detection.getLong("seq") > replayedUpTo) {
                sendLive(detection);
            }
        }
        LOG.debug("WebSocket client {} caught up at seq {} and is live", socket.remoteAddress(), replayedUpTo);
    }

    private void sendLive(JsonObject detection) {
        long seq = detection.getLong("seq");
        if (socket.writeQueueFull()) {
            droppedFrames++;
            counters.frameDropped();
            if (droppedFrames == 1) {
                LOG.warn("WebSocket client {} reads too slowly: dropping detection seq {} and every further one"
                        + " that finds its write queue full", socket.remoteAddress(), seq);
            }
            return;
        }
        write(detection);
        lastSentSeq = seq;
    }

    private void write(JsonObject detection) {
        sentFrames++;
        socket.writeTextMessage(detection.encode()).onFailure(failure -> LOG.debug(
                "Writing to WebSocket client {} failed: {}", socket.remoteAddress(), failure.toString()));
    }

    private void failReplay(String reason) {
        LOG.warn("Replay for WebSocket client {} failed: {}; closing the connection", socket.remoteAddress(), reason);
        socket.close(CLOSE_INTERNAL_ERROR, "replay from the journal failed");
        close();
    }

    private void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        bufferedDuringReplay.clear();
        if (consumer != null) {
            consumer.unregister().onFailure(failure -> LOG.warn("Unsubscribing WebSocket client {} from {} failed: {}",
                    socket.remoteAddress(), Addresses.DETECTIONS, failure.toString()));
        }
        counters.clientDisconnected();
        LOG.info("WebSocket client {} disconnected after {} frames sent and {} dropped", socket.remoteAddress(),
                sentFrames, droppedFrames);
    }
}
