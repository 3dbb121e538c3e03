package dev.hauberk.sink;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads detections from journal files for the pages that the in-memory index cannot serve.
 * Streams each file line by line, so memory stays at one page plus one read block.
 */
final class JournalScanner {

    private static final Logger LOG = LoggerFactory.getLogger(JournalScanner.class);

    private final RateLimiter unreadableLineWarnings = new RateLimiter(Duration.ofSeconds(60));

    /**
     * Parses one journal line: a JSON object with an integer "seq" of at least 1. Returns null
     * for anything else (a blank line, a line cut by a crash, a line of another program).
     */
    static JsonObject parseLine(byte[] line) {
        if (line.length == 0) {
            return null;
        }
        try {
            JsonObject detection = new JsonObject(new String(line, StandardCharsets.UTF_8));
            Object seq = detection.getValue("seq");
            boolean valid = (seq instanceof Long || seq instanceof Integer) && ((Number) seq).longValue() >= 1;
            return valid ? detection : null;
        } catch (DecodeException | ClassCastException e) {
            return null;
        }
    }

    static long seqOf(JsonObject detection) {
        return ((Number) detection.getValue("seq")).longValue();
    }

    /** Returns the seq of the first readable detection of a file, or {@link JournalSegment#NO_SEQ}. */
    long firstSeq(JournalSegment segment) throws IOException {
        try (ForwardLineReader reader = new ForwardLineReader(segment.path(), segment.bytes())) {
            for (byte[] line = reader.nextLine(); line != null; line = reader.nextLine()) {
                JsonObject detection = parseLine(line);
                if (detection != null) {
                    return seqOf(detection);
                }
            }
        } catch (IOException e) {
            throw readFailure(segment.path(), e);
        }
        return JournalSegment.NO_SEQ;
    }

    /**
     * Adds to {@code out}, newest first, the detections in the files with lower &lt; seq &lt; upper,
     * until {@code out} contains {@code max} entries. {@code segments} is ordered oldest first.
     */
    void collectNewestFirst(List<JournalSegment> segments, long lower, long upper, int max, List<JsonObject> out)
            throws IOException {
        for (int i = segments.size() - 1; i >= 0 && out.size() < max; i--) {
            JournalSegment segment = segments.get(i);
            // Every seq in a file is at or above its first seq, so a file starting at upper has nothing below it.
            if (!segment.hasDetections() || segment.firstSeq() >= upper) {
                continue;
            }
            if (!collectFileNewestFirst(segment, lower, upper, max, out)) {
                return;
            }
            // Older files hold only seqs below this file's first seq, so they are all at or below lower.
            if (segment.firstSeq() - 1 <= lower) {
                return;
            }
        }
    }

    /** Returns false when the scan reached a seq at or below lower, so no older file can match. */
    private boolean collectFileNewestFirst(JournalSegment segment, long lower, long upper, int max,
            List<JsonObject> out) throws IOException {
        try (ReverseLineReader reader = new ReverseLineReader(segment.path(), segment.bytes())) {
            for (byte[] line = reader.previousLine(); line != null && out.size() < max; line = reader.previousLine()) {
                JsonObject detection = parseOrWarn(segment, line, reader.lastLineTerminated());
                if (detection == null) {
                    continue;
                }
                long seq = seqOf(detection);
                if (seq <= lower) {
                    return false;
                }
                if (seq < upper) {
                    out.add(detection);
                }
            }
        } catch (IOException e) {
            throw readFailure(segment.path(), e);
        }
        return true;
    }

    /**
     * Adds to {@code out}, oldest first, the detections in the files with lower &lt; seq &lt; upper,
     * until {@code out} contains {@code max} entries. {@code segments} is ordered oldest first.
     */
    void collectOldestFirst(List<JournalSegment> segments, long lower, long upper, int max, List<JsonObject> out)
            throws IOException {
        // Start at the newest file that begins at or below lower + 1: every older file ends below it.
        int start = 0;
        for (int i = 0; i < segments.size(); i++) {
            JournalSegment segment = segments.get(i);
            if (segment.hasDetections() && segment.firstSeq() - 1 <= lower) {
                start = i;
            }
        }
        for (int i = start; i < segments.size() && out.size() < max; i++) {
            JournalSegment segment = segments.get(i);
            if (!segment.hasDetections()) {
                continue;
            }
            if (segment.firstSeq() >= upper) {
                return;
            }
            if (!collectFileOldestFirst(segment, lower, upper, max, out)) {
                return;
            }
        }
    }

    /** Returns false when the scan reached a seq at or above upper, so no newer file can match. */
    private boolean collectFileOldestFirst(JournalSegment segment, long lower, long upper, int max,
            List<JsonObject> out) throws IOException {
        try (ForwardLineReader reader = new ForwardLineReader(segment.path(), segment.bytes())) {
            for (byte[] line = reader.nextLine(); line != null && out.size() < max; line = reader.nextLine()) {
                JsonObject detection = parseOrWarn(segment, line, reader.lastLineTerminated());
                if (detection == null) {
                    continue;
                }
                long seq = seqOf(detection);
                if (seq >= upper) {
                    return false;
                }
                if (seq > lower) {
                    out.add(detection);
                }
            }
        } catch (IOException e) {
            throw readFailure(segment.path(), e);
        }
        return true;
    }

    /** Parses a line; warns about an unreadable one unless it is a cut last line, which open() reports. */
    private JsonObject parseOrWarn(JournalSegment segment, byte[] line, boolean terminated) {
        JsonObject detection = parseLine(line);
        if (detection == null && line.length > 0 && terminated) {
            long suppressed = unreadableLineWarnings.tryAcquire();
            if (suppressed >= 0) {
                LOG.warn("Skipping an unreadable line of {} bytes in journal file {}: not a detection with a seq;"
                        + " {} similar warnings suppressed before this one", line.length, segment.path(), suppressed);
            }
        }
        return detection;
    }

    /** Wraps a read error so that its message names the journal file. */
    static IOException readFailure(Path file, IOException e) {
        return new IOException("read of journal file " + file + " failed: " + IoErrors.describe(e), e);
    }
}
