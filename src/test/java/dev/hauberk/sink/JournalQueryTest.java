package dev.hauberk.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Paging through a journal of 40 detections in files of about 4 KiB each. The index sizes
 * cover every path: 0 reads only files, 5 mixes index and files, 10000 keeps everything in memory.
 */
class JournalQueryTest {

    private static final int COUNT = 40;

    @TempDir
    Path directory;

    private Journal openWithDetections(int indexSize) throws IOException {
        JournalOptions options = new JournalOptions(directory, 4096, 100, FsyncPolicy.NEVER, 1000, indexSize);
        Journal journal = Journal.open(options);
        for (int n = 1; n <= COUNT; n++) {
            journal.append(TestDetections.detection(n));
        }
        return journal;
    }

    private static List<Long> seqs(JournalPage page) {
        return page.detections().stream().map(detection -> detection.getLong("seq")).toList();
    }

    private static List<Long> range(long fromInclusive, long toInclusive) {
        return fromInclusive <= toInclusive
                ? LongStream.rangeClosed(fromInclusive, toInclusive).boxed().toList()
                : LongStream.rangeClosed(toInclusive, fromInclusive).map(seq -> fromInclusive + toInclusive - seq)
                        .boxed().toList();
    }

    private static JournalQuery newest(int limit, Long before, Long after) {
        return new JournalQuery(limit, before, after, JournalQuery.Order.NEWEST_FIRST);
    }

    private static JournalQuery oldest(int limit, Long before, Long after) {
        return new JournalQuery(limit, before, after, JournalQuery.Order.OLDEST_FIRST);
    }

    @ParameterizedTest(name = "indexSize {0}")
    @ValueSource(ints = {0, 5, 10_000})
    void firstPageIsTheNewestWithCursor(int indexSize) throws IOException {
        try (Journal journal = openWithDetections(indexSize)) {
            JournalPage page = journal.query(newest(3, null, null));

            assertThat(seqs(page)).containsExactly(40L, 39L, 38L);
            assertThat(page.next()).isEqualTo(38);
            assertThat(page.detections().getFirst().getString("id")).isEqualTo(TestDetections.idOf(40));
        }
    }

    @ParameterizedTest(name = "indexSize {0}")
    @ValueSource(ints = {0, 5, 10_000})
    void pagingWithBeforeVisitsEveryDetectionOnce(int indexSize) throws IOException {
        try (Journal journal = openWithDetections(indexSize)) {
            List<Long> visited = new ArrayList<>();
            Long before = null;
            int pages = 0;
            do {
                JournalPage page = journal.query(newest(7, before, null));
                visited.addAll(seqs(page));
                before = page.next();
                pages++;
            } while (before != null);

            assertThat(visited).isEqualTo(range(COUNT, 1));
            assertThat(pages).isEqualTo(6);
        }
    }

    @ParameterizedTest(name = "indexSize {0}")
    @ValueSource(ints = {0, 5, 10_000})
    void queryPagesOlderDetectionsFromFilesAfterReopen(int indexSize) throws IOException {
        openWithDetections(indexSize).close();
        JournalOptions options = new JournalOptions(directory, 4096, 100, FsyncPolicy.NEVER, 1000, indexSize);

        try (Journal journal = Journal.open(options)) {
            JournalPage page = journal.query(newest(10, 12L, null));

            assertThat(seqs(page)).isEqualTo(range(11, 2));
            assertThat(page.next()).isEqualTo(2);
            assertThat(seqs(journal.query(newest(10, 2L, null)))).containsExactly(1L);
            assertThat(journal.query(newest(10, 2L, null)).next()).isNull();
        }
    }

    @ParameterizedTest(name = "indexSize {0}")
    @ValueSource(ints = {0, 5, 10_000})
    void afterBoundsThePagesFromBelow(int indexSize) throws IOException {
        try (Journal journal = openWithDetections(indexSize)) {
            JournalPage all = journal.query(newest(100, null, 30L));
            assertThat(seqs(all)).isEqualTo(range(40, 31));
            assertThat(all.next()).isNull();

            JournalPage first = journal.query(newest(4, null, 30L));
            assertThat(seqs(first)).containsExactly(40L, 39L, 38L, 37L);
            assertThat(first.next()).isEqualTo(37);

            JournalPage last = journal.query(newest(6, 37L, 30L));
            assertThat(seqs(last)).isEqualTo(range(36, 31));
            assertThat(last.next()).as("nothing older above after=30").isNull();
        }
    }

    @ParameterizedTest(name = "indexSize {0}")
    @ValueSource(ints = {0, 5, 10_000})
    void beforeAndAfterTogetherSelectARange(int indexSize) throws IOException {
        try (Journal journal = openWithDetections(indexSize)) {
            assertThat(seqs(journal.query(newest(100, 20L, 10L)))).isEqualTo(range(19, 11));
            assertThat(seqs(journal.query(oldest(100, 20L, 10L)))).isEqualTo(range(11, 19));
            assertThat(journal.query(newest(100, 11L, 10L)).detections()).isEmpty();
            assertThat(journal.query(newest(100, 5L, 30L)).detections()).isEmpty();
        }
    }

    @ParameterizedTest(name = "indexSize {0}")
    @ValueSource(ints = {0, 5, 10_000})
    void oldestFirstPagingWithAfterVisitsEveryDetectionOnce(int indexSize) throws IOException {
        try (Journal journal = openWithDetections(indexSize)) {
            List<Long> visited = new ArrayList<>();
            Long after = 0L;
            do {
                JournalPage page = journal.query(oldest(9, null, after));
                visited.addAll(seqs(page));
                after = page.next();
            } while (after != null);

            assertThat(visited).isEqualTo(range(1, COUNT));
        }
    }

    @ParameterizedTest(name = "indexSize {0}")
    @ValueSource(ints = {0, 5, 10_000})
    void oldestFirstFromTheMiddleStartsAfterTheCursor(int indexSize) throws IOException {
        try (Journal journal = openWithDetections(indexSize)) {
            JournalPage page = journal.query(oldest(5, null, 17L));

            assertThat(seqs(page)).containsExactly(18L, 19L, 20L, 21L, 22L);
            assertThat(page.next()).isEqualTo(22);
            assertThat(journal.query(oldest(5, null, 40L)).detections()).isEmpty();
            assertThat(journal.query(oldest(5, null, 40L)).next()).isNull();
        }
    }

    @Test
    void emptyJournalReturnsAnEmptyPage() throws IOException {
        try (Journal journal = Journal.open(JournalOptions.defaults(directory))) {
            JournalPage page = journal.query(JournalQuery.newest(100));

            assertThat(page.detections()).isEmpty();
            assertThat(page.next()).isNull();
            assertThat(page.toJson().encode()).isEqualTo("{\"detections\":[],\"next\":null}");
        }
    }

    @Test
    void queryJsonDefaultsToTheNewestHundred() {
        JournalQuery query = JournalQuery.fromJson(new JsonObject());

        assertThat(query.limit()).isEqualTo(100);
        assertThat(query.before()).isNull();
        assertThat(query.after()).isNull();
        assertThat(query.order()).isEqualTo(JournalQuery.Order.NEWEST_FIRST);
    }

    @Test
    void queryJsonRoundTrips() {
        JournalQuery query = new JournalQuery(50, 900L, 10L, JournalQuery.Order.OLDEST_FIRST);

        assertThat(JournalQuery.fromJson(query.toJson())).isEqualTo(query);
    }

    @Test
    void invalidQueryJsonNamesTheField() {
        List<Object[]> cases = List.of(
                new Object[] {new JsonObject().put("limit", 0), "limit"},
                new Object[] {new JsonObject().put("limit", 1001), "limit"},
                new Object[] {new JsonObject().put("limit", "ten"), "limit"},
                new Object[] {new JsonObject().put("limit", 2.5), "limit"},
                new Object[] {new JsonObject().put("before", -1), "before"},
                new Object[] {new JsonObject().put("before", "7"), "before"},
                new Object[] {new JsonObject().put("after", -5), "after"},
                new Object[] {new JsonObject().put("order", "sideways"), "order"});
        for (Object[] testCase : cases) {
            JsonObject json = (JsonObject) testCase[0];
            String field = (String) testCase[1];

            assertThatThrownBy(() -> JournalQuery.fromJson(json))
                    .as("query %s", json.encode())
                    .isInstanceOfSatisfying(InvalidQueryException.class,
                            e -> assertThat(e.field()).isEqualTo(field))
                    .hasMessageStartingWith(field + " must be");
        }
    }
}
