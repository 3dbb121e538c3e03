package dev.hauberk.context.container;

import com.google.protobuf.MessageLite;
import com.google.protobuf.MessageOrBuilder;
import dev.hauberk.context.runtime.cri.v1.Container;
import dev.hauberk.context.runtime.cri.v1.ContainerMetadata;
import dev.hauberk.context.runtime.cri.v1.ContainerStatus;
import dev.hauberk.context.runtime.cri.v1.ContainerStatusRequest;
import dev.hauberk.context.runtime.cri.v1.ContainerStatusResponse;
import dev.hauberk.context.runtime.cri.v1.Image;
import dev.hauberk.context.runtime.cri.v1.ImageSpec;
import dev.hauberk.context.runtime.cri.v1.ImageStatusRequest;
import dev.hauberk.context.runtime.cri.v1.ImageStatusResponse;
import dev.hauberk.context.runtime.cri.v1.ListContainersRequest;
import dev.hauberk.context.runtime.cri.v1.ListContainersResponse;
import dev.hauberk.context.runtime.cri.v1.PodSandboxMetadata;
import dev.hauberk.context.runtime.cri.v1.PodSandboxStatus;
import dev.hauberk.context.runtime.cri.v1.PodSandboxStatusRequest;
import dev.hauberk.context.runtime.cri.v1.PodSandboxStatusResponse;
import dev.hauberk.context.runtime.cri.v1.VersionRequest;
import dev.hauberk.context.runtime.cri.v1.VersionResponse;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A CRI runtime on a unix socket for resolver tests. It has the containers in
 * {@link #containers}, all from one pod and one image, and fails or hangs on request.
 */
final class FakeCriServer implements AutoCloseable {

    static final String IMAGE = "localhost/busybox:test";
    static final String IMAGE_ID = "sha256:" + "c9".repeat(32);
    static final String SANDBOX_ID = "5a".repeat(32);
    static final PodSandboxMetadata POD = PodSandboxMetadata.newBuilder()
            .setName("web-0").setNamespace("shop").setUid("2c5a4f6e-0b1d-4c3a-9e8f-7a6b5c4d3e2f").build();

    /** Container ids this runtime has. */
    final Set<String> containers = ConcurrentHashMap.newKeySet();
    /** ContainerStatus calls received. */
    final AtomicInteger statusCalls = new AtomicInteger();
    /** Number of the next ContainerStatus calls that fail with UNAVAILABLE. */
    final AtomicInteger unavailableReplies = new AtomicInteger();
    /** When set, ContainerStatus never responds. */
    volatile boolean hang;
    /** Delay before each ContainerStatus response, in ms. */
    volatile long delayMs;

    private final Vertx vertx;
    private final HttpServer server;
    final String socket;

    private FakeCriServer(Vertx vertx, HttpServer server, String socket) {
        this.vertx = vertx;
        this.server = server;
        this.socket = socket;
    }

    static FakeCriServer start(Vertx vertx, Path directory) throws Exception {
        String socket = directory.resolve("cri.sock").toString();
        GrpcServer grpc = GrpcServer.server(vertx);
        HttpServer http = vertx.createHttpServer(new HttpServerOptions());
        FakeCriServer fake = new FakeCriServer(vertx, http, socket);
        fake.register(grpc);
        http.requestHandler(grpc).listen(SocketAddress.domainSocketAddress(socket))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return fake;
    }

    private void register(GrpcServer grpc) {
        ServiceName runtime = ServiceName.create("runtime.v1.RuntimeService");
        ServiceName images = ServiceName.create("runtime.v1.ImageService");

        ServiceMethod<VersionRequest, VersionResponse> version = method(runtime, "Version", VersionRequest.newBuilder());
        grpc.callHandler(version, request -> request.handler(message -> request.response().end(
                VersionResponse.newBuilder().setRuntimeName("containerd").setRuntimeVersion("1.6.20").build())));

        ServiceMethod<ContainerStatusRequest, ContainerStatusResponse> status =
                method(runtime, "ContainerStatus", ContainerStatusRequest.newBuilder());
        grpc.callHandler(status, request -> request.handler(message -> {
            statusCalls.incrementAndGet();
            if (hang) {
                return;
            }
            vertx.setTimer(Math.max(1, delayMs), timer -> containerStatus(request, message.getContainerId()));
        }));

        ServiceMethod<ListContainersRequest, ListContainersResponse> list =
                method(runtime, "ListContainers", ListContainersRequest.newBuilder());
        grpc.callHandler(list, request -> request.handler(message -> {
            String id = message.getFilter().getId();
            ListContainersResponse.Builder response = ListContainersResponse.newBuilder();
            if (containers.contains(id)) {
                response.addContainers(Container.newBuilder().setId(id).setPodSandboxId(SANDBOX_ID));
            }
            request.response().end(response.build());
        }));

        ServiceMethod<PodSandboxStatusRequest, PodSandboxStatusResponse> sandbox =
                method(runtime, "PodSandboxStatus", PodSandboxStatusRequest.newBuilder());
        grpc.callHandler(sandbox, request -> request.handler(message -> request.response().end(
                PodSandboxStatusResponse.newBuilder()
                        .setStatus(PodSandboxStatus.newBuilder().setId(SANDBOX_ID).setMetadata(POD))
                        .build())));

        ServiceMethod<ImageStatusRequest, ImageStatusResponse> image =
                method(images, "ImageStatus", ImageStatusRequest.newBuilder());
        grpc.callHandler(image, request -> request.handler(message -> {
            ImageStatusResponse.Builder response = ImageStatusResponse.newBuilder();
            if (message.getImage().getImage().equals(IMAGE)) {
                response.setImage(Image.newBuilder().setId(IMAGE_ID).addRepoTags(IMAGE));
            }
            request.response().end(response.build());
        }));
    }

    private void containerStatus(GrpcServerRequest<ContainerStatusRequest, ContainerStatusResponse> request, String id) {
        if (unavailableReplies.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
            request.response().status(GrpcStatus.UNAVAILABLE).statusMessage("runtime restarting").end();
            return;
        }
        if (!containers.contains(id)) {
            request.response().status(GrpcStatus.NOT_FOUND).statusMessage("container \"" + id + "\" not found").end();
            return;
        }
        request.response().end(ContainerStatusResponse.newBuilder().setStatus(ContainerStatus.newBuilder()
                .setId(id)
                .setMetadata(ContainerMetadata.newBuilder().setName("app"))
                .setImage(ImageSpec.newBuilder().setImage(IMAGE))
                .setImageRef(IMAGE)).build());
    }

    private static <Req extends MessageLite, Resp extends MessageLite> ServiceMethod<Req, Resp> method(
            ServiceName service, String name, MessageOrBuilder requestPrototype) {
        return ServiceMethod.server(service, name, GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(requestPrototype));
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
