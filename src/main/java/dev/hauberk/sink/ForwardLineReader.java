package dev.hauberk.sink;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the lines of a file from the first to the last, stopping after the first
 * {@code length} bytes so that bytes appended after it started are not read.
 */
final class ForwardLineReader implements Closeable {

    private static final int BLOCK_BYTES = 64 * 1024;

    private final InputStream input;
    private final byte[] block = new byte[BLOCK_BYTES];
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
    private int blockPosition;
    private int blockLength;
    /** Bytes of the file still to be loaded into the block. */
    private long unread;
    private boolean lastLineTerminated;

    ForwardLineReader(Path path, long length) throws IOException {
        input = Files.newInputStream(path);
        unread = length;
    }

    /**
     * Returns the next line without its newline, or null at the end. The last line is returned
     * even when it has no newline, so the caller decides whether a cut line is usable.
     */
    byte[] nextLine() throws IOException {
        line.reset();
        boolean readAny = false;
        while (true) {
            if (blockPosition == blockLength && !loadNextBlock()) {
                lastLineTerminated = false;
                return readAny ? line.toByteArray() : null;
            }
            readAny = true;
            int start = blockPosition;
            while (blockPosition < blockLength && block[blockPosition] != '\n') {
                blockPosition++;
            }
            line.write(block, start, blockPosition - start);
            if (blockPosition < blockLength) {
                // Consume the newline.
                blockPosition++;
                lastLineTerminated = true;
                return line.toByteArray();
            }
        }
    }

    /** Returns whether the line last returned ended with a newline, which only a cut last line does not. */
    boolean lastLineTerminated() {
        return lastLineTerminated;
    }

    private boolean loadNextBlock() throws IOException {
        if (unread == 0) {
            return false;
        }
        int read = input.read(block, 0, (int) Math.min(block.length, unread));
        if (read <= 0) {
            unread = 0;
            return false;
        }
        unread -= read;
        blockPosition = 0;
        blockLength = read;
        return true;
    }

    @Override
    public void close() throws IOException {
        input.close();
    }
}
