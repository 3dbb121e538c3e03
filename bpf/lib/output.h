/* SPDX-License-Identifier: GPL-2.0 */
/* The ring buffer every detection goes through, and the loss counters. */
#ifndef HAUBERK_OUTPUT_H
#define HAUBERK_OUTPUT_H

/* Every kind of loss or degradation the kernel side can see; mirrored in Java. */
enum hk_counter {
	HK_COUNTER_RINGBUF_FULL = 0,      /* a detection could not be reserved in the ring */
	HK_COUNTER_PROC_TABLE_FULL = 1,   /* a process could not be added to the table */
	HK_COUNTER_PROC_MISSING = 2,      /* an event's process had no table entry */
	HK_COUNTER_PATH_TRUNCATED = 3,
	HK_COUNTER_MAX = 16,
};

/* Size set by the loader from the configuration (ring_buffer_bytes). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 23);
} hk_events SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, HK_COUNTER_MAX);
	__type(key, __u32);
	__type(value, __u64);
} hk_counters SEC(".maps") __weak;

static __always_inline void output__count(__u32 counter)
{
	__u64 *value = bpf_map_lookup_elem(&hk_counters, &counter);

	if (value)
		*value += 1;
}

#endif
