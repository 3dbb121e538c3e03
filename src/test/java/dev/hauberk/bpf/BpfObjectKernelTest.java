package dev.hauberk.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.hauberk.testing.KernelTests;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The libbpf binding against the running kernel: what a failure reports. */
class BpfObjectKernelTest {

    private static byte[] testObject(String name) throws Exception {
        Path dir = Path.of(System.getProperty("hauberk.test.bpf", "target/bpf/test"));
        return Files.readAllBytes(dir.resolve(name + ".bpf.o"));
    }

    @Test
    void rejectedProgramCarriesTheVerifierLog() throws Exception {
        KernelTests.requireKernel();
        try (BpfObject object = BpfObject.open("verifier_reject", testObject("verifier_reject"))) {
            BpfException error = catchThrowableOfType(BpfException.class, object::load);

            assertThat(error.function()).isEqualTo("bpf_object__load");
            assertThat(error.getMessage()).contains("program reads_past_map_value");
            // The verifier's own words for the read past the 8-byte value.
            assertThat(error.verifierLog()).contains("invalid access to map value");
        }
    }

    @Test
    void objectThatIsNotElfIsRejectedAtOpen() {
        KernelTests.requireKernel();
        assertThatThrownBy(() -> BpfObject.open("garbage", new byte[] {1, 2, 3, 4}))
                .isInstanceOf(BpfException.class)
                .hasMessageStartingWith("bpf_object__open_mem failed: ");
    }

    @Test
    void missingPinnedObjectReportsErrnoName() {
        KernelTests.requireKernel();
        BpfException error = catchThrowableOfType(BpfException.class,
                () -> MapFd.openPinned("/sys/fs/bpf/hauberk-test-does-not-exist"));

        assertThat(error.errno()).isEqualTo(Errno.ENOENT);
        assertThat(error.getMessage()).isEqualTo("bpf_obj_get failed: ENOENT (2): /sys/fs/bpf/hauberk-test-does-not-exist");
    }
}
