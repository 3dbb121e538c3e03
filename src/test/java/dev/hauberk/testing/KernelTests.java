package dev.hauberk.testing;

import dev.hauberk.kernel.Preflight;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Gate for tests that need the real kernel. Outside CI a machine that cannot run them
 * (not root, no BTF, no libbpf) skips them with the reason; with
 * HAUBERK_REQUIRE_KERNEL_TESTS=1, as ./hauberk test sets it, the same condition fails
 * the test, because a skip there would hide a broken setup.
 */
public final class KernelTests {

    public static final String REQUIRE_ENV = "HAUBERK_REQUIRE_KERNEL_TESTS";

    private KernelTests() {
    }

    public static void requireKernel() {
        Optional<String> problem = Preflight.firstProblem();
        if (problem.isEmpty()) {
            return;
        }
        if ("1".equals(System.getenv(REQUIRE_ENV))) {
            Assertions.fail("kernel test cannot run although " + REQUIRE_ENV + "=1: " + problem.get());
        }
        Assumptions.abort("kernel test skipped: " + problem.get());
    }
}
