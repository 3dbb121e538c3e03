package dev.hauberk.context.container;

import com.google.protobuf.MessageLite;
import com.google.protobuf.MessageOrBuilder;
import dev.hauberk.context.runtime.cri.v1.ContainerFilter;
import dev.hauberk.context.runtime.cri.v1.ContainerStatusRequest;
import dev.hauberk.context.runtime.cri.v1.ContainerStatusResponse;
import dev.hauberk.context.runtime.cri.v1.CreateContainerRequest;
import dev.hauberk.context.runtime.cri.v1.CreateContainerResponse;
import dev.hauberk.context.runtime.cri.v1.ImageSpec;
import dev.hauberk.context.runtime.cri.v1.ImageStatusRequest;
import dev.hauberk.context.runtime.cri.v1.ImageStatusResponse;
import dev.hauberk.context.runtime.cri.v1.ListContainersRequest;
import dev.hauberk.context.runtime.cri.v1.ListContainersResponse;
import dev.hauberk.context.runtime.cri.v1.PodSandboxStatusRequest;
import dev.hauberk.context.runtime.cri.v1.PodSandboxStatusResponse;
import dev.hauberk.context.runtime.cri.v1.RemoveContainerRequest;
import dev.hauberk.context.runtime.cri.v1.RemoveContainerResponse;
import dev.hauberk.context.runtime.cri.v1.RemovePodSandboxRequest;
import dev.hauberk.context.runtime.cri.v1.RemovePodSandboxResponse;
import dev.hauberk.context.runtime.cri.v1.RunPodSandboxRequest;
import dev.hauberk.context.runtime.cri.v1.RunPodSandboxResponse;
import dev.hauberk.context.runtime.cri.v1.StartContainerRequest;
import dev.hauberk.context.runtime.cri.v1.StartContainerResponse;
import dev.hauberk.context.runtime.cri.v1.StopContainerRequest;
import dev.hauberk.context.runtime.cri.v1.StopContainerResponse;
import dev.hauberk.context.runtime.cri.v1.StopPodSandboxRequest;
import dev.hauberk.context.runtime.cri.v1.StopPodSandboxResponse;
import dev.hauberk.context.runtime.cri.v1.VersionRequest;
import dev.hauberk.context.runtime.cri.v1.VersionResponse;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import java.util.Map;

/**
 * Client of the Kubernetes Container Runtime Interface ({@code runtime.v1}) on a runtime's unix
 * socket: containerd's CRI plugin or CRI-O. Every call has the channel's deadline and fails with
 * {@link RuntimeCallException}. The lifecycle calls (RunPodSandbox to RemovePodSandbox) exist for
 * tests: Hauberk itself only reads.
 */
public final class CriClient {

    private static final ServiceName RUNTIME = ServiceName.create("runtime.v1.RuntimeService");
    private static final ServiceName IMAGES = ServiceName.create("runtime.v1.ImageService");

    private static final ServiceMethod<VersionResponse, VersionRequest> VERSION =
            method(RUNTIME, "Version", VersionResponse.newBuilder());
    private static final ServiceMethod<ContainerStatusResponse, ContainerStatusRequest> CONTAINER_STATUS =
            method(RUNTIME, "ContainerStatus", ContainerStatusResponse.newBuilder());
    private static final ServiceMethod<ListContainersResponse, ListContainersRequest> LIST_CONTAINERS =
            method(RUNTIME, "ListContainers", ListContainersResponse.newBuilder());
    private static final ServiceMethod<PodSandboxStatusResponse, PodSandboxStatusRequest> POD_SANDBOX_STATUS =
            method(RUNTIME, "PodSandboxStatus", PodSandboxStatusResponse.newBuilder());
    private static final ServiceMethod<ImageStatusResponse, ImageStatusRequest> IMAGE_STATUS =
            method(IMAGES, "ImageStatus", ImageStatusResponse.newBuilder());

    private static final ServiceMethod<RunPodSandboxResponse, RunPodSandboxRequest> RUN_POD_SANDBOX =
            method(RUNTIME, "RunPodSandbox", RunPodSandboxResponse.newBuilder());
    private static final ServiceMethod<StopPodSandboxResponse, StopPodSandboxRequest> STOP_POD_SANDBOX =
            method(RUNTIME, "StopPodSandbox", StopPodSandboxResponse.newBuilder());
    private static final ServiceMethod<RemovePodSandboxResponse, RemovePodSandboxRequest> REMOVE_POD_SANDBOX =
            method(RUNTIME, "RemovePodSandbox", RemovePodSandboxResponse.newBuilder());
    private static final ServiceMethod<CreateContainerResponse, CreateContainerRequest> CREATE_CONTAINER =
            method(RUNTIME, "CreateContainer", CreateContainerResponse.newBuilder());
    private static final ServiceMethod<StartContainerResponse, StartContainerRequest> START_CONTAINER =
            method(RUNTIME, "StartContainer", StartContainerResponse.newBuilder());
    private static final ServiceMethod<StopContainerResponse, StopContainerRequest> STOP_CONTAINER =
            method(RUNTIME, "StopContainer", StopContainerResponse.newBuilder());
    private static final ServiceMethod<RemoveContainerResponse, RemoveContainerRequest> REMOVE_CONTAINER =
            method(RUNTIME, "RemoveContainer", RemoveContainerResponse.newBuilder());

    private final UnixGrpcChannel channel;

    public CriClient(UnixGrpcChannel channel) {
        this.channel = channel;
    }

    public String socketPath() {
        return channel.socketPath();
    }

    /** Fetches the runtime's name and version, such as {@code containerd} and {@code 1.6.20~ds1}. */
    public Future<VersionResponse> version() {
        return channel.unary(VERSION, VersionRequest.newBuilder().setVersion("v1").build(), Map.of());
    }

    /** Fetches a container's status without the runtime-specific verbose info. */
    public Future<ContainerStatusResponse> containerStatus(String containerId) {
        ContainerStatusRequest request = ContainerStatusRequest.newBuilder()
                .setContainerId(containerId)
                .setVerbose(false)
                .build();
        return channel.unary(CONTAINER_STATUS, request, Map.of());
    }

    /** Lists the containers that match filter; an empty filter lists all. */
    public Future<ListContainersResponse> listContainers(ContainerFilter filter) {
        return channel.unary(LIST_CONTAINERS, ListContainersRequest.newBuilder().setFilter(filter).build(), Map.of());
    }

    /** Fetches a pod sandbox's status: its metadata contains the pod's name, namespace and UID. */
    public Future<PodSandboxStatusResponse> podSandboxStatus(String podSandboxId) {
        PodSandboxStatusRequest request = PodSandboxStatusRequest.newBuilder()
                .setPodSandboxId(podSandboxId)
                .build();
        return channel.unary(POD_SANDBOX_STATUS, request, Map.of());
    }

    /**
     * Fetches an image's status by name, digested reference or id. The response has no image when
     * the runtime does not have it. containerd returns the image config digest as {@code image.id}.
     */
    public Future<ImageStatusResponse> imageStatus(String imageReference) {
        ImageStatusRequest request = ImageStatusRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage(imageReference))
                .build();
        return channel.unary(IMAGE_STATUS, request, Map.of());
    }

    /** Creates and starts a pod sandbox and returns its id. */
    public Future<String> runPodSandbox(RunPodSandboxRequest request) {
        return channel.unary(RUN_POD_SANDBOX, request, Map.of()).map(RunPodSandboxResponse::getPodSandboxId);
    }

    /** Creates a container in a pod sandbox and returns its id. */
    public Future<String> createContainer(CreateContainerRequest request) {
        return channel.unary(CREATE_CONTAINER, request, Map.of()).map(CreateContainerResponse::getContainerId);
    }

    public Future<Void> startContainer(String containerId) {
        StartContainerRequest request = StartContainerRequest.newBuilder().setContainerId(containerId).build();
        return channel.unary(START_CONTAINER, request, Map.of()).mapEmpty();
    }

    /** Stops a container, killing it after timeoutSeconds; 0 kills at once. */
    public Future<Void> stopContainer(String containerId, long timeoutSeconds) {
        StopContainerRequest request = StopContainerRequest.newBuilder()
                .setContainerId(containerId)
                .setTimeout(timeoutSeconds)
                .build();
        return channel.unary(STOP_CONTAINER, request, Map.of()).mapEmpty();
    }

    public Future<Void> removeContainer(String containerId) {
        RemoveContainerRequest request = RemoveContainerRequest.newBuilder().setContainerId(containerId).build();
        return channel.unary(REMOVE_CONTAINER, request, Map.of()).mapEmpty();
    }

    /** Stops every container of a pod sandbox and the sandbox itself. */
    public Future<Void> stopPodSandbox(String podSandboxId) {
        StopPodSandboxRequest request = StopPodSandboxRequest.newBuilder().setPodSandboxId(podSandboxId).build();
        return channel.unary(STOP_POD_SANDBOX, request, Map.of()).mapEmpty();
    }

    /** Removes a pod sandbox and its containers; the sandbox should be stopped first. */
    public Future<Void> removePodSandbox(String podSandboxId) {
        RemovePodSandboxRequest request = RemovePodSandboxRequest.newBuilder().setPodSandboxId(podSandboxId).build();
        return channel.unary(REMOVE_POD_SANDBOX, request, Map.of()).mapEmpty();
    }

    private static <Req extends MessageLite, Resp extends MessageLite> ServiceMethod<Resp, Req> method(
            ServiceName service, String name, MessageOrBuilder prototype) {
        return ServiceMethod.client(service, name, GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(prototype));
    }
}
