package dev.hauberk.sink;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads the lines of a file from the last to the first, in blocks, so that memory stays
 * at one block plus the longest line. Reads only the first {@code length} bytes of the file,
 * which lets a caller ignore bytes appended after it started.
 */
final class ReverseLineReader implements Closeable {

    private static final int BLOCK_BYTES = 64 * 1024;
    private static final byte[] EMPTY = new byte[0];

    private final FileChannel channel;
    private final boolean endsWithNewline;
    /** Bytes of the file before this offset are not loaded yet. */
    private long unreadEnd;
    /** Loaded bytes that belong to lines not yet returned; window[0] is at file offset unreadEnd. */
    private byte[] window = EMPTY;
    private int windowLength;
    private boolean returnedAny;
    private boolean lastLineTerminated;

    ReverseLineReader(Path path, long length) throws IOException {
        channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long end = Math.min(length, channel.size());
            endsWithNewline = end > 0 && lastByte(end) == '\n';
            unreadEnd = endsWithNewline ? end - 1 : end;
            if (end == 0) {
                window = null;
            }
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Returns whether the read part of the file ends with a newline. When it does not, the first line
     * returned is the unterminated last line, which a crash may have cut short.
     */
    boolean endsWithNewline() {
        return endsWithNewline;
    }

    /** Returns whether the line last returned ended with a newline, which only a cut last line does not. */
    boolean lastLineTerminated() {
        return lastLineTerminated;
    }

    /** Returns the previous line without its newline, or null when the start of the file is reached. */
    byte[] previousLine() throws IOException {
        byte[] line = readPreviousLine();
        if (line != null) {
            lastLineTerminated = returnedAny || endsWithNewline;
            returnedAny = true;
        }
        return line;
    }

    private byte[] readPreviousLine() throws IOException {
        while (true) {
            for (int i = windowLength - 1; i >= 0; i--) {
                if (window[i] == '\n') {
                    byte[] line = copy(i + 1, windowLength);
                    windowLength = i;
                    return line;
                }
            }
            if (unreadEnd == 0) {
                if (window == null) {
                    return null;
                }
                // The first line of the file has no newline before it.
                byte[] line = copy(0, windowLength);
                window = null;
                windowLength = 0;
                return line;
            }
            loadPreviousBlock();
        }
    }

    private byte[] copy(int from, int to) {
        byte[] line = new byte[to - from];
        System.arraycopy(window, from, line, 0, line.length);
        return line;
    }

    private void loadPreviousBlock() throws IOException {
        int blockLength = (int) Math.min(BLOCK_BYTES, unreadEnd);
        long blockStart = unreadEnd - blockLength;
        byte[] grown = new byte[blockLength + windowLength];
        ByteBuffer buffer = ByteBuffer.wrap(grown, 0, blockLength);
        long position = blockStart;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position);
            if (read < 0) {
                throw new EOFException("file shrank while reading it backwards at offset " + position);
            }
            position += read;
        }
        System.arraycopy(window, 0, grown, blockLength, windowLength);
        window = grown;
        windowLength = grown.length;
        unreadEnd = blockStart;
    }

    private byte lastByte(long end) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        if (channel.read(one, end - 1) != 1) {
            throw new EOFException("file shrank while reading its last byte");
        }
        return one.get(0);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
