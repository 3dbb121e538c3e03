package dev.hauberk.sink;

import dev.hauberk.event.Action;
import dev.hauberk.event.AncestorInfo;
import dev.hauberk.event.Detection;
import dev.hauberk.event.DetectionJson;
import dev.hauberk.event.Namespaces;
import dev.hauberk.event.ProcessFlag;
import dev.hauberk.event.ProcessInfo;
import dev.hauberk.event.RuleRef;
import dev.hauberk.rules.RuleMode;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Detection JSON as the ring reader sends it to the journal (no seq), numbered for tests. */
public final class TestDetections {

    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

    private TestDetections() {
    }

    /** Builds a detection of an exec from /tmp whose fields vary with {@code n}, about 900 bytes as JSON. */
    public static JsonObject detection(int n) {
        ProcessInfo process = new ProcessInfo(
                2000 + n, 2000 + n, 1000 + n,
                1_000_000_000L + n, 900_000_000L, 999_000_000L + n,
                "/tmp/payload-" + n, null, "/root", "payload-" + n,
                List.of("/tmp/payload-" + n, "--connect", "127.0.0.1:4444"),
                1000, 1000, 1000, 1000, 1000,
                (8 << 20) | 1, 131_072L + n, 4242L,
                new Namespaces(4026531840L, 4026531836L, 4026531833L, 4026531837L, 4026531835L, 4026531838L,
                        4026531839L),
                Set.of(ProcessFlag.WORLD_WRITABLE_DIR));
        AncestorInfo parent = new AncestorInfo(1000 + n, 1, 900_000_000L, 800_000_000L, "/usr/bin/bash",
                List.of("-bash"), 4026531841L, Set.of(), AncestorInfo.Source.TABLE);
        Detection detection = new Detection(
                idOf(n),
                START.plusSeconds(n),
                "test-host",
                new RuleRef(1, "exec-world-writable-dir", "unknown-executable", "high"),
                RuleMode.MONITOR,
                Action.REPORTED,
                process,
                List.of(parent),
                null,
                null,
                null,
                1);
        return DetectionJson.encode(detection);
    }

    /** Returns the detection id that {@link #detection(int)} uses for {@code n}. */
    public static String idOf(int n) {
        return UUID.nameUUIDFromBytes(("detection-" + n).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
