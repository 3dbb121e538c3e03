package dev.hauberk.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hauberk.bpf.RingBufferReader;
import dev.hauberk.event.DetectionDecoder;
import dev.hauberk.rules.RuleMode;
import dev.hauberk.testing.KernelTests;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The bounded hand-off between the ring reader thread and its consumer, on real kernel records. */
class RingReaderThreadKernelTest {

    private static final int CAPACITY = 8;
    private static final int EXECS = 30;

    @Test
    void fullHandoffDropsAndCountsInsteadOfBlocking() throws Exception {
        KernelTests.requireKernel();
        Path copy = Path.of("/dev/shm/hauberk-handoff-test-" + ProcessHandle.current().pid());
        Files.copy(Path.of("/bin/true"), copy, StandardCopyOption.REPLACE_EXISTING);
        copy.toFile().setExecutable(true);
        List<Runnable> scheduled = new CopyOnWriteArrayList<>();

        try (Sensor sensor = Sensor.start(Sensor.bundledObject(), dev.hauberk.testing.TestSensors.options(Map.of(1, RuleMode.MONITOR)))) {
            RingBufferReader ring = RingBufferReader.open(sensor.ringBufferFd(), sensor.ringBufferBytes());
            // The consumer never runs: every record past the capacity must be dropped.
            RingReaderThread reader = new RingReaderThread(ring, CAPACITY, scheduled::add, () -> { });
            reader.start();
            try {
                for (int i = 0; i < EXECS; i++) {
                    assertThat(new ProcessBuilder(copy.toString()).start().waitFor()).isZero();
                }
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (reader.recordsRead() < EXECS && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }

                assertThat(reader.recordsRead()).isGreaterThanOrEqualTo(EXECS);
                assertThat(reader.queued()).isEqualTo(CAPACITY);
                assertThat(reader.recordsDropped()).isEqualTo(reader.recordsRead() - CAPACITY);
                // One drain request stays pending until the consumer runs it; it is not repeated per batch.
                assertThat(scheduled).hasSize(1);
                // What was kept is intact: whole records, each decodable.
                for (byte[] kept = reader.poll(); kept != null; kept = reader.poll()) {
                    MemorySegment record = MemorySegment.ofArray(kept);
                    if (DetectionDecoder.kind(record) == dev.hauberk.event.wire.WireLayouts.EVENT_DETECTION) {
                        assertThat(DetectionDecoder.decode(record).ruleId()).isEqualTo(1);
                    }
                }
            } finally {
                reader.close();
            }
        } finally {
            Files.deleteIfExists(copy);
        }
    }
}
