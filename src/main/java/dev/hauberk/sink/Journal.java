package dev.hauberk.sink;

import io.vertx.core.json.JsonObject;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only journal of detections: one JSON object per line, in numbered files
 * ({@code detections-000001.jsonl}, ...) of one directory. A new file is started when the
 * current one would pass {@link JournalOptions#maxFileBytes()}, and the oldest files are
 * deleted so that at most {@link JournalOptions#maxFiles()} remain.
 *
 * <p>Each append writes the detection with a "seq" field: a cursor that grows with every
 * append and continues across restarts, because {@link #open} reads the last seq from the
 * newest file. No seq is given to two detections. A failed append uses its seq up, so seqs
 * can have gaps.
 *
 * <p>What is durable once {@link #append} has returned:
 * <ul>
 * <li>With every policy, the line has been written to the file, so it survives a crash or
 *     kill of the daemon.
 * <li>{@link FsyncPolicy#ALWAYS}: fsync returned before append did, so the detection also
 *     survives a power failure or kernel crash.
 * <li>{@link FsyncPolicy#INTERVAL}: fsync runs from the verticle's timer every
 *     fsyncIntervalMs ({@link #syncIfUnsynced}), and in an append once the oldest unsynced
 *     append is fsyncIntervalMs old. A power failure loses the detections of about the last
 *     fsyncIntervalMs. The window grows while a long query holds up the worker thread, or
 *     while fsync fails (each failure is counted and logged, and the next call retries).
 * <li>{@link FsyncPolicy#NEVER}: no fsync. The kernel writes dirty pages back after
 *     vm.dirty_expire_centisecs (30 s by default) on its next writeback pass (every 5 s by
 *     default), so a power failure can lose about the last 35 s of detections.
 * </ul>
 * Whatever the policy, a new file is forced to disk before the oldest file is deleted, so a
 * power failure cannot leave only empty files and restart the seqs from 1.
 *
 * <p>Not thread-safe: the {@link JournalVerticle} calls every method from its one worker context.
 * An exclusive lock on {@value #LOCK_FILE_NAME} in the directory keeps a second journal, in this
 * process or another, from writing the same files.
 */
public final class Journal implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    private static final FileAttribute<?> DIRECTORY_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---"));
    private static final FileAttribute<?> FILE_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----"));
    private static final byte[] NEWLINE = {'\n'};

    /** Name of the lock file in the journal directory; it is not a journal file. */
    public static final String LOCK_FILE_NAME = "journal.lock";

    private final JournalOptions options;
    /** File name stem: detections-000001.jsonl, or audit-000001.jsonl for the audit journal. */
    private final String stem;
    /** The journal files, oldest first; the last one is appended to. */
    private final List<JournalSegment> segments = new ArrayList<>();
    private final RecentIndex index;
    private final JournalScanner scanner = new JournalScanner();
    private final RateLimiter errorLogLimiter = new RateLimiter(Duration.ofSeconds(10));

    private FileChannel lockChannel;
    private FileChannel current;
    private long lastSeq;
    /** The current file ends in a cut line, so the next append starts with a newline. */
    private boolean newlinePending;
    private boolean unsynced;
    private long firstUnsyncedNanos;
    private long writeErrors;

    private Journal(JournalOptions options, String stem) {
        this.options = options;
        this.stem = stem;
        this.index = new RecentIndex(options.indexSize());
    }

    /**
     * Opens the journal in {@code options.directory()}, creating the directory with mode 0750
     * when absent. Reads the last seq and the most recent detections for the in-memory index.
     * A cut last line in the newest file is skipped with a warning, and the next append starts
     * on a new line. Throws an IOException naming the directory or file that failed.
     */
    public static Journal open(JournalOptions options) throws IOException {
        return open(options, JournalSegment.DETECTIONS);
    }

    /**
     * Opens a journal whose files are named STEM-NNNNNN.jsonl, such as the audit journal's
     * audit-000001.jsonl, as {@link #open(JournalOptions)} does for detections.
     */
    public static Journal open(JournalOptions options, String stem) throws IOException {
        Journal journal = new Journal(options, stem);
        try {
            journal.recover();
        } catch (IOException | RuntimeException e) {
            journal.closeQuietly();
            throw e;
        }
        return journal;
    }

    private void recover() throws IOException {
        Path directory = options.directory();
        if (!Files.isDirectory(directory)) {
            try {
                Files.createDirectories(directory, DIRECTORY_MODE);
                LOG.info("Created journal directory {}", directory);
            } catch (IOException e) {
                throw new IOException("cannot create journal directory " + directory + ": " + IoErrors.describe(e), e);
            }
        }
        lockDirectory(directory);
        segments.addAll(listSegments(directory));
        deleteOldestFiles();

        if (segments.isEmpty()) {
            segments.add(new JournalSegment(1, directory.resolve(JournalSegment.fileName(stem, 1)),
                    JournalSegment.NO_SEQ, 0));
        } else {
            newlinePending = checkCutLastLine(segments.getLast());
        }
        Path newest = segments.getLast().path();
        try {
            current = Files.exists(newest) ? openForAppend(newest) : createFile(newest);
        } catch (IOException e) {
            throw new IOException("cannot open journal file " + newest + " for appending: " + IoErrors.describe(e), e);
        }
        loadRecentDetections();
        LOG.info("Opened journal {}: files={} bytes={} lastSeq={} fsync={}", directory, segments.size(),
                totalBytes(), lastSeq, options.fsync().configName());
    }

    /** Takes the directory's lock for the life of this journal; the lock is released by close() or process exit. */
    private void lockDirectory(Path directory) throws IOException {
        Path lockFile = directory.resolve(LOCK_FILE_NAME);
        try {
            lockChannel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    FILE_MODE);
        } catch (IOException e) {
            throw new IOException("cannot open journal lock file " + lockFile + ": " + IoErrors.describe(e), e);
        }
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new IOException("journal directory " + directory + " is in use by another journal (" + lockFile
                    + " is locked); run one journal per directory");
        }
    }

    private List<JournalSegment> listSegments(Path directory) throws IOException {
        List<JournalSegment> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                Optional<Long> number = JournalSegment.parseNumber(stem, entry.getFileName().toString());
                if (number.isPresent() && Files.isRegularFile(entry)) {
                    JournalSegment segment = new JournalSegment(number.get(), entry, JournalSegment.NO_SEQ,
                            Files.size(entry));
                    segment.firstSeq(scanner.firstSeq(segment));
                    found.add(segment);
                }
            }
        } catch (IOException e) {
            throw new IOException("cannot list journal directory " + directory + ": " + IoErrors.describe(e), e);
        }
        found.sort(Comparator.comparingLong(JournalSegment::number));
        return found;
    }

    /**
     * Returns whether the newest file ends without a newline, so that the next append must start
     * a new line. Warns, naming the file and line, when that last line is not a whole detection.
     */
    private boolean checkCutLastLine(JournalSegment newest) throws IOException {
        try (ReverseLineReader reader = new ReverseLineReader(newest.path(), newest.bytes())) {
            if (reader.endsWithNewline() || newest.bytes() == 0) {
                return false;
            }
            byte[] lastLine = reader.previousLine();
            if (JournalScanner.parseLine(lastLine) != null) {
                // Only the newline is missing; the detection is whole and keeps its seq.
                LOG.info("Journal file {} ends without a newline after a whole detection; the next append"
                        + " starts on a new line", newest.path());
                return true;
            }
            LOG.warn("Ignoring the cut last line {} of journal file {} ({} bytes), probably left by a crash"
                    + " during a write; the next detection starts on a new line",
                    countLines(newest), newest.path(), lastLine.length);
            return true;
        } catch (IOException e) {
            throw JournalScanner.readFailure(newest.path(), e);
        }
    }

    private static long countLines(JournalSegment segment) throws IOException {
        long lines = 0;
        try (ForwardLineReader reader = new ForwardLineReader(segment.path(), segment.bytes())) {
            while (reader.nextLine() != null) {
                lines++;
            }
        }
        return lines;
    }

    private void loadRecentDetections() throws IOException {
        List<JsonObject> newestFirst = new ArrayList<>();
        // Read at least one detection, for the last seq, even without an index.
        int count = Math.max(options.indexSize(), 1);
        scanner.collectNewestFirst(segments, 0, Long.MAX_VALUE, count, newestFirst);
        lastSeq = newestFirst.isEmpty() ? 0 : JournalScanner.seqOf(newestFirst.getFirst());
        for (int i = Math.min(options.indexSize(), newestFirst.size()) - 1; i >= 0; i--) {
            JsonObject detection = newestFirst.get(i);
            index.add(JournalScanner.seqOf(detection), detection);
        }
    }

    /**
     * Appends a detection with the next seq and returns it as written: "seq" first, then the
     * fields of {@code detection} (any "seq" in it is replaced). Under {@link FsyncPolicy#ALWAYS}
     * it is on disk when this returns. Throws an IOException whose message names the file and
     * the error; the failure is counted in {@link #writeErrors()} and logged, rate-limited.
     */
    public JsonObject append(JsonObject detection) throws IOException {
        long seq = lastSeq + 1;
        JsonObject written = new JsonObject().put("seq", seq);
        for (String field : detection.fieldNames()) {
            if (!field.equals("seq")) {
                written.put(field, detection.getValue(field));
            }
        }
        byte[] line = (written.encode() + "\n").getBytes(StandardCharsets.UTF_8);
        lastSeq = seq;

        JournalSegment segment = segments.getLast();
        Path file = segment.path();
        try {
            long pendingBytes = line.length + (newlinePending ? 1 : 0);
            if (segment.bytes() > 0 && segment.bytes() + pendingBytes > options.maxFileBytes()) {
                file = options.directory().resolve(JournalSegment.fileName(stem, segment.number() + 1));
                segment = startNextFile(segment);
            }
            write(segment, line);
        } catch (IOException e) {
            writeErrors++;
            logWriteError("append of seq " + seq + " to " + file, e, "the detection was not journaled");
            throw new IOException("write to journal file " + file + " failed: " + IoErrors.describe(e), e);
        }
        if (!segment.hasDetections()) {
            segment.firstSeq(seq);
        }
        index.add(seq, written);

        if (segments.size() > options.maxFiles()) {
            deleteOldestFiles();
        }
        if (unsynced && System.nanoTime() - firstUnsyncedNanos >= intervalNanos()) {
            syncIfUnsynced();
        }
        return written;
    }

    private void write(JournalSegment segment, byte[] line) throws IOException {
        long sizeBefore = segment.bytes();
        ByteBuffer buffer = newlinePending
                ? ByteBuffer.allocate(line.length + 1).put(NEWLINE).put(line).flip()
                : ByteBuffer.wrap(line);
        int length = buffer.remaining();
        try {
            while (buffer.hasRemaining()) {
                current.write(buffer);
            }
            if (options.fsync() == FsyncPolicy.ALWAYS) {
                current.force(false);
            }
        } catch (IOException e) {
            removePartialLine(segment, sizeBefore);
            throw e;
        }
        segment.bytes(sizeBefore + length);
        newlinePending = false;
        if (options.fsync() == FsyncPolicy.INTERVAL && !unsynced) {
            unsynced = true;
            firstUnsyncedNanos = System.nanoTime();
        }
    }

    /** Cuts the file back after a failed write; when that fails too, the next append starts a new line. */
    private void removePartialLine(JournalSegment segment, long sizeBefore) {
        try {
            current.truncate(sizeBefore);
        } catch (IOException e) {
            newlinePending = true;
            LOG.warn("Cannot remove a partly written line from journal file {}: {}; the next detection starts"
                    + " on a new line", segment.path(), IoErrors.describe(e));
        }
        try {
            segment.bytes(current.size());
        } catch (IOException e) {
            LOG.debug("Cannot read the size of journal file {} after a failed write", segment.path(), e);
        }
    }

    /** Creates the next file and makes it current; on failure the current file stays current. */
    private JournalSegment startNextFile(JournalSegment full) throws IOException {
        long number = full.number() + 1;
        Path path = options.directory().resolve(JournalSegment.fileName(stem, number));
        FileChannel next = createFile(path);
        FileChannel previous = current;
        current = next;
        // A cut line at the end of the old file does not concern the new one.
        newlinePending = false;
        try {
            if (options.fsync() != FsyncPolicy.NEVER && unsynced) {
                previous.force(false);
                unsynced = false;
            }
        } catch (IOException e) {
            writeErrors++;
            logWriteError("fsync of " + full.path() + " before starting " + path, e,
                    "its last appends may be lost on a power failure");
        } finally {
            previous.close();
        }
        JournalSegment segment = new JournalSegment(number, path, JournalSegment.NO_SEQ, 0);
        segments.add(segment);
        LOG.info("Started journal file {} after {} reached {} bytes", path, full.path(), full.bytes());
        return segment;
    }

    private FileChannel createFile(Path path) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND), FILE_MODE);
        } catch (FileAlreadyExistsException e) {
            // A file of that number that the listing did not see (created since): append to it.
            channel = openForAppend(path);
        }
        if (options.fsync() != FsyncPolicy.NEVER) {
            forceDirectory();
        }
        return channel;
    }

    private static FileChannel openForAppend(Path path) throws IOException {
        return FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    /** Forces the directory entry of a new file to disk, so the file itself survives a power failure. */
    private void forceDirectory() {
        try (FileChannel directory = FileChannel.open(options.directory(), StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException e) {
            writeErrors++;
            logWriteError("fsync of directory " + options.directory(), e,
                    "a power failure may lose the new journal file");
        }
    }

    /**
     * Deletes the oldest files beyond maxFiles. The newest file is forced to disk first (see the
     * class comment). A file that cannot be deleted is kept and retried after the next append.
     */
    private void deleteOldestFiles() {
        if (segments.size() <= options.maxFiles()) {
            return;
        }
        if (current != null) {
            try {
                current.force(false);
            } catch (IOException e) {
                writeErrors++;
                logWriteError("fsync of " + segments.getLast().path() + " before deleting old files", e,
                        "old files are kept until an fsync succeeds");
                return;
            }
        }
        while (segments.size() > options.maxFiles()) {
            JournalSegment oldest = segments.getFirst();
            try {
                Files.deleteIfExists(oldest.path());
            } catch (IOException e) {
                LOG.warn("Cannot delete old journal file {}: {}; the journal keeps {} files instead of {} until"
                        + " a later append deletes it", oldest.path(), IoErrors.describe(e), segments.size(),
                        options.maxFiles());
                return;
            }
            segments.removeFirst();
            LOG.info("Deleted old journal file {} ({} bytes) because maxFiles is {}", oldest.path(), oldest.bytes(),
                    options.maxFiles());
        }
        segments.stream().filter(JournalSegment::hasDetections).findFirst()
                .ifPresent(first -> index.removeBelow(first.firstSeq()));
    }

    /**
     * Calls fsync on the current file when an append since the last fsync is not yet on disk.
     * A failure is counted and logged, and the next call tries again. Does nothing under
     * {@link FsyncPolicy#NEVER} or {@link FsyncPolicy#ALWAYS}, which never leave appends unsynced.
     */
    public void syncIfUnsynced() {
        if (!unsynced || current == null) {
            return;
        }
        try {
            current.force(false);
            unsynced = false;
        } catch (IOException e) {
            writeErrors++;
            logWriteError("fsync of " + segments.getLast().path(), e,
                    "appends since the last fsync may be lost on a power failure; the next fsync retries");
        }
    }

    /**
     * Returns one page of detections: from the in-memory index where it covers the range,
     * from the files below it, scanning them backwards (newest first) or forwards (oldest
     * first). Throws an IOException naming the file that could not be read.
     */
    public JournalPage query(JournalQuery query) throws IOException {
        long lower = query.after() == null ? 0 : query.after();
        long upper = query.before() == null ? Long.MAX_VALUE : query.before();
        // Fetching one more than the limit shows whether a further page exists.
        int fetchCount = query.limit() + 1;
        List<JsonObject> found = new ArrayList<>(fetchCount);
        long filesUpper = index.isEmpty() ? upper : Math.min(upper, index.oldestSeq());
        boolean filesInRange = filesUpper - 1 > lower;

        if (query.order() == JournalQuery.Order.NEWEST_FIRST) {
            index.collectNewestFirst(lower, upper, fetchCount, found);
            if (found.size() < fetchCount && filesInRange) {
                scanner.collectNewestFirst(segments, lower, filesUpper, fetchCount, found);
            }
        } else {
            if (filesInRange) {
                scanner.collectOldestFirst(segments, lower, filesUpper, fetchCount, found);
            }
            if (found.size() < fetchCount) {
                index.collectOldestFirst(lower, upper, fetchCount, found);
            }
        }

        if (found.size() <= query.limit()) {
            return new JournalPage(found, null);
        }
        List<JsonObject> page = found.subList(0, query.limit());
        return new JournalPage(page, JournalScanner.seqOf(page.getLast()));
    }

    /** Returns {"directory", "files", "bytes", "lastSeq", "writeErrors", "fsync"}. */
    public JsonObject stats() {
        return new JsonObject()
                .put("directory", options.directory().toString())
                .put("files", segments.size())
                .put("bytes", totalBytes())
                .put("lastSeq", lastSeq)
                .put("writeErrors", writeErrors)
                .put("fsync", options.fsync().configName());
    }

    /** Returns the seq of the last append, or 0 for an empty journal. */
    public long lastSeq() {
        return lastSeq;
    }

    /** Returns the number of failed writes, fsyncs and file creations since open. */
    public long writeErrors() {
        return writeErrors;
    }

    public JournalOptions options() {
        return options;
    }

    private long totalBytes() {
        return segments.stream().mapToLong(JournalSegment::bytes).sum();
    }

    private long intervalNanos() {
        return TimeUnit.MILLISECONDS.toNanos(options.fsyncIntervalMs());
    }

    private void logWriteError(String operation, IOException e, String consequence) {
        long suppressed = errorLogLimiter.tryAcquire();
        if (suppressed >= 0) {
            LOG.error("Journal {} failed: {}; {} ({} write errors since open, {} not logged since the last one)",
                    operation, IoErrors.describe(e), consequence, writeErrors, suppressed);
        }
    }

    /** Forces unsynced appends to disk (unless the policy is never), closes the current file and releases the lock. */
    @Override
    public void close() throws IOException {
        try {
            if (current != null && unsynced && options.fsync() != FsyncPolicy.NEVER) {
                current.force(false);
                unsynced = false;
            }
        } finally {
            try {
                if (current != null) {
                    current.close();
                    current = null;
                }
            } finally {
                if (lockChannel != null) {
                    // Closing the channel releases the lock.
                    lockChannel.close();
                    lockChannel = null;
                }
            }
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException e) {
            LOG.debug("Closing journal {} after a failed open also failed", options.directory(), e);
        }
    }
}
