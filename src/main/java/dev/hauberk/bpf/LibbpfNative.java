package dev.hauberk.bpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * One downcall handle per libbpf function used, resolved from Debian's libbpf1
 * (libbpf.so.1, API 1.1 or later). Functions returning a pointer report failure as
 * NULL plus errno, so their handles capture errno; functions returning int return
 * the negative errno directly (libbpf 1.0 error conventions).
 */
final class LibbpfNative {

    static final String LIBRARY = "libbpf.so.1";
    static final SymbolLookup LOOKUP;
    static final Throwable UNAVAILABILITY_CAUSE;

    static {
        SymbolLookup lookup = null;
        Throwable cause = null;
        try {
            lookup = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
        } catch (IllegalArgumentException e) {
            cause = e;
        }
        LOOKUP = lookup;
        UNAVAILABILITY_CAUSE = cause;
    }

    private static MethodHandle pointerCall(String symbol, FunctionDescriptor descriptor) {
        return NativeCall.downcall(LOOKUP, symbol, descriptor, NativeCall.CAPTURE_ERRNO);
    }

    private static MethodHandle call(String symbol, FunctionDescriptor descriptor) {
        return NativeCall.downcall(LOOKUP, symbol, descriptor);
    }

    static final MethodHandle SET_PRINT = call("libbpf_set_print", FunctionDescriptor.of(ADDRESS, ADDRESS));
    static final MethodHandle NUM_POSSIBLE_CPUS = call("libbpf_num_possible_cpus", FunctionDescriptor.of(JAVA_INT));

    static final MethodHandle OBJECT_OPEN_MEM = pointerCall("bpf_object__open_mem",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    static final MethodHandle OBJECT_LOAD = call("bpf_object__load", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle OBJECT_CLOSE = call("bpf_object__close", FunctionDescriptor.ofVoid(ADDRESS));
    static final MethodHandle OBJECT_NEXT_PROGRAM = call("bpf_object__next_program",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    static final MethodHandle OBJECT_NEXT_MAP = call("bpf_object__next_map",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    static final MethodHandle OBJECT_BTF = call("bpf_object__btf", FunctionDescriptor.of(ADDRESS, ADDRESS));

    static final MethodHandle PROGRAM_NAME = call("bpf_program__name", FunctionDescriptor.of(ADDRESS, ADDRESS));
    static final MethodHandle PROGRAM_SECTION_NAME = call("bpf_program__section_name",
            FunctionDescriptor.of(ADDRESS, ADDRESS));
    static final MethodHandle PROGRAM_SET_AUTOLOAD = call("bpf_program__set_autoload",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_BOOLEAN));
    static final MethodHandle PROGRAM_AUTOLOAD = call("bpf_program__autoload", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS));
    static final MethodHandle PROGRAM_FD = call("bpf_program__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle PROGRAM_ATTACH = pointerCall("bpf_program__attach", FunctionDescriptor.of(ADDRESS, ADDRESS));
    static final MethodHandle PROGRAM_ATTACH_CGROUP = pointerCall("bpf_program__attach_cgroup",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
    static final MethodHandle PROGRAM_ATTACH_ITER = pointerCall("bpf_program__attach_iter",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    static final MethodHandle PROGRAM_ATTACH_UPROBE = pointerCall("bpf_program__attach_uprobe",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_BOOLEAN, JAVA_INT, ADDRESS, JAVA_LONG));

    static final MethodHandle LINK_PIN = call("bpf_link__pin", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle LINK_UNPIN = call("bpf_link__unpin", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle LINK_FD = call("bpf_link__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle LINK_DISCONNECT = call("bpf_link__disconnect", FunctionDescriptor.ofVoid(ADDRESS));
    static final MethodHandle LINK_DESTROY = call("bpf_link__destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle LINK_OPEN = pointerCall("bpf_link__open", FunctionDescriptor.of(ADDRESS, ADDRESS));

    static final MethodHandle MAP_NAME = call("bpf_map__name", FunctionDescriptor.of(ADDRESS, ADDRESS));
    static final MethodHandle MAP_FD = call("bpf_map__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle MAP_TYPE = call("bpf_map__type", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle MAP_KEY_SIZE = call("bpf_map__key_size", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle MAP_VALUE_SIZE = call("bpf_map__value_size", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle MAP_MAX_ENTRIES = call("bpf_map__max_entries", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle MAP_SET_MAX_ENTRIES = call("bpf_map__set_max_entries",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle MAP_REUSE_FD = call("bpf_map__reuse_fd", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle MAP_PIN = call("bpf_map__pin", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle MAP_UNPIN = call("bpf_map__unpin", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle MAP_INITIAL_VALUE = call("bpf_map__initial_value",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));

    static final MethodHandle MAP_LOOKUP_ELEM = call("bpf_map_lookup_elem",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle MAP_UPDATE_ELEM = call("bpf_map_update_elem",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    static final MethodHandle MAP_DELETE_ELEM = call("bpf_map_delete_elem",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    static final MethodHandle MAP_GET_NEXT_KEY = call("bpf_map_get_next_key",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle OBJ_GET = call("bpf_obj_get", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle OBJ_PIN = call("bpf_obj_pin", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    static final MethodHandle ITER_CREATE = call("bpf_iter_create", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    static final MethodHandle OBJ_GET_INFO_BY_FD = call("bpf_obj_get_info_by_fd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle PROG_GET_NEXT_ID = call("bpf_prog_get_next_id", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    static final MethodHandle LINK_GET_NEXT_ID = call("bpf_link_get_next_id", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    static final MethodHandle LINK_GET_FD_BY_ID = call("bpf_link_get_fd_by_id", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    static final MethodHandle PROG_GET_FD_BY_ID = call("bpf_prog_get_fd_by_id", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    static final MethodHandle BTF_PARSE_ELF = pointerCall("btf__parse_elf", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    static final MethodHandle BTF_PARSE_RAW = pointerCall("btf__parse_raw", FunctionDescriptor.of(ADDRESS, ADDRESS));
    static final MethodHandle BTF_FREE = call("btf__free", FunctionDescriptor.ofVoid(ADDRESS));
    static final MethodHandle BTF_FIND_BY_NAME_KIND = call("btf__find_by_name_kind",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    static final MethodHandle BTF_TYPE_BY_ID = call("btf__type_by_id", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
    static final MethodHandle BTF_NAME_BY_OFFSET = call("btf__name_by_offset", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
    static final MethodHandle BTF_RESOLVE_SIZE = call("btf__resolve_size", FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_INT));
    static final MethodHandle BTF_TYPE_CNT = call("btf__type_cnt", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private LibbpfNative() {
    }
}
