package dev.hauberk.bpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the libbpf binding: whether libbpf could be loaded, and the routing
 * of libbpf's own log into the daemon's log.
 *
 * <p>While a thread runs {@link #captureLog}, libbpf's warnings on that thread are also
 * collected, so a failed program load can carry the verifier log that libbpf prints.
 */
public final class Libbpf {

    private static final Logger LOG = LoggerFactory.getLogger("libbpf");
    private static final int LIBBPF_WARN = 0;
    private static final int LIBBPF_INFO = 1;
    private static final int FORMAT_BUFFER_BYTES = 1024;
    /** sizeof(va_list) on the supported architectures: x86_64 24 bytes, aarch64 32 bytes. */
    private static final long VA_LIST_BYTES = "aarch64".equals(System.getProperty("os.arch")) ? 32 : 24;

    private static final ThreadLocal<StringBuilder> CAPTURE = new ThreadLocal<>();
    private static final ThreadLocal<Boolean> QUIET = ThreadLocal.withInitial(() -> false);
    private static volatile boolean printInstalled;

    private Libbpf() {
    }

    /** Whether libbpf.so.1 was found and has the functions this binding calls. */
    public static boolean isAvailable() {
        return LibbpfNative.LOOKUP != null && LibbpfNative.OBJECT_OPEN_MEM != null;
    }

    /** Why libbpf is unavailable, or null when it is available. */
    public static String unavailabilityReason() {
        if (LibbpfNative.LOOKUP == null) {
            return LibbpfNative.LIBRARY + " could not be loaded (" + LibbpfNative.UNAVAILABILITY_CAUSE.getMessage()
                    + "); install Debian's libbpf1 package";
        }
        if (LibbpfNative.OBJECT_OPEN_MEM == null) {
            return LibbpfNative.LIBRARY + " lacks bpf_object__open_mem; libbpf 1.1 or later is required";
        }
        return null;
    }

    /** Throws when libbpf is unavailable, with the reason. */
    public static void ensureAvailable() throws BpfException {
        String reason = unavailabilityReason();
        if (reason != null) {
            throw new BpfException("dlopen", Errno.ENOENT, reason);
        }
        installPrint();
    }

    /** Runs action while collecting libbpf warnings printed on this thread; returns what was printed. */
    static String captureLog(ThrowingRunnable action, StringBuilder sink) throws BpfException {
        StringBuilder previous = CAPTURE.get();
        CAPTURE.set(sink);
        try {
            action.run();
        } finally {
            CAPTURE.set(previous);
        }
        return sink.toString();
    }

    /**
     * Runs action with libbpf's warnings logged at debug level only: for probes whose failure
     * is an expected answer, not a problem.
     */
    public static <T> T quietly(java.util.concurrent.Callable<T> action) throws Exception {
        boolean previous = QUIET.get();
        QUIET.set(true);
        try {
            return action.call();
        } finally {
            QUIET.set(previous);
        }
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws BpfException;
    }

    public static int possibleCpus() throws BpfException {
        ensureAvailable();
        try {
            int n = (int) LibbpfNative.NUM_POSSIBLE_CPUS.invokeExact();
            if (n < 0) {
                throw new BpfException("libbpf_num_possible_cpus", -n, "");
            }
            return n;
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("libbpf_num_possible_cpus downcall failed", t);
        }
    }

    private static synchronized void installPrint() {
        if (printInstalled) {
            return;
        }
        try {
            MethodHandle target = MethodHandles.lookup().findStatic(Libbpf.class, "print",
                    MethodType.methodType(int.class, int.class, MemorySegment.class, MemorySegment.class));
            MemorySegment stub = NativeCall.LINKER.upcallStub(target,
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), Arena.global());
            MemorySegment ignored = (MemorySegment) LibbpfNative.SET_PRINT.invokeExact(stub);
            printInstalled = true;
        } catch (Throwable t) {
            throw new IllegalStateException("libbpf_set_print failed", t);
        }
    }

    /** libbpf_print_fn_t: formats with vsnprintf on a copy of the va_list, which a call consumes. */
    private static int print(int level, MemorySegment format, MemorySegment vaList) {
        try (Arena arena = Arena.ofConfined()) {
            String message = format(arena, format, vaList).stripTrailing();
            StringBuilder capture = CAPTURE.get();
            if (capture != null && level == LIBBPF_WARN) {
                capture.append(message).append('\n');
            }
            if (QUIET.get()) {
                LOG.debug(message);
            } else if (level == LIBBPF_WARN) {
                LOG.warn(message);
            } else if (level == LIBBPF_INFO) {
                LOG.info(message);
            } else {
                LOG.debug(message);
            }
        } catch (Throwable t) {
            // An exception must not unwind into native code.
            LOG.warn("could not format a libbpf message: {}", t.toString());
        }
        return 0;
    }

    private static String format(Arena arena, MemorySegment format, MemorySegment vaList) throws Throwable {
        MemorySegment list = vaList.reinterpret(VA_LIST_BYTES);
        MemorySegment copy = arena.allocate(VA_LIST_BYTES, 8);
        copy.copyFrom(list);
        MemorySegment buffer = arena.allocate(FORMAT_BUFFER_BYTES);
        int needed = (int) LibC.VSNPRINTF.invokeExact(buffer, (long) FORMAT_BUFFER_BYTES, format, copy);
        if (needed >= FORMAT_BUFFER_BYTES) {
            copy.copyFrom(list);
            buffer = arena.allocate(needed + 1L);
            int ignored = (int) LibC.VSNPRINTF.invokeExact(buffer, (long) needed + 1, format, copy);
        }
        return needed < 0 ? "" : buffer.getString(0);
    }
}
