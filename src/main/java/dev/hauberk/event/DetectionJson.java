package dev.hauberk.event;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The detection JSON schema (docs/detection-schema.md): one encoder for the journal,
 * HTTP, WebSocket and the event bus, so every output carries the same document.
 */
public final class DetectionJson {

    /** Version of the JSON document, independent of the kernel wire schema. */
    public static final int SCHEMA_VERSION = 1;

    private DetectionJson() {
    }

    /** Encodes a detection; "seq" is added by the journal. */
    public static JsonObject encode(Detection detection) {
        ProcessInfo process = detection.process();
        return new JsonObject()
                .put("schemaVersion", SCHEMA_VERSION)
                .put("id", detection.id())
                .put("time", detection.time().toString())
                .put("host", detection.host())
                .put("rule", new JsonObject()
                        .put("id", detection.rule().id())
                        .put("name", detection.rule().name())
                        .put("category", detection.rule().category())
                        .put("severity", detection.rule().severity()))
                .put("ruleSetGeneration", detection.ruleGeneration())
                .put("mode", detection.mode().jsonName())
                .put("action", detection.action().jsonName())
                .put("process", process(process).put("hostExe", detection.hostExe()))
                .put("target", detection.target() == null ? null : detection.target().toJson())
                .put("parent", parent(process, detection.ancestors()))
                .put("ancestors", ancestors(detection.ancestors()))
                .put("container", detection.container())
                .put("namespaces", namespaces(process.namespaces()))
                .put("cgroupId", Long.toUnsignedString(process.cgroupId()))
                .put("flags", flags(process.flags()));
    }

    /** Formats an exec id as "EXEC_NS-TGID": unique per process image on a host since boot. */
    public static String execId(long execNs, int tgid) {
        return Long.toUnsignedString(execNs) + "-" + tgid;
    }

    private static JsonObject process(ProcessInfo process) {
        return new JsonObject()
                .put("pid", process.pid())
                .put("tgid", process.tgid())
                .put("ppid", process.ppid())
                .put("execId", execId(process.execId(), process.tgid()))
                .put("exe", process.exe())
                .put("script", scriptPath(process))
                .put("cwd", process.cwd())
                .put("comm", process.comm())
                .put("args", new JsonArray(process.args().stream().map(Object.class::cast).toList()))
                .put("uid", Integer.toUnsignedLong(process.uid()))
                .put("euid", Integer.toUnsignedLong(process.euid()))
                .put("gid", Integer.toUnsignedLong(process.gid()))
                .put("egid", Integer.toUnsignedLong(process.egid()))
                .put("auid", process.auid() == -1 ? null : Integer.toUnsignedLong(process.auid()))
                .put("exeDevice", device(process.exeDevice()))
                .put("exeInode", Long.toUnsignedString(process.exeInode()));
    }

    /** Returns the script's absolute path, resolving a relative name against the working directory at exec. */
    static String scriptPath(ProcessInfo process) {
        String script = process.script();
        if (script == null || script.startsWith("/") || process.cwd().isEmpty()) {
            return script;
        }
        return java.nio.file.Path.of(process.cwd()).resolve(script).normalize().toString();
    }

    /** Encodes the parent: the first ancestor when the kernel recorded it, else only its pid. */
    private static JsonObject parent(ProcessInfo process, List<AncestorInfo> ancestors) {
        if (!ancestors.isEmpty() && ancestors.get(0).tgid() == process.ppid()) {
            AncestorInfo parent = ancestors.get(0);
            return new JsonObject()
                    .put("pid", parent.tgid())
                    .put("execId", execId(parent.execId(), parent.tgid()))
                    .put("exe", parent.exe());
        }
        return new JsonObject().put("pid", process.ppid()).putNull("execId").putNull("exe");
    }

    private static JsonArray ancestors(List<AncestorInfo> ancestors) {
        JsonArray array = new JsonArray();
        for (AncestorInfo ancestor : ancestors) {
            array.add(new JsonObject()
                    .put("pid", ancestor.tgid())
                    .put("ppid", ancestor.ppid())
                    .put("execId", execId(ancestor.execId(), ancestor.tgid()))
                    .put("exe", ancestor.exe())
                    .put("args", new JsonArray(ancestor.args().stream().map(Object.class::cast).toList()))
                    .put("flags", flags(ancestor.flags())));
        }
        return array;
    }

    private static JsonObject namespaces(Namespaces ns) {
        return new JsonObject()
                .put("mnt", ns.mnt())
                .put("pid", ns.pid())
                .put("net", ns.net())
                .put("user", ns.user())
                .put("cgroup", ns.cgroup())
                .put("uts", ns.uts())
                .put("ipc", ns.ipc());
    }

    private static JsonArray flags(java.util.Set<ProcessFlag> flags) {
        JsonArray array = new JsonArray();
        for (ProcessFlag flag : ProcessFlag.values()) {
            if (flags.contains(flag)) {
                array.add(flag.jsonName());
            }
        }
        return array;
    }

    /** Formats the kernel's dev_t encoding (major in the high 12 bits, minor in the low 20) as "MAJOR:MINOR". */
    static String device(int kernelDev) {
        return (kernelDev >>> 20) + ":" + (kernelDev & 0xfffff);
    }
}
