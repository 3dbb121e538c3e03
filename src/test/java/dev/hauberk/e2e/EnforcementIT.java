package dev.hauberk.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hauberk.testing.KernelTests;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Enforcement as each kernel offers it, proven by behaviour: on this host (no BPF-LSM) an
 * exec or a write is killed after it happened and a connect is refused by a cgroup hook;
 * in a VM booted with BPF-LSM every one is refused before it happens.
 */
class EnforcementIT {

    private static String mechanism(JsonObject capabilities, String rule) {
        return capabilities.getJsonArray("rules").stream().map(JsonObject.class::cast)
                .filter(r -> rule.equals(r.getString("name"))).findFirst()
                .orElseThrow(() -> new AssertionError(rule + " not in " + capabilities)).getString("mechanism");
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OnThisHost {

        private JsonObject results;

        @BeforeAll
        void runScenarios(@TempDir Path workDir) throws Exception {
            KernelTests.requireKernel();
            results = EnforcementScenarios.run(workDir);
        }

        @Test
        void capabilitiesReportTheFallbacks() {
            JsonObject capabilities = results.getJsonObject("capabilities");
            assertThat(capabilities.getBoolean("bpfLsm")).isFalse();
            assertThat(mechanism(capabilities, "exec-world-writable-dir")).isEqualTo("sigkill");
            assertThat(mechanism(capabilities, "write-ld-so-preload")).isEqualTo("sigkill");
            assertThat(mechanism(capabilities, "connect-denied-destination")).isEqualTo("cgroup");
        }

        @Test
        void execIsKilledBeforeItsFirstInstruction() {
            JsonObject exec = results.getJsonObject("exec");
            assertThat(exec.getInteger("status")).isEqualTo(137);
            assertThat(exec.getBoolean("sideEffect")).as("touch ran").isFalse();
            assertThat(exec.getJsonObject("detection").getString("action")).isEqualTo("killed");
        }

        @Test
        void writerIsKilledAfterTheOpenTruncatedTheFile() {
            JsonObject file = results.getJsonObject("file");
            assertThat(file.getInteger("status")).isEqualTo(137);
            // The SIGKILL fallback's documented cost: the open, with O_TRUNC, has happened.
            assertThat(file.getString("content")).isEmpty();
            assertThat(file.getJsonObject("detection").getString("action")).isEqualTo("killed");
        }

        @Test
        void connectIsRefusedByTheCgroupHook() {
            JsonObject network = results.getJsonObject("network");
            assertThat(network.getInteger("status")).isEqualTo(1);
            assertThat(network.getString("stderr")).contains("Operation not permitted");
            assertThat(network.getBoolean("sideEffect")).as("connection accepted").isFalse();
            assertThat(network.getJsonObject("detection").getString("action")).isEqualTo("blocked");
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class InAVmWithBpfLsm {

        private JsonObject results;

        @BeforeAll
        void runScenariosInTheVm(@TempDir Path shared) throws Exception {
            KernelTests.requireKernel();
            Path repository = DaemonProcess.repository();
            Path lsmVm = repository.resolve("scripts/vm/lsm-vm");
            Path resultsFile = shared.resolve("results.json");
            // One vCPU: with two, qemu's multi-threaded TCG has let the guest JVM hit SIGILL in
            // code it had just compiled (cross-modified code), so the run would fail at random.
            List<String> command = new ArrayList<>(List.of(lsmVm.toString(), "run", "--timeout", "600", "--mem", "3072",
                    "--cpus", "1", "--share", shared.toString()));
            // The guest's /tmp is its own: a checkout under /tmp must be shared to be visible.
            if (repository.startsWith("/tmp")) {
                command.addAll(List.of("--share", repository.toString()));
            }
            command.addAll(List.of("--",
                    DaemonProcess.java().toString(), "--enable-native-access=ALL-UNNAMED",
                    "-XX:ErrorFile=" + shared.resolve("hs_err_%p.log"),
                    "-Dhauberk.basedir=" + repository, "-Dhauberk.jar=" + DaemonProcess.jar(),
                    "-cp", System.getProperty("java.class.path"),
                    EnforcementScenarios.class.getName(), shared.resolve("work").toString(), resultsFile.toString()));
            Path log = shared.resolve("vm.log");
            Process vm = new ProcessBuilder(command).directory(repository.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            assertThat(vm.waitFor(15, TimeUnit.MINUTES)).as("the VM finished").isTrue();
            assertThat(vm.exitValue()).as("lsm-vm exit status; output:\n%s", Files.readString(log)).isZero();
            results = new JsonObject(Files.readString(resultsFile));
        }

        @Test
        void capabilitiesReportLsmForEveryEnforcingRule() {
            JsonObject capabilities = results.getJsonObject("capabilities");
            assertThat(capabilities.getBoolean("bpfLsm")).as("%s", capabilities).isTrue();
            assertThat(capabilities.getJsonArray("activeLsms").getList()).contains("bpf");
            assertThat(mechanism(capabilities, "exec-world-writable-dir")).isEqualTo("lsm");
            assertThat(mechanism(capabilities, "write-ld-so-preload")).isEqualTo("lsm");
            assertThat(mechanism(capabilities, "connect-denied-destination")).isEqualTo("lsm");
        }

        @Test
        void execIsRefusedAndTheProgramNeverRuns() {
            JsonObject exec = results.getJsonObject("exec");
            // A shell reports a refused exec as 126; a killed process would be 137.
            assertThat(exec.getInteger("status")).isEqualTo(126);
            assertThat(exec.getString("stderr")).contains("Operation not permitted");
            assertThat(exec.getBoolean("sideEffect")).as("touch ran").isFalse();
            assertThat(exec.getJsonObject("detection").getString("action")).isEqualTo("blocked");
        }

        @Test
        void writeIsRefusedAndTheFileKeepsItsContent() {
            JsonObject file = results.getJsonObject("file");
            assertThat(file.getInteger("status")).isEqualTo(1);
            assertThat(file.getString("stderr")).contains("Operation not permitted");
            assertThat(file.getString("content")).isEqualTo("original\n");
            assertThat(file.getJsonObject("detection").getString("action")).isEqualTo("blocked");
        }

        @Test
        void connectIsRefusedByTheLsmHook() {
            JsonObject network = results.getJsonObject("network");
            assertThat(network.getInteger("status")).isEqualTo(1);
            assertThat(network.getString("stderr")).contains("Operation not permitted");
            assertThat(network.getBoolean("sideEffect")).as("connection accepted").isFalse();
            assertThat(network.getJsonObject("detection").getString("action")).isEqualTo("blocked");
        }
    }
}
