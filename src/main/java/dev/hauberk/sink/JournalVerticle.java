package dev.hauberk.sink;

import dev.hauberk.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the {@link Journal} on the event bus. Deploy it as a worker verticle with one
 * instance: every file operation runs on its worker context, one at a time, and the journal
 * is not thread-safe.
 *
 * <ul>
 * <li>{@link Addresses#JOURNAL_APPEND}: a detection JSON object; replies with it as written
 *     (with "seq") and then publishes that on {@link Addresses#DETECTIONS}, so subscribers see
 *     detections in seq order. A failed write fails the request with
 *     {@link #FAILURE_WRITE} and a message naming the file and the error.
 * <li>{@link Addresses#JOURNAL_QUERY}: {"limit", "before", "after", "order"} as read by
 *     {@link JournalQuery#fromJson}; replies {"detections": [...], "next": SEQ or null}.
 * <li>{@link Addresses#JOURNAL_STATS}: replies {@link Journal#stats()}.
 * </ul>
 *
 * <p>Configuration: the keys of {@link JournalOptions#fromConfig}. Start fails with a message
 * naming the key for an invalid value, or naming the directory or file that could not be opened.
 *
 * <p>NOTE: a query that reads old files runs on the same worker context as appends, so a
 * long scan delays appends; the ring reader's request timeout must allow for it.
 */
public final class JournalVerticle extends VerticleBase {

    /** Failure code of a request whose body is invalid; the message names the field. */
    public static final int FAILURE_INVALID_REQUEST = 400;
    /** Failure code of an append or query that failed on a file; the message names the file. */
    public static final int FAILURE_WRITE = 500;
    /** Failure code of a query that could not read a journal file; the message names the file. */
    public static final int FAILURE_READ = 501;

    private static final Logger LOG = LoggerFactory.getLogger(JournalVerticle.class);

    private Journal journal;
    private long syncTimer = -1;

    @Override
    public Future<?> start() {
        JournalOptions options;
        try {
            options = JournalOptions.fromConfig(config());
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(e);
        }
        Set<String> unknown = JournalOptions.unknownKeys(config());
        if (!unknown.isEmpty()) {
            LOG.warn("Ignoring unknown journal config keys {}; known keys are {}", unknown, JournalOptions.KEYS);
        }
        try {
            journal = Journal.open(options);
        } catch (IOException e) {
            return Future.failedFuture(new IOException("journal cannot start: " + e.getMessage(), e));
        }

        if (options.fsync() == FsyncPolicy.INTERVAL) {
            syncTimer = vertx.setPeriodic(options.fsyncIntervalMs(), id -> journal.syncIfUnsynced());
        }
        List<MessageConsumer<?>> consumers = List.of(
                vertx.eventBus().<Object>localConsumer(Addresses.JOURNAL_APPEND, this::append),
                vertx.eventBus().<Object>localConsumer(Addresses.JOURNAL_QUERY, this::query),
                vertx.eventBus().<Object>localConsumer(Addresses.JOURNAL_STATS, this::stats));
        return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
    }

    private void append(Message<Object> message) {
        if (!(message.body() instanceof JsonObject detection)) {
            message.fail(FAILURE_INVALID_REQUEST, "journal append expects a detection JSON object, got "
                    + describe(message.body()));
            return;
        }
        JsonObject written;
        try {
            written = journal.append(detection);
        } catch (IOException e) {
            // Journal.append counted and logged it.
            message.fail(FAILURE_WRITE, e.getMessage());
            return;
        }
        message.reply(written);
        vertx.eventBus().publish(Addresses.DETECTIONS, written);
    }

    private void query(Message<Object> message) {
        Object body = message.body();
        if (body != null && !(body instanceof JsonObject)) {
            message.fail(FAILURE_INVALID_REQUEST, "journal query expects a JSON object, got " + describe(body));
            return;
        }
        try {
            JournalQuery query = JournalQuery.fromJson((JsonObject) body);
            message.reply(journal.query(query).toJson());
        } catch (InvalidQueryException e) {
            message.fail(FAILURE_INVALID_REQUEST, e.getMessage());
        } catch (IOException e) {
            LOG.error("Journal query {} failed: {}; the request fails", body, e.getMessage());
            message.fail(FAILURE_READ, e.getMessage());
        }
    }

    private void stats(Message<Object> message) {
        message.reply(journal.stats());
    }

    private static String describe(Object body) {
        return body == null ? "no body" : body.getClass().getSimpleName();
    }

    @Override
    public Future<?> stop() {
        if (syncTimer >= 0) {
            vertx.cancelTimer(syncTimer);
        }
        if (journal != null) {
            try {
                journal.close();
            } catch (IOException e) {
                LOG.error("Closing journal {} failed: {}; appends since the last fsync may be lost on a power"
                        + " failure", journal.options().directory(), IoErrors.describe(e));
            }
        }
        return Future.succeededFuture();
    }
}
