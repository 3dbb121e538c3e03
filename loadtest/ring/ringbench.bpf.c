// SPDX-License-Identifier: GPL-2.0
/*
 * Load generator for the ring reader benchmark: every syscall of one process
 * submits a batch of records of a fixed size to a ring buffer.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "ringbench.h"

char LICENSE[] SEC("license") = "GPL";

/* The only .rodata object, so the loaders can check its size against the struct. */
const volatile struct ringbench_config ringbench_config = {};

/* The loader sets the size. This default, 8 MiB, is also the daemon's default ring_buffer_bytes. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 23);
} ringbench_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RINGBENCH_COUNTER_MAX);
	__type(key, __u32);
	__type(value, __u64);
} ringbench_counters SEC(".maps");

/* Source of every payload, so the producer writes the whole record as the daemon does. */
char ringbench_payload[RINGBENCH_MAX_RECORD_BYTES];

/* Keeps struct ringbench_record in the object's BTF, where RingBench.java reads its layout. */
struct ringbench_record *ringbench_record_type __attribute__((unused));

struct batch {
	__u64 ktime_ns;
	__u64 submitted;
	__u64 failed;
	__u32 cpu;
};

/*
 * Wakes the consumer once per batch, on its last record, unless adaptive_wakeup selects
 * the daemon's policy: the kernel wakes the consumer whenever a record lands where it
 * stopped. Each wakeup costs an irq_work interrupt on the producer's CPU and a
 * reschedule on the consumer's, so with per-record wakeups the producer's speed depends
 * on how soon the consumer goes back to sleep.
 */
static __u64 wakeup_flags(__u32 index)
{
	if (ringbench_config.adaptive_wakeup)
		return 0;
	return index + 1 == ringbench_config.records_per_syscall ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

static long submit_record(__u32 index, void *ctx)
{
	struct batch *batch = ctx;
	struct ringbench_record *record;

	/* record_bytes comes from frozen .rodata, so the verifier treats the size as a constant. */
	record = bpf_ringbuf_reserve(&ringbench_events, ringbench_config.record_bytes, 0);
	if (!record) {
		/*
		 * The ring is full: end the batch. Retrying at once would keep reading
		 * the consumer position's cache line while the consumer writes it,
		 * slowing the very consumer being measured.
		 */
		batch->failed++;
		return 1;
	}

	record->seq = index;
	record->ktime_ns = batch->ktime_ns;
	record->record_bytes = ringbench_config.record_bytes;
	record->cpu = batch->cpu;
	bpf_probe_read_kernel(record + 1, ringbench_config.record_bytes - sizeof(*record), ringbench_payload);

	bpf_ringbuf_submit(record, wakeup_flags(index));
	batch->submitted++;
	return 0;
}

static void add_counter(__u32 counter, __u64 amount)
{
	__u64 *value = bpf_map_lookup_elem(&ringbench_counters, &counter);

	if (value)
		*value += amount;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(ringbench_on_sys_enter, struct pt_regs *regs, long id)
{
	struct batch batch = {};

	if (bpf_get_current_pid_tgid() >> 32 != ringbench_config.producer_tgid)
		return 0;

	batch.ktime_ns = bpf_ktime_get_ns();
	batch.cpu = bpf_get_smp_processor_id();
	bpf_loop(ringbench_config.records_per_syscall, submit_record, &batch, 0);

	/* Counted once per batch: a map update per record would slow the producer. */
	add_counter(RINGBENCH_SUBMITTED, batch.submitted);
	add_counter(RINGBENCH_RESERVE_FAILED, batch.failed);
	return 0;
}
