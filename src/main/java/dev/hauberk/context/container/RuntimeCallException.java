package dev.hauberk.context.container;

import io.vertx.grpc.common.GrpcStatus;

/**
 * A failed call to a container runtime's gRPC API. The message names the socket, the method and
 * what went wrong, and {@link #kind()} lets the resolver decide whether a retry can help.
 */
public final class RuntimeCallException extends Exception {

    /** The class of failure. */
    public enum Kind {
        /** The socket file does not exist: the runtime is not installed or not started. */
        SOCKET_MISSING,
        /** The connection failed or broke, for example connection refused while the runtime restarts. */
        CONNECTION_FAILED,
        /** No response within the call's deadline. */
        DEADLINE_EXCEEDED,
        /** The runtime returned a gRPC status other than OK; see {@link #status()}. */
        STATUS,
        /** The response could not be decoded or lacked a field the call needs. */
        INVALID_RESPONSE
    }

    private final String socket;
    private final String method;
    private final Kind kind;
    private final GrpcStatus status;
    private final String detail;

    public RuntimeCallException(String socket, String method, Kind kind, GrpcStatus status, String detail, Throwable cause) {
        super(socket + " " + method + ": " + detail, cause);
        this.detail = detail;
        this.socket = socket;
        this.method = method;
        this.kind = kind;
        this.status = status;
    }

    /** Returns the unix socket path the call went to. */
    public String socket() {
        return socket;
    }

    /** Returns the full gRPC method name, such as {@code runtime.v1.RuntimeService/ContainerStatus}. */
    public String method() {
        return method;
    }

    /** Returns what went wrong, without the socket and method, such as {@code NOT_FOUND: container "x" ... not found}. */
    public String detail() {
        return detail;
    }

    public Kind kind() {
        return kind;
    }

    /** Returns the gRPC status for {@link Kind#STATUS}, otherwise null. */
    public GrpcStatus status() {
        return status;
    }

    /** Returns whether the runtime reported that the container or image does not exist. */
    public boolean isNotFound() {
        return status == GrpcStatus.NOT_FOUND;
    }

    /**
     * Returns whether the same call may succeed soon: a broken connection, a deadline, or the gRPC
     * status UNAVAILABLE or DEADLINE_EXCEEDED. A missing socket is not transient, so a host without
     * that runtime does not wait for retries on every lookup.
     */
    public boolean isTransient() {
        return kind == Kind.CONNECTION_FAILED
                || kind == Kind.DEADLINE_EXCEEDED
                || status == GrpcStatus.UNAVAILABLE
                || status == GrpcStatus.DEADLINE_EXCEEDED;
    }

    /** Returns whether the runtime could not be reached at all, as opposed to returning an error. */
    public boolean isUnreachable() {
        return kind == Kind.SOCKET_MISSING || kind == Kind.CONNECTION_FAILED || kind == Kind.DEADLINE_EXCEEDED
                || status == GrpcStatus.UNAVAILABLE;
    }
}
