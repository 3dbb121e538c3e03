package dev.hauberk.event;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hauberk.event.wire.WireLayouts;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Decodes records laid out with the wire layouts, as the kernel writes them. */
class DetectionDecoderTest {

    private final Arena arena = Arena.ofAuto();

    private static long at(String struct, String field) {
        return WireLayouts.DETECTION.byteOffset(groupElement(struct), groupElement(field));
    }

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
        record.set(ValueLayout.JAVA_INT, at("proc", "uid"), 1000);
        record.set(ValueLayout.JAVA_INT, at("proc", "auid"), -1);
        record.set(ValueLayout.JAVA_INT, at("proc", "net_ns"), 0xF000_0001);
        record.set(ValueLayout.JAVA_INT, at("proc", "flags"), ProcessFlag.MEMFD.bit() | ProcessFlag.DELETED.bit());
        record.set(ValueLayout.JAVA_INT, at("proc", "exe_dev"), (8 << 20) | 1);
        writeString(record, at("proc", "comm"), "kworker\0");
        String path = "/memfd:kworker";
        writeString(record, at("proc", "path"), path);
        record.set(ValueLayout.JAVA_SHORT, at("proc", "path_len"), (short) path.length());
        byte[] args = "[kworker/0:2]\0-x\0\0".getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(args, 0, record, ValueLayout.JAVA_BYTE, at("proc", "args"), args.length);
        record.set(ValueLayout.JAVA_SHORT, at("proc", "args_len"), (short) args.length);
        record.set(ValueLayout.JAVA_INT, at("parent", "tgid"), 100);
        record.set(ValueLayout.JAVA_SHORT, at("parent", "source"), (short) 1);
        writeString(record, at("parent", "path"), "/usr/bin/python3.11");
        record.set(ValueLayout.JAVA_SHORT, at("parent", "path_len"), (short) "/usr/bin/python3.11".length());
        return record;
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
        assertThat(process.comm()).isEqualTo("kworker");
        assertThat(process.namespaces().net()).isEqualTo(0xF000_0001L);
        assertThat(process.flags()).containsExactlyInAnyOrder(ProcessFlag.MEMFD, ProcessFlag.DELETED);
        assertThat(detection.parent().exe()).isEqualTo("/usr/bin/python3.11");
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
    void parentWithoutEntryHasNoExe() {
        MemorySegment record = record();
        record.set(ValueLayout.JAVA_SHORT, at("parent", "source"), (short) 0);

        assertThat(DetectionDecoder.decode(record).parent().exe()).isNull();
    }

    @Test
    void shortRecordIsRejectedWithItsSize() {
        MemorySegment record = record().asSlice(0, 100);

        assertThatThrownBy(() -> DetectionDecoder.decode(record))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("100 bytes");
    }

    @Test
    void jsonCarriesTheSchemaFields() {
        Detection detection = new dev.hauberk.context.Enricher(
                dev.hauberk.rules.RuleCatalog.of(java.util.List.of(new dev.hauberk.rules.Rule(2, "exec-memfd",
                        "unknown-executable", "critical", java.util.List.of("T1620"), dev.hauberk.rules.RuleMode.MONITOR,
                        "", "test"))),
                "host-a", bootNanos -> java.time.Instant.EPOCH.plusNanos(bootNanos))
                .enrich(DetectionDecoder.decode(record()));

        var json = DetectionJson.encode(detection);

        assertThat(json.getString("host")).isEqualTo("host-a");
        assertThat(json.getString("time")).isEqualTo("1970-01-01T00:00:00.123456789Z");
        assertThat(json.getJsonObject("rule").getString("name")).isEqualTo("exec-memfd");
        assertThat(json.getString("action")).isEqualTo("killed");
        assertThat(json.getString("mode")).isEqualTo("enforce");
        assertThat(json.getJsonObject("process").getString("execId")).isEqualTo("0-4242");
        assertThat(json.getJsonObject("process").getValue("auid")).isNull();
        assertThat(json.getJsonObject("process").getString("exeDevice")).isEqualTo("8:1");
        assertThat(json.getJsonObject("parent").getString("exe")).isEqualTo("/usr/bin/python3.11");
        assertThat(json.getJsonObject("namespaces").getLong("net")).isEqualTo(0xF000_0001L);
        assertThat(json.getJsonArray("flags").getList()).containsExactly("memfd", "deleted");
    }
}
