package dev.hauberk.sink;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One journal file. Files are numbered from 1 and a higher number contains newer detections,
 * so the seqs in a file are all above those of every lower-numbered file.
 */
final class JournalSegment {

    /** The firstSeq of a file that contains no readable detection (yet). */
    static final long NO_SEQ = -1;

    /** File name stem of the detection journal. */
    static final String DETECTIONS = "detections";

    private final long number;
    private final Path path;
    private long firstSeq;
    private long bytes;

    JournalSegment(long number, Path path, long firstSeq, long bytes) {
        this.number = number;
        this.path = path;
        this.firstSeq = firstSeq;
        this.bytes = bytes;
    }

    /**
     * Returns the file name for a stem (such as detections) and a number, zero-padded to six
     * digits so that a listing sorts by age.
     */
    static String fileName(String stem, long number) {
        return String.format("%s-%06d.jsonl", stem, number);
    }

    /** Parses the number in a journal file name of the stem; empty for any other name. */
    static Optional<Long> parseNumber(String stem, String fileName) {
        Matcher matcher = Pattern.compile(Pattern.quote(stem) + "-(\\d{6,18})\\.jsonl").matcher(fileName);
        return matcher.matches() ? Optional.of(Long.parseLong(matcher.group(1))) : Optional.empty();
    }

    long number() {
        return number;
    }

    Path path() {
        return path;
    }

    /** Returns the seq of the first readable detection in the file, or {@link #NO_SEQ}. */
    long firstSeq() {
        return firstSeq;
    }

    boolean hasDetections() {
        return firstSeq != NO_SEQ;
    }

    void firstSeq(long seq) {
        firstSeq = seq;
    }

    /** Returns the file size in bytes as the journal wrote it. */
    long bytes() {
        return bytes;
    }

    void bytes(long size) {
        bytes = size;
    }
}
