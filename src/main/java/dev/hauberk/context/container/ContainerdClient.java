package dev.hauberk.context.container;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import com.google.protobuf.MessageLite;
import com.google.protobuf.MessageOrBuilder;
import dev.hauberk.context.runtime.containerd.v1.Container;
import dev.hauberk.context.runtime.containerd.v1.GetContainerRequest;
import dev.hauberk.context.runtime.containerd.v1.GetContainerResponse;
import dev.hauberk.context.runtime.containerd.v1.GetImageRequest;
import dev.hauberk.context.runtime.containerd.v1.GetImageResponse;
import dev.hauberk.context.runtime.containerd.v1.Image;
import dev.hauberk.context.runtime.containerd.v1.ListContainersRequest;
import dev.hauberk.context.runtime.containerd.v1.ListContainersResponse;
import dev.hauberk.context.runtime.containerd.v1.ReadContentRequest;
import dev.hauberk.context.runtime.containerd.v1.ReadContentResponse;
import dev.hauberk.context.runtime.containerd.v1.VersionResponse;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import java.util.List;
import java.util.Map;

/**
 * Client of containerd's own gRPC API (Containers, Images, Content, Version) on its unix socket.
 * Every call except {@link #version()} carries the {@code containerd-namespace} header, because
 * containerd keeps containers, images and content per namespace. Every call has the channel's
 * deadline and fails with {@link RuntimeCallException}.
 */
public final class ContainerdClient {

    /** The gRPC metadata header that selects the containerd namespace. */
    public static final String NAMESPACE_HEADER = "containerd-namespace";

    /** Largest manifest or index read from the content store, in bytes; real ones are a few KiB. */
    static final long MAX_MANIFEST_BYTES = 4L << 20;

    /** An index may point to another index; deeper nesting than this is rejected. */
    private static final int MAX_INDEX_DEPTH = 2;

    private static final ServiceName CONTAINERS = ServiceName.create("containerd.services.containers.v1.Containers");
    private static final ServiceName IMAGES = ServiceName.create("containerd.services.images.v1.Images");
    private static final ServiceName CONTENT = ServiceName.create("containerd.services.content.v1.Content");
    private static final ServiceName VERSION_SERVICE = ServiceName.create("containerd.services.version.v1.Version");

    private static final ServiceMethod<GetContainerResponse, GetContainerRequest> GET_CONTAINER =
            method(CONTAINERS, "Get", GetContainerResponse.newBuilder());
    private static final ServiceMethod<ListContainersResponse, ListContainersRequest> LIST_CONTAINERS =
            method(CONTAINERS, "List", ListContainersResponse.newBuilder());
    private static final ServiceMethod<GetImageResponse, GetImageRequest> GET_IMAGE =
            method(IMAGES, "Get", GetImageResponse.newBuilder());
    private static final ServiceMethod<ReadContentResponse, ReadContentRequest> READ_CONTENT =
            method(CONTENT, "Read", ReadContentResponse.newBuilder());
    private static final ServiceMethod<VersionResponse, Empty> VERSION =
            method(VERSION_SERVICE, "Version", VersionResponse.newBuilder());

    private final UnixGrpcChannel channel;
    private final ImageManifests.Platform platform;

    /** Creates a client that picks this machine's platform from multi-platform images. */
    public ContainerdClient(UnixGrpcChannel channel) {
        this(channel, ImageManifests.Platform.current());
    }

    /** Creates a client that picks platform's manifest from multi-platform images. */
    public ContainerdClient(UnixGrpcChannel channel, ImageManifests.Platform platform) {
        this.channel = channel;
        this.platform = platform;
    }

    public String socketPath() {
        return channel.socketPath();
    }

    /** Fetches containerd's version; needs no namespace, so it suits a connection check. */
    public Future<VersionResponse> version() {
        return channel.unary(VERSION, Empty.getDefaultInstance(), Map.of());
    }

    /** Fetches one container record of namespace. */
    public Future<Container> getContainer(String namespace, String containerId) {
        GetContainerRequest request = GetContainerRequest.newBuilder().setId(containerId).build();
        return channel.unary(GET_CONTAINER, request, header(namespace)).map(GetContainerResponse::getContainer);
    }

    /** Lists the container records of namespace that match any of filters; none lists all. */
    public Future<List<Container>> listContainers(String namespace, List<String> filters) {
        ListContainersRequest request = ListContainersRequest.newBuilder().addAllFilters(filters).build();
        return channel.unary(LIST_CONTAINERS, request, header(namespace)).map(ListContainersResponse::getContainersList);
    }

    /** Fetches one image record of namespace by name, such as {@code localhost/busybox:test}. */
    public Future<Image> getImage(String namespace, String name) {
        GetImageRequest request = GetImageRequest.newBuilder().setName(name).build();
        return channel.unary(GET_IMAGE, request, header(namespace)).map(GetImageResponse::getImage);
    }

    /**
     * Reads a whole blob of namespace's content store, streamed in chunks, up to maxBytes.
     * Content is visible only in a namespace that references it.
     */
    public Future<byte[]> readContent(String namespace, String digest, long maxBytes) {
        ReadContentRequest request = ReadContentRequest.newBuilder().setDigest(digest).build();
        return channel.serverStream(READ_CONTENT, request, header(namespace), maxBytes + 4096).map(chunks -> {
            ByteString blob = ByteString.EMPTY;
            for (ReadContentResponse chunk : chunks) {
                blob = blob.concat(chunk.getData());
            }
            return blob.toByteArray();
        });
    }

    /**
     * Resolves an image name to its config digest ({@code sha256:...}), the id that CRI also
     * reports: Images.Get gives the target (a manifest or an index), Content.Read reads it, and
     * for an index the manifest of this client's platform is read next.
     */
    public Future<String> imageConfigDigest(String namespace, String imageName) {
        return getImage(namespace, imageName).compose(image -> {
            var target = image.getTarget();
            return configDigest(namespace, target.getMediaType(), target.getDigest(), 0);
        });
    }

    private Future<String> configDigest(String namespace, String mediaType, String digest, int depth) {
        return readContent(namespace, digest, MAX_MANIFEST_BYTES).compose(blob -> {
            try {
                JsonObject document = ImageManifests.parse(blob);
                if (!ImageManifests.isIndex(mediaType, document)) {
                    return Future.succeededFuture(ImageManifests.configDigest(mediaType, document));
                }
                if (depth >= MAX_INDEX_DEPTH) {
                    throw new IllegalArgumentException("indexes nested deeper than " + MAX_INDEX_DEPTH);
                }
                ImageManifests.Descriptor manifest = ImageManifests.selectManifest(document, platform);
                return configDigest(namespace, manifest.mediaType(), manifest.digest(), depth + 1);
            } catch (IllegalArgumentException e) {
                return Future.failedFuture(new RuntimeCallException(channel.socketPath(), READ_CONTENT.fullMethodName(),
                        RuntimeCallException.Kind.INVALID_RESPONSE, null, "blob " + digest + ": " + e.getMessage(), e));
            }
        });
    }

    private static Map<String, String> header(String namespace) {
        return Map.of(NAMESPACE_HEADER, namespace);
    }

    private static <Req extends MessageLite, Resp extends MessageLite> ServiceMethod<Resp, Req> method(
            ServiceName service, String name, MessageOrBuilder prototype) {
        return ServiceMethod.client(service, name, GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(prototype));
    }
}
