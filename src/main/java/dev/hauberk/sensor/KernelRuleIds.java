package dev.hauberk.sensor;

import dev.hauberk.bpf.BpfException;
import dev.hauberk.bpf.BpfObject;
import dev.hauberk.bpf.Btf;
import dev.hauberk.rules.RuleCatalog;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The rule ids that a BPF object's programs evaluate: the values of its enum hk_rule_id. */
public final class KernelRuleIds {

    /** The enumerator that bounds the ids rather than naming a rule. */
    static final String ID_MAX = "HK_RULE_ID_MAX";

    private KernelRuleIds() {
    }

    /** Reads the ids from an opened (not necessarily loaded) object's BTF. */
    public static Set<Integer> of(BpfObject object) throws BpfException {
        Btf btf = Btf.of(object);
        Set<Integer> ids = new TreeSet<>();
        for (Map.Entry<String, Integer> value : btf.enumValues("hk_rule_id").orElseThrow(() -> new IllegalStateException(
                "BPF object " + object.name() + " has no enum hk_rule_id in its BTF; rebuild it with -g"))) {
            if (!value.getKey().equals(ID_MAX) && value.getValue() > 0 && value.getValue() < RuleCatalog.RULE_ID_LIMIT) {
                ids.add(value.getValue());
            }
        }
        return ids;
    }

    /** Opens the object's ELF bytes without loading anything into the kernel, and reads the ids. */
    public static Set<Integer> read(byte[] elf) throws BpfException {
        try (BpfObject object = BpfObject.open("hauberk", elf)) {
            return of(object);
        }
    }
}
