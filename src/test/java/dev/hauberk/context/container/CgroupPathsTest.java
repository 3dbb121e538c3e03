package dev.hauberk.context.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Path shapes written from how each runtime and cgroup driver names its cgroups. The
 * {@code /default/<name>} and {@code /k8s.io/<id>} shapes were also seen on this project's test
 * hosts, where containerd 1.6 ran with the cgroupfs driver.
 */
class CgroupPathsTest {

    private static final String ID = "f8bd40a6716aef4ddc9df672ad3f20dd104d9e4f05f78361e398c3de2b8c6895";
    private static final String UID = "2c5a4f6e-0b1d-4c3a-9e8f-7a6b5c4d3e2f";
    private static final String UID_UNDERSCORES = UID.replace('-', '_');

    private final CgroupPaths paths = CgroupPaths.withDefaults();

    private ContainerIdentity parsed(String path) {
        Optional<ContainerIdentity> identity = paths.parse(path);
        assertThat(identity).as("identity of %s", path).isPresent();
        return identity.get();
    }

    // ---------------------------------------------------------------- Kubernetes, systemd driver

    @Test
    void criContainerdBurstablePodSystemdDriver() {
        // kubelet + containerd with SystemdCgroup = true, cgroup v2 (and the same under v1's name=systemd).
        ContainerIdentity identity = parsed("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
                + UID_UNDERSCORES + ".slice/cri-containerd-" + ID + ".scope");

        assertThat(identity.runtime()).isEqualTo(ContainerRuntime.CRI_CONTAINERD);
        assertThat(identity.containerId()).isEqualTo(ID);
        assertThat(identity.podUid()).isEqualTo(UID);
        assertThat(identity.qosClass()).isEqualTo(QosClass.BURSTABLE);
        assertThat(identity.namespace()).isNull();
        assertThat(identity.isKubernetes()).isTrue();
    }

    @Test
    void guaranteedPodHasNoQosLevelInSystemdDriver() {
        // kubelet, systemd driver: a Guaranteed pod's slice sits directly in kubepods.slice.
        ContainerIdentity identity = parsed("/kubepods.slice/kubepods-pod" + UID_UNDERSCORES
                + ".slice/cri-containerd-" + ID + ".scope");

        assertThat(identity.qosClass()).isEqualTo(QosClass.GUARANTEED);
        assertThat(identity.podUid()).isEqualTo(UID);
    }

    @Test
    void crioBestEffortPodSystemdDriver() {
        // kubelet + CRI-O, which defaults to the systemd cgroup manager.
        ContainerIdentity identity = parsed("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
                + UID_UNDERSCORES + ".slice/crio-" + ID + ".scope");

        assertThat(identity.runtime()).isEqualTo(ContainerRuntime.CRIO);
        assertThat(identity.containerId()).isEqualTo(ID);
        assertThat(identity.qosClass()).isEqualTo(QosClass.BEST_EFFORT);
        assertThat(identity.podUid()).isEqualTo(UID);
    }

    @Test
    void crioConmonIsNotAContainer() {
        // CRI-O runs conmon, the container's monitor, in a sibling scope outside the container.
        assertThat(paths.parse("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
                + UID_UNDERSCORES + ".slice/crio-conmon-" + ID + ".scope")).isEmpty();
    }

    @Test
    void processInNestedCgroupBelongsToItsContainer() {
        // A container that runs systemd (or moves its processes for cgroup v2 delegation)
        // creates child cgroups such as init.scope inside its own.
        ContainerIdentity identity = parsed("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
                + UID_UNDERSCORES + ".slice/cri-containerd-" + ID + ".scope/init.scope");

        assertThat(identity.runtime()).isEqualTo(ContainerRuntime.CRI_CONTAINERD);
        assertThat(identity.containerId()).isEqualTo(ID);
    }

    // ---------------------------------------------------------------- Kubernetes, cgroupfs driver

    @Test
    void burstablePodCgroupfsDriver() {
        // kubelet with cgroupDriver: cgroupfs; the leaf is the bare id whatever the runtime.
        ContainerIdentity identity = parsed("/kubepods/burstable/pod" + UID + "/" + ID);

        assertThat(identity.runtime()).isEqualTo(ContainerRuntime.CRI);
        assertThat(identity.containerId()).isEqualTo(ID);
        assertThat(identity.podUid()).isEqualTo(UID);
        assertThat(identity.qosClass()).isEqualTo(QosClass.BURSTABLE);
        assertThat(identity.isKubernetes()).isTrue();
    }

    @Test
    void guaranteedAndBestEffortPodsCgroupfsDriver() {
        // kubelet, cgroupfs driver: Guaranteed pods directly under kubepods, BestEffort under besteffort.
        assertThat(parsed("/kubepods/pod" + UID + "/" + ID).qosClass()).isEqualTo(QosClass.GUARANTEED);
        assertThat(parsed("/kubepods/besteffort/pod" + UID + "/" + ID).qosClass()).isEqualTo(QosClass.BEST_EFFORT);
    }

    @Test
    void nestedInitScopeCgroupfsDriver() {
        ContainerIdentity identity = parsed("/kubepods/burstable/pod" + UID + "/" + ID + "/init.scope");

        assertThat(identity.containerId()).isEqualTo(ID);
        assertThat(identity.podUid()).isEqualTo(UID);
    }

    @Test
    void kubeletInsideAContainerKeepsThePod() {
        // kind: kubelet runs inside a Docker container, so the pods hang below that container's cgroup.
        String outer = "0".repeat(64);
        ContainerIdentity identity = parsed("/docker/" + outer + "/kubelet/kubepods/burstable/pod" + UID + "/" + ID);

        assertThat(identity.containerId()).isEqualTo(ID);
        assertThat(identity.podUid()).isEqualTo(UID);
    }

    @Test
    void podCgroupItselfIsNotAContainer() {
        assertThat(paths.parse("/kubepods/burstable/pod" + UID)).isEmpty();
        assertThat(paths.parse("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
                + UID_UNDERSCORES + ".slice")).isEmpty();
    }

    // ---------------------------------------------------------------- Docker

    @Test
    void dockerSystemdDriver() {
        // Docker Engine with native.cgroupdriver=systemd, the default on cgroup v2 hosts.
        ContainerIdentity identity = parsed("/system.slice/docker-" + ID + ".scope");

        assertThat(identity.runtime()).isEqualTo(ContainerRuntime.DOCKER);
        assertThat(identity.containerId()).isEqualTo(ID);
        assertThat(identity.podUid()).isNull();
        assertThat(identity.isKubernetes()).isFalse();
    }

    @Test
    void dockerCgroupfsDriver() {
        // Docker Engine with native.cgroupdriver=cgroupfs, the default on cgroup v1 hosts.
        ContainerIdentity identity = parsed("/docker/" + ID);

        assertThat(identity.runtime()).isEqualTo(ContainerRuntime.DOCKER);
        assertThat(identity.containerId()).isEqualTo(ID);
    }

    // ---------------------------------------------------------------- containerd without Kubernetes

    @Test
    void ctrRunInDefaultNamespace() {
        // ctr run without --cgroup-parent creates /<namespace>/<container name> (cgroupfs).
        ContainerIdentity identity = parsed("/default/sleeper");

        assertThat(identity.runtime()).isEqualTo(ContainerRuntime.CONTAINERD);
        assertThat(identity.containerId()).isEqualTo("sleeper");
        assertThat(identity.namespace()).isEqualTo("default");
    }

    @Test
    void criWithoutCgroupParentUsesNamespaceK8sIo() {
        // containerd's CRI plugin when the pod sets no cgroup_parent: /k8s.io/<container id>.
        ContainerIdentity identity = parsed("/k8s.io/" + ID);

        assertThat(identity.runtime()).isEqualTo(ContainerRuntime.CRI_CONTAINERD);
        assertThat(identity.namespace()).isEqualTo("k8s.io");
        assertThat(identity.containerId()).isEqualTo(ID);
    }

    @Test
    void mobyNamespaceIsRecognisedByDefault() {
        ContainerIdentity identity = parsed("/moby/" + ID);

        assertThat(identity.runtime()).isEqualTo(ContainerRuntime.CONTAINERD);
        assertThat(identity.namespace()).isEqualTo("moby");
    }

    @Test
    void nestedCgroupInContainerdNamespaceContainer() {
        ContainerIdentity identity = parsed("/default/sleeper/init.scope");

        assertThat(identity.containerId()).isEqualTo("sleeper");
        assertThat(identity.namespace()).isEqualTo("default");
    }

    @Test
    void onlyConfiguredNamespacesAreRecognised() {
        CgroupPaths custom = new CgroupPaths(List.of("buildkit"));

        assertThat(custom.parse("/buildkit/worker1")).get()
                .extracting(ContainerIdentity::namespace).isEqualTo("buildkit");
        assertThat(custom.parse("/default/sleeper")).isEmpty();
    }

    @Test
    void namespaceIsRecognisedOnlyAtTheTop() {
        assertThat(paths.parse("/system.slice/default/sleeper")).isEmpty();
    }

    @Test
    void invalidContainerdNameIsRejected() {
        assertThat(paths.parse("/default/-leading-dash")).isEmpty();
        assertThat(paths.parse("/default/" + "a".repeat(77))).isEmpty();
    }

    // ---------------------------------------------------------------- Podman

    @Test
    void podmanSystemdDriver() {
        // Rootful Podman with the systemd cgroup manager (its default).
        ContainerIdentity identity = parsed("/machine.slice/libpod-" + ID + ".scope");

        assertThat(identity.runtime()).isEqualTo(ContainerRuntime.PODMAN);
        assertThat(identity.containerId()).isEqualTo(ID);
    }

    @Test
    void podmanCgroupV2NestedContainerCgroup() {
        // Podman on cgroup v2 moves the payload into a child cgroup named "container".
        ContainerIdentity identity = parsed("/machine.slice/libpod-" + ID + ".scope/container");

        assertThat(identity.containerId()).isEqualTo(ID);
    }

    @Test
    void rootlessPodmanUnderUserSlice() {
        // Rootless Podman: the container scope lives in the user's systemd instance.
        ContainerIdentity identity = parsed("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-"
                + ID + ".scope");

        assertThat(identity.runtime()).isEqualTo(ContainerRuntime.PODMAN);
    }

    @Test
    void podmanCgroupfsPayload() {
        // Podman with --cgroup-manager=cgroupfs names the container's cgroup libpod-payload-<id>.
        ContainerIdentity identity = parsed("/libpod_parent/libpod-payload-" + ID);

        assertThat(identity.runtime()).isEqualTo(ContainerRuntime.PODMAN);
        assertThat(identity.containerId()).isEqualTo(ID);
    }

    @Test
    void podmanConmonIsNotAContainer() {
        assertThat(paths.parse("/machine.slice/libpod-conmon-" + ID + ".scope")).isEmpty();
    }

    // ---------------------------------------------------------------- not containers

    @ParameterizedTest
    @ValueSource(strings = {
        "/",
        "/init.scope",
        "/user.slice/user-0.slice/session-3.scope",
        "/system.slice/containerd.service",
        "/system.slice/docker.service",
        "/system.slice/systemd-journald.service",
        "/kubepods",
        "/kubepods.slice/kubepods-burstable.slice",
        "/docker",
        "/default",
        "/docker/not-a-container-id",
        "relative/path",
        ""
    })
    void hostCgroupIsNotAContainer(String path) {
        assertThat(paths.parse(path)).isEmpty();
    }

    @Test
    void idThatIsNotHexIsRejected() {
        assertThat(paths.parse("/system.slice/docker-" + "g".repeat(64) + ".scope")).isEmpty();
        assertThat(paths.parse("/system.slice/docker-" + ID.substring(1) + ".scope")).isEmpty();
    }

    // ---------------------------------------------------------------- /proc/PID/cgroup lines

    @Test
    void cgroupV2Line() {
        assertThat(paths.parseProcLine("0::/default/sleeper")).get()
                .extracting(ContainerIdentity::containerId).isEqualTo("sleeper");
    }

    @Test
    void cgroupV1LineWithControllers() {
        assertThat(paths.parseProcLine("4:memory:/docker/" + ID)).get()
                .extracting(ContainerIdentity::containerId).isEqualTo(ID);
        assertThat(paths.parseProcLine("1:name=systemd:/system.slice/docker-" + ID + ".scope")).get()
                .extracting(ContainerIdentity::runtime).isEqualTo(ContainerRuntime.DOCKER);
        assertThat(paths.parseProcLine("3:cpu,cpuacct:/kubepods/burstable/pod" + UID + "/" + ID)).get()
                .extracting(ContainerIdentity::podUid).isEqualTo(UID);
    }

    @Test
    void malformedLineIsIgnored() {
        assertThat(paths.parseProcLine("garbage")).isEmpty();
        assertThat(paths.parseProcLine("0:/default/sleeper")).isEmpty();
    }

    @Test
    void hybridHostProcFilePrefersTheV2Line() {
        // A hybrid host (v1 controllers plus cgroup2 at /sys/fs/cgroup/unified), as the test hosts run.
        String content = """
                9:name=systemd:/default/sleeper
                4:memory:/default/sleeper
                1:cpu:/default/sleeper
                0::/default/sleeper
                """;

        assertThat(paths.parseProcFile(content)).get()
                .extracting(ContainerIdentity::containerId).isEqualTo("sleeper");
    }

    @Test
    void v1OnlyProcFileUsesTheFirstContainerLine() {
        String content = """
                12:pids:/
                4:memory:/docker/%s
                1:name=systemd:/docker/%s
                """.formatted(ID, ID);

        assertThat(paths.parseProcFile(content)).get()
                .extracting(ContainerIdentity::containerId).isEqualTo(ID);
    }

    @Test
    void hostProcessProcFileHasNoContainer() {
        String content = """
                9:name=systemd:/user.slice/user-0.slice/session-3.scope
                0::/user.slice/user-0.slice/session-3.scope
                """;

        assertThat(paths.parseProcFile(content)).isEmpty();
    }
}
