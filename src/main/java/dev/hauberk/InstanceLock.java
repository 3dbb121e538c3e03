package dev.hauberk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a file, held for the daemon's lifetime, so that a second
 * instance on the same host refuses to start instead of attaching a second copy of
 * every program. The kernel releases the lock when the process dies, even by SIGKILL.
 */
public final class InstanceLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;
    private final Path path;

    private InstanceLock(FileChannel channel, FileLock lock, Path path) {
        this.channel = channel;
        this.lock = lock;
        this.path = path;
    }

    /** Takes the lock and writes this process's pid into the file. */
    public static InstanceLock acquire(Path path) throws LockedException, IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            String holder = readPid(channel);
            channel.close();
            throw new LockedException("another Hauberk instance is running (pid " + holder + ", lock " + path
                    + "); stop it first");
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        channel.force(false);
        return new InstanceLock(channel, lock, path);
    }

    private static String readPid(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(32);
        int n = channel.read(buffer, 0);
        String text = n <= 0 ? "" : new String(buffer.array(), 0, n, StandardCharsets.US_ASCII).strip();
        return text.isEmpty() ? "unknown" : text;
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }

    /** The lock is held by another process. */
    public static final class LockedException extends Exception {
        public LockedException(String message) {
            super(message);
        }
    }
}
