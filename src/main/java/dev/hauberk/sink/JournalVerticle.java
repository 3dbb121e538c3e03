package dev.hauberk.sink;

import dev.hauberk.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
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
 * <li>{@link Addresses#AUDIT_APPEND}: an audit record (a mode change or a reload); written to the
 *     audit journal, a second journal in the {@value #AUDIT_DIRECTORY} subdirectory with files
 *     audit-NNNNNN.jsonl, then published on {@link Addresses#AUDIT}. Detections and audit records
 *     never share a file, so a flood of detections cannot rotate the audit trail away.
 * <li>{@link Addresses#AUDIT_QUERY}: as JOURNAL_QUERY for the audit journal; replies
 *     {"records": [...], "next": SEQ or null}.
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

    /** Subdirectory of the journal directory that contains the audit journal. */
    public static final String AUDIT_DIRECTORY = "audit";
    /** File name stem of the audit journal's files. */
    public static final String AUDIT_STEM = "audit";
    /** Audit journal file size at which a new file starts: 16 MiB. */
    static final long AUDIT_MAX_FILE_BYTES = 16L << 20;
    /** Audit journal files kept; about 128 MiB in all. */
    static final int AUDIT_MAX_FILES = 8;
    /** Most recent audit records held in memory for queries. */
    static final int AUDIT_INDEX_SIZE = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(JournalVerticle.class);

    private Journal journal;
    private Journal audit;
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
        try {
            // Mode changes are rare and must survive a power failure: every audit record is fsync'ed.
            audit = Journal.open(new JournalOptions(options.directory().resolve(AUDIT_DIRECTORY), AUDIT_MAX_FILE_BYTES,
                    AUDIT_MAX_FILES, FsyncPolicy.ALWAYS, options.fsyncIntervalMs(), AUDIT_INDEX_SIZE), AUDIT_STEM);
        } catch (IOException e) {
            closeQuietly(journal);
            return Future.failedFuture(new IOException("audit journal cannot start: " + e.getMessage(), e));
        }

        if (options.fsync() == FsyncPolicy.INTERVAL) {
            syncTimer = vertx.setPeriodic(options.fsyncIntervalMs(), id -> journal.syncIfUnsynced());
        }
        List<MessageConsumer<?>> consumers = List.of(
                vertx.eventBus().<Object>localConsumer(Addresses.JOURNAL_APPEND, this::append),
                vertx.eventBus().<Object>localConsumer(Addresses.JOURNAL_QUERY, this::query),
                vertx.eventBus().<Object>localConsumer(Addresses.JOURNAL_STATS, this::stats),
                vertx.eventBus().<Object>localConsumer(Addresses.AUDIT_APPEND, this::appendAudit),
                vertx.eventBus().<Object>localConsumer(Addresses.AUDIT_QUERY, this::queryAudit));
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

    private void appendAudit(Message<Object> message) {
        if (!(message.body() instanceof JsonObject record)) {
            message.fail(FAILURE_INVALID_REQUEST, "audit append expects an audit record JSON object, got "
                    + describe(message.body()));
            return;
        }
        JsonObject written;
        try {
            written = audit.append(record.copy().put("type", "audit"));
        } catch (IOException e) {
            LOG.error("Audit record {} was not written: {}", record.encode(), e.getMessage());
            message.fail(FAILURE_WRITE, e.getMessage());
            return;
        }
        message.reply(written);
        vertx.eventBus().publish(Addresses.AUDIT, written);
    }

    private void query(Message<Object> message) {
        query(message, journal, "detections");
    }

    private void queryAudit(Message<Object> message) {
        query(message, audit, "records");
    }

    /** Replies a page of one journal as {field: [...], "next": SEQ or null}. */
    private void query(Message<Object> message, Journal source, String field) {
        Object body = message.body();
        if (body != null && !(body instanceof JsonObject)) {
            message.fail(FAILURE_INVALID_REQUEST, "journal query expects a JSON object, got " + describe(body));
            return;
        }
        try {
            JournalQuery query = JournalQuery.fromJson((JsonObject) body);
            JournalPage page = source.query(query);
            message.reply(new JsonObject()
                    .put(field, new JsonArray(List.copyOf(page.detections())))
                    .put("next", page.next()));
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
        closeQuietly(journal);
        closeQuietly(audit);
        return Future.succeededFuture();
    }

    private static void closeQuietly(Journal open) {
        if (open == null) {
            return;
        }
        try {
            open.close();
        } catch (IOException e) {
            LOG.error("Closing journal {} failed: {}; appends since the last fsync may be lost on a power"
                    + " failure", open.options().directory(), IoErrors.describe(e));
        }
    }
}
