/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by ringbench.bpf.c and the C consumer; RingBench.java reads the same
 * layouts from the object's BTF. The includer provides the __u32/__u64 types
 * (vmlinux.h in BPF, linux/types.h in userspace).
 */
#ifndef RINGBENCH_H
#define RINGBENCH_H

/* Largest record the loaders accept: the payload is copied from a map value of this size. */
#define RINGBENCH_MAX_RECORD_BYTES 4096

/* Start of every record; the payload fills the rest of record_bytes. */
struct ringbench_record {
	__u64 seq;          /* index of the record within its syscall's batch */
	__u64 ktime_ns;     /* bpf_ktime_get_ns() at the start of the batch */
	__u32 record_bytes; /* size of the whole record, this header included */
	__u32 cpu;
};

/* Tunables, set by the loader in .rodata before load. */
struct ringbench_config {
	__u32 producer_tgid;
	__u32 record_bytes;        /* sizeof(struct ringbench_record) .. RINGBENCH_MAX_RECORD_BYTES */
	__u32 records_per_syscall;
	__u32 adaptive_wakeup;     /* 0: one wakeup per batch; 1: the kernel's default, as in the daemon */
};

/* Slots of the per-CPU ringbench_counters map. */
enum ringbench_counter {
	RINGBENCH_SUBMITTED = 0,
	RINGBENCH_RESERVE_FAILED = 1,
	RINGBENCH_COUNTER_MAX = 2,
};

#endif
