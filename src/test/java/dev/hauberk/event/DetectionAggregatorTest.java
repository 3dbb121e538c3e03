package dev.hauberk.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The aggregation window with a clock the test moves. */
class DetectionAggregatorTest {

    private long now = 1_000_000_000L;
    private final List<JsonObject> delivered = new ArrayList<>();
    private final DetectionAggregator aggregator =
            new DetectionAggregator(2000, () -> now, delivered::add);

    private static JsonObject detection(int rule, String execId, JsonObject target, String time) {
        return new JsonObject()
                .put("id", "id-" + time)
                .put("time", time)
                .put("rule", new JsonObject().put("id", rule).put("name", "rule-" + rule))
                .put("action", "reported")
                .put("process", new JsonObject().put("execId", execId))
                .put("target", target);
    }

    private static JsonObject network(String address, int port) {
        return new JsonObject().put("type", "network").put("address", address).put("port", port);
    }

    private void advanceMs(long ms) {
        now += TimeUnit.MILLISECONDS.toNanos(ms);
    }

    @Test
    void firstDetectionIsDeliveredAtOnce() {
        aggregator.offer(detection(10, "5-100", network("169.254.169.254", 80), "t0"));

        assertThat(delivered).hasSize(1);
        assertThat(delivered.getFirst().containsKey("count")).isFalse();
    }

    @Test
    void repeatsMergeIntoOneFollowUp() {
        aggregator.offer(detection(10, "5-100", network("169.254.169.254", 80), "t0"));
        advanceMs(100);
        aggregator.offer(detection(10, "5-100", network("169.254.169.254", 80), "t1"));
        advanceMs(100);
        aggregator.offer(detection(10, "5-100", network("169.254.169.254", 80), "t2"));
        advanceMs(100);
        aggregator.offer(detection(10, "5-100", network("169.254.169.254", 80), "t3"));

        aggregator.flushExpired();
        assertThat(delivered).as("window still open").hasSize(1);

        advanceMs(1700);
        aggregator.flushExpired();

        assertThat(delivered).hasSize(2);
        JsonObject followUp = delivered.get(1);
        assertThat(followUp.getInteger("count")).isEqualTo(3);
        assertThat(followUp.getString("firstTime")).isEqualTo("t1");
        assertThat(followUp.getString("lastTime")).isEqualTo("t3");
        assertThat(followUp.getString("id")).isEqualTo("id-t3");
        assertThat(aggregator.merged()).isEqualTo(3);
        assertThat(aggregator.openWindows()).isZero();
    }

    @Test
    void windowWithoutRepeatsClosesSilently() {
        aggregator.offer(detection(10, "5-100", network("10.0.0.1", 443), "t0"));
        advanceMs(2500);
        aggregator.flushExpired();

        assertThat(delivered).hasSize(1);
        assertThat(aggregator.openWindows()).isZero();
    }

    @Test
    void repeatAfterWindowOpensNextWindow() {
        aggregator.offer(detection(1, "5-100", null, "t0"));
        advanceMs(500);
        aggregator.offer(detection(1, "5-100", null, "t1"));
        advanceMs(2000);

        aggregator.offer(detection(1, "5-100", null, "t2"));

        assertThat(delivered).extracting(d -> d.getString("time")).containsExactly("t0", "t1", "t2");
        assertThat(delivered.get(1).getInteger("count")).isEqualTo(1);
        assertThat(delivered.get(2).containsKey("count")).as("first of the next window").isFalse();
    }

    @Test
    void otherKindsAreNotMerged() {
        aggregator.offer(detection(10, "5-100", network("169.254.169.254", 80), "a"));
        aggregator.offer(detection(20, "5-100", network("169.254.169.254", 80), "b"));
        aggregator.offer(detection(10, "6-101", network("169.254.169.254", 80), "c"));
        aggregator.offer(detection(10, "5-100", network("169.254.169.254", 8080), "d"));
        aggregator.offer(detection(10, "5-100", network("169.254.169.254", 80), "e").put("action", "blocked"));

        assertThat(delivered).extracting(d -> d.getString("time")).containsExactly("a", "b", "c", "d", "e");
        assertThat(aggregator.openWindows()).isEqualTo(5);
    }

    @Test
    void targetFieldOrderDoesNotSplitWindows() {
        aggregator.offer(detection(20, "5-100", new JsonObject().put("type", "file").put("path", "/etc/ld.so.preload"), "a"));
        aggregator.offer(detection(20, "5-100", new JsonObject().put("path", "/etc/ld.so.preload").put("type", "file"), "b"));

        assertThat(delivered).hasSize(1);
        assertThat(aggregator.merged()).isEqualTo(1);
    }

    @Test
    void zeroWindowDeliversEveryRepeat() {
        DetectionAggregator off = new DetectionAggregator(0, () -> now, delivered::add);

        off.offer(detection(1, "5-100", null, "a"));
        off.offer(detection(1, "5-100", null, "b"));

        assertThat(delivered).hasSize(2);
        assertThat(delivered).noneMatch(d -> d.containsKey("count"));
    }

    @Test
    void flushAllDeliversPendingFollowUps() {
        aggregator.offer(detection(1, "5-100", null, "a"));
        aggregator.offer(detection(1, "5-100", null, "b"));
        List<JsonObject> atShutdown = new ArrayList<>();

        aggregator.flushAll(atShutdown::add);

        assertThat(atShutdown).hasSize(1);
        assertThat(atShutdown.getFirst().getInteger("count")).isEqualTo(1);
        assertThat(aggregator.openWindows()).isZero();
    }

    @Test
    void fullWindowTableDeliversWithoutAggregating() {
        for (int i = 0; i < DetectionAggregator.MAX_OPEN_WINDOWS; i++) {
            aggregator.offer(detection(1, "exec-" + i, null, "t"));
        }
        delivered.clear();

        aggregator.offer(detection(1, "one-too-many", null, "x"));
        aggregator.offer(detection(1, "one-too-many", null, "y"));

        assertThat(delivered).extracting(d -> d.getString("time")).containsExactly("x", "y");
        assertThat(aggregator.unaggregated()).isEqualTo(2);
    }
}
