package dev.hauberk.event;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.MemoryLayout.PathElement.sequenceElement;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hauberk.context.Enricher;
import dev.hauberk.event.wire.WireLayouts;
import dev.hauberk.rules.Rule;
import dev.hauberk.rules.RuleCatalog;
import dev.hauberk.rules.RuleMode;
import io.vertx.core.json.JsonObject;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Decodes records laid out with the wire layouts, as the kernel writes them. */
class DetectionDecoderTest {

    private static final long ANCESTOR_BYTES = WireLayouts.ANCESTOR.byteSize();
    private final Arena arena = Arena.ofAuto();

    private static long at(String struct, String field) {
        return WireLayouts.DETECTION.byteOffset(groupElement(struct), groupElement(field));
    }

    private static long ancestorAt(int index, String field) {
        return WireLayouts.DETECTION.byteOffset(groupElement("ancestors"), sequenceElement(index), groupElement(field));
    }

    /** A detection of a memfd exec by python with two ancestors, cut after the second as the kernel sends it. */
    private MemorySegment record() {
        MemorySegment record = arena.allocate(WireLayouts.DETECTION);
        record.set(ValueLayout.JAVA_SHORT, at("header", "kind"), (short) WireLayouts.EVENT_DETECTION);
        record.set(ValueLayout.JAVA_SHORT, at("header", "rule_id"), (short) 2);
        record.set(ValueLayout.JAVA_BYTE, at("header", "action"), (byte) Action.KILLED.code());
        record.set(ValueLayout.JAVA_BYTE, at("header", "mode"), (byte) 2);
        record.set(ValueLayout.JAVA_INT, at("header", "pid"), 4242);
        record.set(ValueLayout.JAVA_LONG, at("header", "time_ns"), 123_456_789L);
        record.set(ValueLayout.JAVA_INT, at("proc", "tgid"), 4242);
        record.set(ValueLayout.JAVA_INT, at("proc", "ppid"), 100);
        record.set(ValueLayout.JAVA_LONG, at("proc", "exec_id"), 777L);
        record.set(ValueLayout.JAVA_INT, at("proc", "uid"), 1000);
        record.set(ValueLayout.JAVA_INT, at("proc", "auid"), -1);
        record.set(ValueLayout.JAVA_INT, at("proc", "net_ns"), 0xF000_0001);
        record.set(ValueLayout.JAVA_INT, at("proc", "flags"), ProcessFlag.MEMFD.bit() | ProcessFlag.DELETED.bit());
        record.set(ValueLayout.JAVA_INT, at("proc", "exe_dev"), (8 << 20) | 1);
        writeString(record, at("proc", "comm"), "kworker\0");
        writeField(record, "proc", "path", "/memfd:kworker");
        writeField(record, "proc", "cwd", "/home/user");
        byte[] args = "[kworker/0:2]\0-x\0\0".getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(args, 0, record, ValueLayout.JAVA_BYTE, at("proc", "args"), args.length);
        record.set(ValueLayout.JAVA_SHORT, at("proc", "args_len"), (short) args.length);

        record.set(ValueLayout.JAVA_INT, WireLayouts.DETECTION.byteOffset(groupElement("ancestor_count")), 2);
        writeAncestor(record, 0, 100, 1, 555L, "/usr/bin/python3.11", AncestorInfo.Source.HISTORY);
        writeAncestor(record, 1, 1, 0, 1L, "/usr/lib/systemd/systemd", AncestorInfo.Source.TABLE);
        return record.asSlice(0, WireLayouts.DETECTION_ANCESTORS_OFFSET + 2 * ANCESTOR_BYTES);
    }

    private static void writeAncestor(MemorySegment record, int index, int tgid, int ppid, long execId, String path,
                                      AncestorInfo.Source source) {
        record.set(ValueLayout.JAVA_INT, ancestorAt(index, "tgid"), tgid);
        record.set(ValueLayout.JAVA_INT, ancestorAt(index, "ppid"), ppid);
        record.set(ValueLayout.JAVA_LONG, ancestorAt(index, "exec_id"), execId);
        record.set(ValueLayout.JAVA_SHORT, ancestorAt(index, "source"), (short) source.code());
        writeString(record, ancestorAt(index, "path"), path);
        record.set(ValueLayout.JAVA_SHORT, ancestorAt(index, "path_len"), (short) path.length());
    }

    private static void writeField(MemorySegment record, String struct, String field, String text) {
        writeString(record, at(struct, field), text);
        record.set(ValueLayout.JAVA_SHORT, at(struct, field + "_len"), (short) text.length());
    }

    private static void writeString(MemorySegment record, long offset, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(bytes, 0, record, ValueLayout.JAVA_BYTE, offset, bytes.length);
    }

    @Test
    void decodesEveryFieldOfADetection() {
        KernelDetection detection = DetectionDecoder.decode(record());

        assertThat(detection.ruleId()).isEqualTo(2);
        assertThat(detection.action()).isEqualTo(Action.KILLED);
        assertThat(detection.mode()).isEqualTo(2);
        assertThat(detection.timeNs()).isEqualTo(123_456_789L);
        ProcessInfo process = detection.process();
        assertThat(process.pid()).isEqualTo(4242);
        assertThat(process.ppid()).isEqualTo(100);
        assertThat(process.uid()).isEqualTo(1000);
        assertThat(process.auid()).isEqualTo(-1);
        assertThat(process.exe()).isEqualTo("/memfd:kworker");
        assertThat(process.cwd()).isEqualTo("/home/user");
        assertThat(process.script()).isNull();
        assertThat(process.comm()).isEqualTo("kworker");
        assertThat(process.namespaces().net()).isEqualTo(0xF000_0001L);
        assertThat(process.flags()).containsExactlyInAnyOrder(ProcessFlag.MEMFD, ProcessFlag.DELETED);
    }

    @Test
    void ancestorsAreDecodedUpToTheirCount() {
        List<AncestorInfo> ancestors = DetectionDecoder.decode(record()).ancestors();

        assertThat(ancestors).extracting(AncestorInfo::tgid).containsExactly(100, 1);
        assertThat(ancestors).extracting(AncestorInfo::exe).containsExactly("/usr/bin/python3.11", "/usr/lib/systemd/systemd");
        assertThat(ancestors.get(0).source()).isEqualTo(AncestorInfo.Source.HISTORY);
    }

    @Test
    void recordShorterThanItsAncestorCountIsRejected() {
        MemorySegment cut = record().asSlice(0, WireLayouts.DETECTION_ANCESTORS_OFFSET + ANCESTOR_BYTES);

        assertThatThrownBy(() -> DetectionDecoder.decode(cut))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot hold 2 ancestors");
    }

    @Test
    void argumentBlockKeepsEmptyArgumentsButNotTheFinalTerminator() {
        assertThat(DetectionDecoder.decode(record()).process().args()).containsExactly("[kworker/0:2]", "-x", "");
    }

    @Test
    void truncatedLastArgumentIsKeptAsRead() {
        MemorySegment record = record();
        byte[] args = "sh\0-c\0echo trunc".getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(args, 0, record, ValueLayout.JAVA_BYTE, at("proc", "args"), args.length);
        record.set(ValueLayout.JAVA_SHORT, at("proc", "args_len"), (short) args.length);

        assertThat(DetectionDecoder.decode(record).process().args()).containsExactly("sh", "-c", "echo trunc");
    }

    @Test
    void relativeScriptIsResolvedAgainstTheWorkingDirectory() {
        MemorySegment record = record();
        record.set(ValueLayout.JAVA_INT, at("proc", "flags"), ProcessFlag.SCRIPT.bit());
        writeField(record, "proc", "path", "/usr/bin/dash");
        writeField(record, "proc", "script", "./bin/../run.sh");

        JsonObject json = DetectionJson.encode(enrich(DetectionDecoder.decode(record)));

        assertThat(json.getJsonObject("process").getString("exe")).isEqualTo("/usr/bin/dash");
        assertThat(json.getJsonObject("process").getString("script")).isEqualTo("/home/user/run.sh");
    }

    @Test
    void shortRecordIsRejectedWithItsSize() {
        MemorySegment record = record().asSlice(0, 100);

        assertThatThrownBy(() -> DetectionDecoder.decode(record))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("100 bytes");
    }

    private static Detection enrich(KernelDetection raw) {
        RuleCatalog catalog = RuleCatalog.of(List.of(new Rule(2, "exec-memfd", "unknown-executable", "critical",
                List.of("T1620"), RuleMode.MONITOR, "", "test")));
        return new Enricher(catalog, "host-a", bootNanos -> Instant.EPOCH.plusNanos(bootNanos)).enrich(raw);
    }

    @Test
    void jsonCarriesTheSchemaFields() {
        JsonObject json = DetectionJson.encode(enrich(DetectionDecoder.decode(record())));

        assertThat(json.getString("host")).isEqualTo("host-a");
        assertThat(json.getString("time")).isEqualTo("1970-01-01T00:00:00.123456789Z");
        assertThat(json.getJsonObject("rule").getString("name")).isEqualTo("exec-memfd");
        assertThat(json.getString("action")).isEqualTo("killed");
        assertThat(json.getString("mode")).isEqualTo("enforce");
        assertThat(json.getJsonObject("process").getString("execId")).isEqualTo("777-4242");
        assertThat(json.getJsonObject("process").getValue("auid")).isNull();
        assertThat(json.getJsonObject("process").getString("exeDevice")).isEqualTo("8:1");
        assertThat(json.getJsonObject("parent").getString("exe")).isEqualTo("/usr/bin/python3.11");
        assertThat(json.getJsonObject("parent").getString("execId")).isEqualTo("555-100");
        assertThat(json.getJsonArray("ancestors").getJsonObject(1).getString("exe")).isEqualTo("/usr/lib/systemd/systemd");
        assertThat(json.getJsonObject("namespaces").getLong("net")).isEqualTo(0xF000_0001L);
        assertThat(json.getJsonArray("flags").getList()).containsExactly("memfd", "deleted");
        assertThat(json.getValue("container")).isNull();
    }
}
