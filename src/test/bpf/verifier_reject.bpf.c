// SPDX-License-Identifier: GPL-2.0
/* A program the verifier must reject, for the test that a load failure carries its log. */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} values SEC(".maps");

SEC("tp_btf/sched_process_exec")
int BPF_PROG(reads_past_map_value)
{
	__u32 zero = 0;
	__u64 *value = bpf_map_lookup_elem(&values, &zero);

	/* A read 16 bytes into an 8-byte value: the verifier rejects it. */
	return (int)value[2];
}
