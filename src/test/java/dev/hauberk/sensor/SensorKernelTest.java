package dev.hauberk.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hauberk.bpf.RingBufferReader;
import dev.hauberk.event.Action;
import dev.hauberk.event.DetectionDecoder;
import dev.hauberk.event.KernelDetection;
import dev.hauberk.event.ProcessFlag;
import dev.hauberk.event.wire.WireLayouts;
import dev.hauberk.rules.RuleMode;
import dev.hauberk.testing.KernelTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Loads the real object into the running kernel and reads what the programs report. */
class SensorKernelTest {

    private static final int RULE_WORLD_WRITABLE = 1;

    private Sensor sensor;
    private RingBufferReader reader;
    private Path copy;

    @BeforeEach
    void loadSensor() throws Exception {
        KernelTests.requireKernel();
        sensor = Sensor.start(Sensor.bundledObject(),
                dev.hauberk.testing.TestSensors.options(Map.of(RULE_WORLD_WRITABLE, RuleMode.MONITOR)));
        reader = RingBufferReader.open(sensor.ringBufferFd(), sensor.ringBufferBytes());
    }

    @AfterEach
    void unload() throws Exception {
        if (reader != null) {
            reader.close();
        }
        if (sensor != null) {
            sensor.close();
        }
        if (copy != null) {
            Files.deleteIfExists(copy);
        }
    }

    @Test
    void execFromDevShmIsReportedWithFullPath() throws Exception {
        copy = Path.of("/dev/shm/hauberk-sensor-test-" + ProcessHandle.current().pid());
        Files.copy(Path.of("/bin/true"), copy, StandardCopyOption.REPLACE_EXISTING);
        copy.toFile().setExecutable(true);

        Process process = new ProcessBuilder(copy.toString(), "first-arg").start();
        assertThat(process.waitFor()).isZero();

        List<KernelDetection> detections = new ArrayList<>();
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < deadline && detections.stream().noneMatch(d -> d.process().tgid() == process.pid())) {
            reader.poll(100, record -> {
                // Other kinds (cgroup and container events) come from whatever else runs on the host.
                if (DetectionDecoder.kind(record) == WireLayouts.EVENT_DETECTION) {
                    detections.add(DetectionDecoder.decode(record));
                }
            });
        }

        KernelDetection detection = detections.stream()
                .filter(d -> d.process().tgid() == process.pid())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no detection for pid " + process.pid() + " in " + detections));
        assertThat(detection.ruleId()).isEqualTo(RULE_WORLD_WRITABLE);
        assertThat(detection.action()).isEqualTo(Action.REPORTED);
        assertThat(detection.process().exe()).isEqualTo(copy.toString());
        assertThat(detection.process().args()).containsExactly(copy.toString(), "first-arg");
        assertThat(detection.process().ppid()).isEqualTo((int) ProcessHandle.current().pid());
        assertThat(detection.process().flags()).contains(ProcessFlag.WORLD_WRITABLE_DIR);
        assertThat(detection.ancestors().get(0).tgid()).isEqualTo((int) ProcessHandle.current().pid());
        assertThat(detection.ancestors().get(0).exe()).endsWith("/java");
    }

    @Test
    void ruleModeIsReadBackFromTheKernelMap() throws Exception {
        assertThat(sensor.rules().mode(RULE_WORLD_WRITABLE)).isEqualTo(RuleMode.MONITOR);
        sensor.rules().setMode(RULE_WORLD_WRITABLE, RuleMode.ENFORCE);
        assertThat(sensor.rules().mode(RULE_WORLD_WRITABLE)).isEqualTo(RuleMode.ENFORCE);
        assertThat(sensor.counters()).containsKey(KernelCounter.RINGBUF_FULL);
    }
}
