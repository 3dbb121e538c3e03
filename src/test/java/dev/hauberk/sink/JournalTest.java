package dev.hauberk.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class JournalTest {

    @TempDir
    Path temp;

    private Path directory;
    private final ListAppender<ILoggingEvent> journalLog = new ListAppender<>();

    @BeforeEach
    void captureJournalLog() {
        directory = temp.resolve("journal");
        journalLog.start();
        ((Logger) LoggerFactory.getLogger(Journal.class)).addAppender(journalLog);
    }

    @AfterEach
    void stopCapturingJournalLog() {
        ((Logger) LoggerFactory.getLogger(Journal.class)).detachAppender(journalLog);
    }

    private JournalOptions options(long maxFileBytes, int maxFiles) {
        return new JournalOptions(directory, maxFileBytes, maxFiles, FsyncPolicy.INTERVAL, 1000, 100);
    }

    private List<Path> journalFiles() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(path -> path.getFileName().toString().endsWith(".jsonl")).sorted().toList();
        }
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    private static List<Long> seqs(JournalPage page) {
        return page.detections().stream().map(detection -> detection.getLong("seq")).toList();
    }

    @Test
    void appendWritesOneLinePerSeq() throws IOException {
        try (Journal journal = Journal.open(JournalOptions.defaults(directory))) {
            JsonObject first = journal.append(TestDetections.detection(1));
            JsonObject second = journal.append(TestDetections.detection(2));

            assertThat(first.getLong("seq")).isEqualTo(1);
            assertThat(second.getLong("seq")).isEqualTo(2);
            assertThat(first.fieldNames().iterator().next()).isEqualTo("seq");
            assertThat(first.getString("id")).isEqualTo(TestDetections.idOf(1));
            assertThat(journal.lastSeq()).isEqualTo(2);
        }

        List<Path> files = journalFiles();
        assertThat(files).extracting(path -> path.getFileName().toString())
                .containsExactly("detections-000001.jsonl");
        List<String> lines = lines(files.getFirst());
        assertThat(lines).hasSize(2);
        assertThat(new JsonObject(lines.get(0)).getLong("seq")).isEqualTo(1);
        assertThat(new JsonObject(lines.get(1)).getString("id")).isEqualTo(TestDetections.idOf(2));
    }

    @Test
    void appendReplacesSeqGivenByTheCaller() throws IOException {
        try (Journal journal = Journal.open(JournalOptions.defaults(directory))) {
            JsonObject written = journal.append(TestDetections.detection(1).put("seq", 99));

            assertThat(written.getLong("seq")).isEqualTo(1);
        }
    }

    @Test
    void directoryIsCreatedWithMode0750() throws IOException {
        try (Journal journal = Journal.open(JournalOptions.defaults(directory))) {
            journal.append(TestDetections.detection(1));
        }

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)))
                .isEqualTo("rwxr-x---");
    }

    @Test
    void seqContinuesAfterReopen() throws IOException {
        try (Journal journal = Journal.open(JournalOptions.defaults(directory))) {
            for (int n = 1; n <= 5; n++) {
                journal.append(TestDetections.detection(n));
            }
        }

        try (Journal journal = Journal.open(JournalOptions.defaults(directory))) {
            assertThat(journal.lastSeq()).isEqualTo(5);
            assertThat(journal.append(TestDetections.detection(6)).getLong("seq")).isEqualTo(6);
            assertThat(seqs(journal.query(JournalQuery.newest(10)))).containsExactly(6L, 5L, 4L, 3L, 2L, 1L);
        }
    }

    @Test
    void seqContinuesAfterOldFilesDeleted() throws IOException {
        try (Journal journal = Journal.open(options(2048, 2))) {
            for (int n = 1; n <= 10; n++) {
                journal.append(TestDetections.detection(n));
            }
        }

        try (Journal journal = Journal.open(options(2048, 2))) {
            assertThat(journal.append(TestDetections.detection(11)).getLong("seq")).isEqualTo(11);
        }
    }

    @Test
    void rotatesBeforeFileWouldExceedMaxFileBytes() throws IOException {
        long maxFileBytes = 4096;
        int lineBytes = TestDetections.detection(1).put("seq", 1).encode().length() + 1;
        try (Journal journal = Journal.open(options(maxFileBytes, 100))) {
            for (int n = 1; n <= 20; n++) {
                journal.append(TestDetections.detection(n));
            }
            assertThat(journal.stats().getInteger("files")).isEqualTo(journalFiles().size());
        }

        List<Path> files = journalFiles();
        int perFile = (int) (maxFileBytes / lineBytes);
        assertThat(files).hasSize((20 + perFile - 1) / perFile);
        assertThat(files.getFirst().getFileName().toString()).isEqualTo("detections-000001.jsonl");
        assertThat(files.get(1).getFileName().toString()).isEqualTo("detections-000002.jsonl");
        long expectedSeq = 1;
        for (Path file : files) {
            assertThat(Files.size(file)).isLessThanOrEqualTo(maxFileBytes);
            for (String line : lines(file)) {
                assertThat(new JsonObject(line).getLong("seq")).isEqualTo(expectedSeq++);
            }
        }
        assertThat(expectedSeq).isEqualTo(21);
    }

    @Test
    void oversizedDetectionGetsOwnFile() throws IOException {
        try (Journal journal = Journal.open(options(1024, 100))) {
            journal.append(TestDetections.detection(1));
            journal.append(TestDetections.detection(2).put("padding", "x".repeat(2000)));
            journal.append(TestDetections.detection(3));
        }

        List<Path> files = journalFiles();
        assertThat(files).hasSize(3);
        assertThat(lines(files.get(1))).hasSize(1);
        assertThat(new JsonObject(lines(files.get(1)).getFirst()).getLong("seq")).isEqualTo(2);
    }

    @Test
    void keepsAtMostMaxFilesDeletingTheOldest() throws IOException {
        try (Journal journal = Journal.open(options(2048, 3))) {
            for (int n = 1; n <= 30; n++) {
                journal.append(TestDetections.detection(n));
            }

            List<Path> files = journalFiles();
            assertThat(files).hasSize(3);
            assertThat(journal.stats().getInteger("files")).isEqualTo(3);
            assertThat(files.getFirst().getFileName().toString()).isNotEqualTo("detections-000001.jsonl");

            long oldestKept = new JsonObject(lines(files.getFirst()).getFirst()).getLong("seq");
            List<Long> all = seqs(journal.query(JournalQuery.newest(1000)));
            assertThat(all.getFirst()).isEqualTo(30);
            assertThat(all.getLast()).isEqualTo(oldestKept);
            assertThat(all).hasSize((int) (30 - oldestKept + 1));
        }
    }

    @Test
    void reopenDeletesFilesBeyondALoweredMaxFiles() throws IOException {
        try (Journal journal = Journal.open(options(2048, 10))) {
            for (int n = 1; n <= 20; n++) {
                journal.append(TestDetections.detection(n));
            }
        }
        assertThat(journalFiles().size()).isGreaterThan(2);

        try (Journal journal = Journal.open(options(2048, 2))) {
            assertThat(journalFiles()).hasSize(2);
            assertThat(journal.lastSeq()).isEqualTo(20);
        }
    }

    @Test
    void cutLastLineIsSkippedWithWarning() throws IOException {
        try (Journal journal = Journal.open(JournalOptions.defaults(directory))) {
            for (int n = 1; n <= 3; n++) {
                journal.append(TestDetections.detection(n));
            }
        }
        Path file = journalFiles().getFirst();
        String whole = TestDetections.detection(4).put("seq", 4).encode();
        Files.writeString(file, whole.substring(0, whole.length() / 2), StandardOpenOption.APPEND);

        try (Journal journal = Journal.open(JournalOptions.defaults(directory))) {
            assertThat(journal.lastSeq()).isEqualTo(3);
            assertThat(journalLog.list).anySatisfy(event -> {
                assertThat(event.getLevel()).isEqualTo(Level.WARN);
                assertThat(event.getFormattedMessage()).contains(file.toString()).contains("line 4");
            });

            JsonObject appended = journal.append(TestDetections.detection(5));
            assertThat(appended.getLong("seq")).isEqualTo(4);
            assertThat(seqs(journal.query(JournalQuery.newest(10)))).containsExactly(4L, 3L, 2L, 1L);
        }

        List<String> lines = lines(file);
        assertThat(lines).hasSize(5);
        assertThat(lines.get(3)).isEqualTo(whole.substring(0, whole.length() / 2));
        assertThat(new JsonObject(lines.get(4)).getString("id")).isEqualTo(TestDetections.idOf(5));

        // A third open reads the cut line as an unreadable line in the middle of the file.
        try (Journal journal = Journal.open(JournalOptions.defaults(directory))) {
            assertThat(journal.lastSeq()).isEqualTo(4);
            assertThat(seqs(journal.query(JournalQuery.newest(10)))).containsExactly(4L, 3L, 2L, 1L);
        }
    }

    @Test
    void wholeLastLineWithoutNewlineKeepsItsSeq() throws IOException {
        try (Journal journal = Journal.open(JournalOptions.defaults(directory))) {
            journal.append(TestDetections.detection(1));
        }
        Path file = journalFiles().getFirst();
        Files.writeString(file, TestDetections.detection(2).put("seq", 2).encode(), StandardOpenOption.APPEND);

        try (Journal journal = Journal.open(JournalOptions.defaults(directory))) {
            assertThat(journal.lastSeq()).isEqualTo(2);
            assertThat(journal.append(TestDetections.detection(3)).getLong("seq")).isEqualTo(3);
        }

        assertThat(lines(file)).hasSize(3);
        assertThat(new JsonObject(lines(file).get(2)).getLong("seq")).isEqualTo(3);
    }

    @Test
    void failedRotationNamesFileThenRecovers() throws IOException {
        Journal journal = Journal.open(options(1024, 100));
        journal.append(TestDetections.detection(1));
        Path moved = temp.resolve("moved-away");
        Files.move(directory, moved);

        assertThatThrownBy(() -> journal.append(TestDetections.detection(2)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(directory.resolve("detections-000002.jsonl").toString());
        assertThat(journal.writeErrors()).isEqualTo(1);
        assertThat(journal.stats().getLong("writeErrors")).isEqualTo(1);

        Files.move(moved, directory);
        JsonObject written = journal.append(TestDetections.detection(3));
        assertThat(written.getLong("seq")).isEqualTo(3);
        assertThat(seqs(journal.query(JournalQuery.newest(10)))).containsExactly(3L, 1L);
        journal.close();
    }

    @Test
    void fullDiskFailsAppendNamingFileAndError() throws IOException {
        assumeTrue(Files.exists(Path.of("/dev/full")), "needs /dev/full to simulate a full disk");
        try (Journal journal = Journal.open(options(1024, 100))) {
            journal.append(TestDetections.detection(1));
            // The next file is a link to /dev/full, where every write fails with ENOSPC.
            Path link = directory.resolve("detections-000002.jsonl");
            Files.createSymbolicLink(link, Path.of("/dev/full"));
            try {
                assertThatThrownBy(() -> journal.append(TestDetections.detection(2)))
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining("detections-000002.jsonl")
                        .hasMessageContaining("No space left on device");
                assertThat(journal.writeErrors()).isEqualTo(1);
                assertThat(seqs(journal.query(JournalQuery.newest(10)))).containsExactly(1L);
            } finally {
                Files.delete(link);
            }
        }
    }

    @Test
    void statsDescribeTheFiles() throws IOException {
        JournalOptions options = new JournalOptions(directory, 2048, 10, FsyncPolicy.ALWAYS, 1000, 100);
        try (Journal journal = Journal.open(options)) {
            for (int n = 1; n <= 5; n++) {
                journal.append(TestDetections.detection(n));
            }
            JsonObject stats = journal.stats();

            long bytes = 0;
            for (Path file : journalFiles()) {
                bytes += Files.size(file);
            }
            assertThat(stats.getString("directory")).isEqualTo(directory.toString());
            assertThat(stats.getInteger("files")).isEqualTo(journalFiles().size());
            assertThat(stats.getLong("bytes")).isEqualTo(bytes);
            assertThat(stats.getLong("lastSeq")).isEqualTo(5);
            assertThat(stats.getLong("writeErrors")).isZero();
            assertThat(stats.getString("fsync")).isEqualTo("always");
        }
    }

    @Test
    void unrelatedFilesInTheDirectoryAreLeftAlone() throws IOException {
        Files.createDirectories(directory);
        Path notes = directory.resolve("README.txt");
        Files.writeString(notes, "not a journal file\n");
        List<String> names = new ArrayList<>();
        try (Journal journal = Journal.open(options(1024, 1))) {
            for (int n = 1; n <= 5; n++) {
                journal.append(TestDetections.detection(n));
            }
            for (Path file : journalFiles()) {
                names.add(file.getFileName().toString());
            }
        }

        assertThat(notes).exists();
        assertThat(names).containsExactly("detections-000005.jsonl");
    }

    @Test
    void secondJournalOnSameDirectoryIsRejected() throws IOException {
        try (Journal first = Journal.open(JournalOptions.defaults(directory))) {
            first.append(TestDetections.detection(1));

            assertThatThrownBy(() -> Journal.open(JournalOptions.defaults(directory)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("in use by another journal")
                    .hasMessageContaining(directory.resolve(Journal.LOCK_FILE_NAME).toString());
        }

        try (Journal reopened = Journal.open(JournalOptions.defaults(directory))) {
            assertThat(reopened.lastSeq()).isEqualTo(1);
        }
    }
}
