package dev.hauberk.context.container;

import com.google.protobuf.MessageLite;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.io.FileNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * gRPC calls to one container runtime's unix socket, each with a deadline. The deadline covers
 * the connection as well as the call: a runtime that accepts the connection and never responds
 * fails the call with {@link RuntimeCallException.Kind#DEADLINE_EXCEEDED} once it passes. The
 * remaining time is also sent as {@code grpc-timeout}, so the runtime can give up too.
 *
 * <p>Unix sockets need Netty's native transport, so the Vertx instance must be created with
 * {@code new VertxOptions().setPreferNativeTransport(true)} on a host where epoll loads.
 */
public final class UnixGrpcChannel {

    /** Largest response message accepted, in bytes; a ListContainers response of a busy node stays far below it. */
    static final long MAX_MESSAGE_BYTES = 16L << 20;

    private final Vertx vertx;
    private final GrpcClient client;
    private final String socketPath;
    private final SocketAddress address;
    private final long timeoutMs;

    /** Creates a channel to socketPath through client, with timeoutMs as every call's deadline. */
    public UnixGrpcChannel(Vertx vertx, GrpcClient client, String socketPath, long timeoutMs) {
        if (timeoutMs <= 0) {
            throw new IllegalArgumentException("timeoutMs must be positive, got " + timeoutMs);
        }
        this.vertx = vertx;
        this.client = client;
        this.socketPath = socketPath;
        this.address = SocketAddress.domainSocketAddress(socketPath);
        this.timeoutMs = timeoutMs;
    }

    /**
     * Creates a gRPC client for runtime sockets: HTTP/2 without TLS (prior knowledge, as gRPC over
     * a unix socket uses), a connect timeout of timeoutMs and {@link #MAX_MESSAGE_BYTES}. Close it
     * with {@link GrpcClient#close()}.
     */
    public static GrpcClient newClient(Vertx vertx, long timeoutMs) {
        HttpClientOptions http = new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMs));
        GrpcClientOptions grpc = new GrpcClientOptions().setMaxMessageSize(MAX_MESSAGE_BYTES);
        return GrpcClient.client(vertx, grpc, http);
    }

    public String socketPath() {
        return socketPath;
    }

    /** Sends one request and returns the one response, with metadata as request headers. */
    public <Req extends MessageLite, Resp extends MessageLite> Future<Resp> unary(
            ServiceMethod<Resp, Req> method, Req request, Map<String, String> metadata) {
        return call(method, request, metadata, MAX_MESSAGE_BYTES).compose(messages -> {
            if (messages.size() != 1) {
                return Future.failedFuture(new RuntimeCallException(socketPath, method.fullMethodName(),
                        RuntimeCallException.Kind.INVALID_RESPONSE, null,
                        "expected one response message, received " + messages.size(), null));
            }
            return Future.succeededFuture(messages.getFirst());
        });
    }

    /**
     * Sends one request and collects every message of a server stream, failing with
     * {@link RuntimeCallException.Kind#INVALID_RESPONSE} once they exceed maxBytes.
     */
    public <Req extends MessageLite, Resp extends MessageLite> Future<List<Resp>> serverStream(
            ServiceMethod<Resp, Req> method, Req request, Map<String, String> metadata, long maxBytes) {
        return call(method, request, metadata, maxBytes);
    }

    private <Req extends MessageLite, Resp extends MessageLite> Future<List<Resp>> call(
            ServiceMethod<Resp, Req> method, Req request, Map<String, String> metadata, long maxBytes) {
        String name = method.fullMethodName();
        Promise<List<Resp>> promise = Promise.promise();
        AtomicReference<GrpcClientRequest<Req, Resp>> pending = new AtomicReference<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);

        long timer = vertx.setTimer(timeoutMs, id -> {
            if (promise.tryFail(failure(name, RuntimeCallException.Kind.DEADLINE_EXCEEDED, null,
                    "no response within " + timeoutMs + " ms", null))) {
                GrpcClientRequest<Req, Resp> started = pending.get();
                if (started != null) {
                    started.cancel();
                }
            }
        });
        promise.future().onComplete(done -> vertx.cancelTimer(timer));

        client.request(address, method).onComplete(connected -> {
            if (connected.failed()) {
                promise.tryFail(connectFailure(name, connected.cause()));
                return;
            }
            GrpcClientRequest<Req, Resp> grpcRequest = connected.result();
            pending.set(grpcRequest);
            if (promise.future().isComplete()) {
                grpcRequest.cancel();
                return;
            }
            metadata.forEach((key, value) -> grpcRequest.headers().set(key, value));
            long remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            grpcRequest.timeout(remainingMs, TimeUnit.MILLISECONDS);
            grpcRequest.send(request).onComplete(sent -> {
                if (sent.failed()) {
                    promise.tryFail(failure(name, RuntimeCallException.Kind.CONNECTION_FAILED, null,
                            "request failed: " + describe(sent.cause()), sent.cause()));
                    return;
                }
                collect(name, grpcRequest, sent.result(), maxBytes, promise);
            });
        });
        return promise.future();
    }

    private <Req, Resp extends MessageLite> void collect(String name, GrpcClientRequest<Req, Resp> grpcRequest,
            GrpcClientResponse<Req, Resp> response, long maxBytes, Promise<List<Resp>> promise) {
        List<Resp> messages = new ArrayList<>();
        long[] received = {0};

        response.handler(message -> {
            received[0] += message.getSerializedSize();
            if (received[0] > maxBytes && promise.tryFail(failure(name, RuntimeCallException.Kind.INVALID_RESPONSE,
                    null, "response larger than " + maxBytes + " bytes", null))) {
                grpcRequest.cancel();
                return;
            }
            messages.add(message);
        });
        response.exceptionHandler(error -> promise.tryFail(failure(name, RuntimeCallException.Kind.CONNECTION_FAILED,
                null, "response failed: " + describe(error), error)));
        response.endHandler(end -> {
            GrpcStatus status = response.status();
            if (status == GrpcStatus.OK) {
                promise.tryComplete(messages);
                return;
            }
            String message = response.statusMessage();
            promise.tryFail(failure(name, RuntimeCallException.Kind.STATUS, status,
                    status.name() + (message == null || message.isEmpty() ? "" : ": " + message), null));
        });
    }

    private RuntimeCallException connectFailure(String method, Throwable cause) {
        String detail = describe(cause);
        // Netty's epoll transport reports a missing socket file as FileNotFoundException.
        boolean missing = cause instanceof FileNotFoundException || cause.getCause() instanceof FileNotFoundException;
        RuntimeCallException.Kind kind = missing
                ? RuntimeCallException.Kind.SOCKET_MISSING
                : RuntimeCallException.Kind.CONNECTION_FAILED;
        return failure(method, kind, null, missing ? "socket not found" : "connect failed: " + detail, cause);
    }

    private RuntimeCallException failure(String method, RuntimeCallException.Kind kind, GrpcStatus status,
            String detail, Throwable cause) {
        return new RuntimeCallException(socketPath, method, kind, status, detail, cause);
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isEmpty() ? error.getClass().getSimpleName() : message;
    }
}
