package dev.hauberk.sensor;

import dev.hauberk.bpf.BpfException;
import dev.hauberk.bpf.BpfLink;
import dev.hauberk.bpf.BpfProgram;
import dev.hauberk.bpf.LibC;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Runs the iter/task recovery program once: each read of the iterator runs it over the
 * next tasks, and it writes one 4-byte tgid per process it added to the table.
 */
final class ProcessRecovery {

    private static final int READ_BYTES = 64 * 1024;

    private ProcessRecovery() {
    }

    /** Returns the number of processes added. */
    static int run(BpfProgram iterator) throws BpfException {
        try (BpfLink link = iterator.attachIterator(); Arena arena = Arena.ofConfined()) {
            int fd = link.openIterator();
            try {
                MemorySegment buffer = arena.allocate(READ_BYTES);
                long total = 0;
                while (true) {
                    long n = LibC.read(fd, buffer);
                    if (n < 0) {
                        throw new BpfException("read", (int) -n, "iterator of program " + iterator.name());
                    }
                    if (n == 0) {
                        return (int) (total / Integer.BYTES);
                    }
                    total += n;
                }
            } finally {
                LibC.close(fd);
            }
        }
    }
}
