package dev.hauberk.bpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/** The few libc calls the BPF layer needs: mmap, epoll, eventfd, close, and their errno. */
public final class LibC {

    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int MAP_SHARED = 0x01;
    public static final int EPOLL_CLOEXEC = 0x80000;
    public static final int EPOLL_CTL_ADD = 1;
    public static final int EPOLLIN = 0x001;
    public static final int EFD_CLOEXEC = 0x80000;
    public static final int EFD_NONBLOCK = 0x800;
    public static final int CLOCK_REALTIME = 0;
    public static final int CLOCK_BOOTTIME = 7;

    private static final SymbolLookup LIBC = NativeCall.LINKER.defaultLookup();

    private static final MethodHandle MMAP = NativeCall.downcall(LIBC, "mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG),
            NativeCall.CAPTURE_ERRNO);
    private static final MethodHandle MUNMAP = NativeCall.downcall(LIBC, "munmap",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle EPOLL_CREATE1 = NativeCall.downcall(LIBC, "epoll_create1",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT), NativeCall.CAPTURE_ERRNO);
    private static final MethodHandle EPOLL_CTL = NativeCall.downcall(LIBC, "epoll_ctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), NativeCall.CAPTURE_ERRNO);
    private static final MethodHandle EPOLL_WAIT = NativeCall.downcall(LIBC, "epoll_wait",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), NativeCall.CAPTURE_ERRNO);
    private static final MethodHandle EVENTFD = NativeCall.downcall(LIBC, "eventfd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), NativeCall.CAPTURE_ERRNO);
    private static final MethodHandle WRITE = NativeCall.downcall(LIBC, "write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), NativeCall.CAPTURE_ERRNO);
    private static final MethodHandle READ = NativeCall.downcall(LIBC, "read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), NativeCall.CAPTURE_ERRNO);
    private static final MethodHandle OPEN = NativeCall.downcall(LIBC, "open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), NativeCall.CAPTURE_ERRNO);
    private static final MethodHandle CLOSE = NativeCall.downcall(LIBC, "close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle GETEUID = NativeCall.downcall(LIBC, "geteuid",
            FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETPID = NativeCall.downcall(LIBC, "getpid",
            FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle CLOCK_GETTIME = NativeCall.downcall(LIBC, "clock_gettime",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle MOUNT = NativeCall.downcall(LIBC, "mount",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS), NativeCall.CAPTURE_ERRNO);
    private static final MethodHandle SYSCONF = NativeCall.downcall(LIBC, "sysconf",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
    static final MethodHandle VSNPRINTF = NativeCall.downcall(LIBC, "vsnprintf",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));

    private static final int SC_PAGESIZE = 30;

    private LibC() {
    }

    /** Maps length bytes of fd at offset; the segment is unmapped with {@link #munmap}. */
    public static MemorySegment mmap(long length, int prot, int fd, long offset) throws BpfException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = NativeCall.callState(arena);
            MemorySegment address = (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, length, prot, MAP_SHARED, fd, offset);
            if (address.address() == -1L) {
                throw new BpfException("mmap", NativeCall.errno(state), "fd " + fd + ", " + length + " bytes at offset " + offset);
            }
            return address.reinterpret(length);
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("mmap downcall failed", t);
        }
    }

    public static void munmap(MemorySegment segment) {
        try {
            int ignored = (int) MUNMAP.invokeExact(segment, segment.byteSize());
        } catch (Throwable t) {
            throw new IllegalStateException("munmap downcall failed", t);
        }
    }

    public static int epollCreate() throws BpfException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = NativeCall.callState(arena);
            int fd = (int) EPOLL_CREATE1.invokeExact(state, EPOLL_CLOEXEC);
            if (fd < 0) {
                throw new BpfException("epoll_create1", NativeCall.errno(state), "");
            }
            return fd;
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("epoll_create1 downcall failed", t);
        }
    }

    /** Adds fd to the epoll set for EPOLLIN, with the 64-bit user data set to data. */
    public static void epollAdd(int epollFd, int fd, long data) throws BpfException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = NativeCall.callState(arena);
            MemorySegment event = arena.allocate(EPOLL_EVENT_SIZE, 8);
            event.set(JAVA_INT, 0, EPOLLIN);
            event.set(JAVA_LONG_UNALIGNED, 4, data);
            int rc = (int) EPOLL_CTL.invokeExact(state, epollFd, EPOLL_CTL_ADD, fd, event);
            if (rc < 0) {
                throw new BpfException("epoll_ctl", NativeCall.errno(state), "add fd " + fd);
            }
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("epoll_ctl downcall failed", t);
        }
    }

    /** struct epoll_event is packed on x86_64: a u32 of events then a u64 of data. */
    public static final long EPOLL_EVENT_SIZE = 12;
    static final java.lang.foreign.ValueLayout.OfLong JAVA_LONG_UNALIGNED = JAVA_LONG.withByteAlignment(1);

    /**
     * Waits for events; returns the number ready, 0 on timeout or EINTR. events must hold
     * maxEvents epoll_event structs and callState must come from {@link #newCallState}.
     */
    public static int epollWait(int epollFd, MemorySegment events, int maxEvents, int timeoutMillis, MemorySegment callState)
            throws BpfException {
        try {
            int n = (int) EPOLL_WAIT.invokeExact(callState, epollFd, events, maxEvents, timeoutMillis);
            if (n < 0) {
                int errno = NativeCall.errno(callState);
                if (errno == Errno.EINTR) {
                    return 0;
                }
                throw new BpfException("epoll_wait", errno, "epoll fd " + epollFd);
            }
            return n;
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("epoll_wait downcall failed", t);
        }
    }

    public static MemorySegment newCallState(Arena arena) {
        return NativeCall.callState(arena);
    }

    public static int eventFd() throws BpfException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = NativeCall.callState(arena);
            int fd = (int) EVENTFD.invokeExact(state, 0, EFD_CLOEXEC | EFD_NONBLOCK);
            if (fd < 0) {
                throw new BpfException("eventfd", NativeCall.errno(state), "");
            }
            return fd;
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("eventfd downcall failed", t);
        }
    }

    /** Adds one to an eventfd counter, which wakes any epoll_wait on it. */
    public static void signalEventFd(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = NativeCall.callState(arena);
            MemorySegment one = arena.allocate(JAVA_LONG);
            one.set(JAVA_LONG, 0, 1L);
            long ignored = (long) WRITE.invokeExact(state, fd, one, 8L);
        } catch (Throwable t) {
            throw new IllegalStateException("write downcall failed", t);
        }
    }

    /** Reads up to buffer.byteSize() bytes; returns the count, or -errno. */
    public static long read(int fd, MemorySegment buffer) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = NativeCall.callState(arena);
            long n = (long) READ.invokeExact(state, fd, buffer, buffer.byteSize());
            return n < 0 ? -NativeCall.errno(state) : n;
        } catch (Throwable t) {
            throw new IllegalStateException("read downcall failed", t);
        }
    }

    public static final int O_RDONLY = 0;
    public static final int O_DIRECTORY = 0200000;
    public static final int O_CLOEXEC = 02000000;

    /** open(2); returns the file descriptor. */
    public static int open(String path, int flags) throws BpfException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = NativeCall.callState(arena);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), flags);
            if (fd < 0) {
                throw new BpfException("open", NativeCall.errno(state), path);
            }
            return fd;
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("open downcall failed", t);
        }
    }

    public static void close(int fd) {
        if (fd < 0) {
            return;
        }
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException("close downcall failed", t);
        }
    }

    public static int geteuid() {
        try {
            return (int) GETEUID.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("geteuid downcall failed", t);
        }
    }

    public static int getpid() {
        try {
            return (int) GETPID.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("getpid downcall failed", t);
        }
    }

    /** Returns clock_gettime(clock) in nanoseconds. */
    public static long clockNanos(int clock) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment timespec = arena.allocate(16, 8);
            int rc = (int) CLOCK_GETTIME.invokeExact(clock, timespec);
            if (rc != 0) {
                throw new IllegalStateException("clock_gettime(" + clock + ") failed");
            }
            return timespec.get(JAVA_LONG, 0) * 1_000_000_000L + timespec.get(JAVA_LONG, 8);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("clock_gettime downcall failed", t);
        }
    }

    /** mount(2) of a pseudo file system, such as bpf on /sys/fs/bpf. */
    public static void mount(String source, String target, String type) throws BpfException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = NativeCall.callState(arena);
            int rc = (int) MOUNT.invokeExact(state, arena.allocateFrom(source), arena.allocateFrom(target),
                    arena.allocateFrom(type), 0L, MemorySegment.NULL);
            if (rc != 0) {
                throw new BpfException("mount", NativeCall.errno(state), type + " on " + target);
            }
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("mount downcall failed", t);
        }
    }

    public static long pageSize() {
        try {
            return (long) SYSCONF.invokeExact(SC_PAGESIZE);
        } catch (Throwable t) {
            throw new IllegalStateException("sysconf downcall failed", t);
        }
    }
}
