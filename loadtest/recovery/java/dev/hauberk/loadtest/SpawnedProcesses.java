package dev.hauberk.loadtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A population of sleeping processes, made by the spawn program (loadtest/recovery/spawn.c):
 * it forks the children, lists their pids, and kills and reaps them all when its standard
 * input is closed.
 */
final class SpawnedProcesses implements AutoCloseable {

    /** How long the spawner may take to kill and reap its children once released. */
    private static final long REAP_TIMEOUT_SECONDS = 120;

    private final Process spawner;
    private final BufferedReader output;
    private final int[] pids;
    private boolean closed;

    private SpawnedProcesses(Process spawner, BufferedReader output, int[] pids) {
        this.spawner = spawner;
        this.output = output;
        this.pids = pids;
    }

    /** Starts the spawner and returns once all count children exist. */
    static SpawnedProcesses start(Path spawnProgram, int count) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(spawnProgram.toString(), Integer.toString(count));
        builder.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process spawner = builder.start();
        BufferedReader output = new BufferedReader(new InputStreamReader(spawner.getInputStream(), StandardCharsets.US_ASCII));
        int[] pids = new int[count];
        int listed = 0;
        String line;
        while ((line = output.readLine()) != null) {
            if (line.startsWith("pid ") && listed < count) {
                pids[listed++] = Integer.parseInt(line.substring(4));
            } else if (line.equals("ready " + count) && listed == count) {
                return new SpawnedProcesses(spawner, output, pids);
            } else if (!line.startsWith("reaped ")) {
                break;
            }
        }
        // The spawner stopped early (a failed fork) and has already reaped what it made.
        boolean exited = spawner.waitFor(REAP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!exited) {
            spawner.destroyForcibly();
        }
        throw new IllegalStateException(spawnProgram + " made " + listed + " of " + count + " processes and "
                + (exited ? "exited with status " + spawner.exitValue() : "did not exit") + "; its message is above");
    }

    int[] pids() {
        return pids.clone();
    }

    int count() {
        return pids.length;
    }

    /** Returns whether the spawner is still alive, which means its children are too. */
    boolean isAlive() {
        return spawner.isAlive();
    }

    /**
     * Releases the children: the spawner kills and reaps them all, then exits. Throws if it
     * reaped fewer than it made or did not exit in time.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        spawner.getOutputStream().close();
        boolean exited;
        try {
            exited = spawner.waitFor(REAP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exited = false;
        }
        if (!exited) {
            // The children have PR_SET_PDEATHSIG set, so the kernel kills them with the spawner.
            spawner.destroyForcibly();
            throw new IllegalStateException("the spawner (pid " + spawner.pid() + ") did not reap its " + pids.length
                    + " children within " + REAP_TIMEOUT_SECONDS + " s or the wait was interrupted; killed it");
        }
        String line;
        String reaped = null;
        while ((line = output.readLine()) != null) {
            if (line.startsWith("reaped ")) {
                reaped = line.substring(7);
            }
        }
        output.close();
        if (spawner.exitValue() != 0 || !Integer.toString(pids.length).equals(reaped)) {
            throw new IllegalStateException("the spawner reaped " + reaped + " of " + pids.length
                    + " children and exited with status " + spawner.exitValue());
        }
    }

    /** Stops the spawner with SIGTERM, for a JVM shutdown; it then kills and reaps its children. */
    void terminate() {
        spawner.destroy();
    }
}
