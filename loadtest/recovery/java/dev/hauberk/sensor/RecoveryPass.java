package dev.hauberk.sensor;

import dev.hauberk.bpf.BpfException;
import dev.hauberk.bpf.BpfMap;
import dev.hauberk.bpf.BpfObject;
import dev.hauberk.bpf.BpfProgram;

/**
 * The daemon's recovery pass, for the recovery benchmark. It lives in the sensor's
 * package so that the benchmark runs the daemon's own {@link Tunables} and
 * {@link ProcessRecovery} rather than copies of them.
 *
 * <p>The object is sized and configured as {@link Sensor#start} does without pinning,
 * but only the iterator program is loaded: nothing is attached, so the benchmark adds no
 * work to the exec, fork and exit of other processes on the host, and the process table
 * holds only what the iterator writes.
 */
public final class RecoveryPass implements AutoCloseable {

    private final BpfObject object;
    private final BpfProgram iterator;

    private RecoveryPass(BpfObject object, BpfProgram iterator) {
        this.object = object;
        this.iterator = iterator;
    }

    /** Opens elf, sizes its maps and writes its tunables from options, and loads only the iterator. */
    public static RecoveryPass load(byte[] elf, SensorOptions options) throws BpfException {
        BpfObject object = BpfObject.open("hauberk", elf);
        try {
            object.requireMap(Sensor.MAP_EVENTS).setMaxEntries((int) options.ringBufferBytes());
            object.requireMap(Sensor.MAP_PROC_TABLE).setMaxEntries((int) options.processTableEntries());
            object.requireMap(Sensor.MAP_PROC_HISTORY).setMaxEntries((int) options.historyEntries());
            Tunables.of(options).write(object);
            for (BpfProgram program : object.programs()) {
                program.setAutoload(program.name().equals(Sensor.ITERATOR_PROGRAM));
            }
            object.load();
            return new RecoveryPass(object, object.requireProgram(Sensor.ITERATOR_PROGRAM));
        } catch (BpfException | RuntimeException e) {
            object.close();
            throw e;
        }
    }

    /** Runs one pass exactly as a sensor start does; returns the number of processes it added. */
    public int run() throws BpfException {
        return ProcessRecovery.run(iterator);
    }

    /** hk_proc_table, which the pass fills. */
    public BpfMap processTable() throws BpfException {
        return object.requireMap(Sensor.MAP_PROC_TABLE);
    }

    /** hk_containers, which the pass fills for processes that look containerised. */
    public BpfMap containerTable() throws BpfException {
        return object.requireMap(Sensor.MAP_CONTAINERS);
    }

    /** Unloads the program and frees the maps. */
    @Override
    public void close() {
        object.close();
    }
}
