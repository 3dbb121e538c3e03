// SPDX-License-Identifier: GPL-2.0
/*
 * Syscall load for the ring reader benchmark: pins itself to CPU when given one,
 * waits for one byte on stdin (the consumer sends it once the BPF program is
 * attached), then calls getppid() in a loop for DURATION_MS milliseconds. Each call
 * makes ringbench.bpf.c submit a batch. Last, it prints one line with the share of
 * the loop's time it spent on a CPU, which falls when other tasks take its CPU.
 *
 *   producer DURATION_MS [CPU]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Calls between two clock reads. clock_gettime runs in the vDSO, so it makes no syscall and no records. */
#define CALLS_PER_CLOCK_READ 256

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int pin_to_cpu(const char *text)
{
	cpu_set_t cpus;
	char *end;
	long cpu = strtol(text, &end, 10);

	if (*end != '\0' || cpu < 0 || cpu >= CPU_SETSIZE) {
		fprintf(stderr, "producer: invalid CPU '%s': expected a CPU number\n", text);
		return -1;
	}
	CPU_ZERO(&cpus);
	CPU_SET(cpu, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus) != 0) {
		fprintf(stderr, "producer: sched_setaffinity to CPU %ld failed: %s\n", cpu, strerror(errno));
		return -1;
	}
	return 0;
}

/* Reads the time this thread has run and waited on a run queue (/proc/self/schedstat). */
static int read_schedstat(long long *on_cpu_ns, long long *waiting_ns)
{
	FILE *file = fopen("/proc/self/schedstat", "r");
	int fields;

	if (!file)
		return -1;
	fields = fscanf(file, "%lld %lld", on_cpu_ns, waiting_ns);
	fclose(file);
	return fields == 2 ? 0 : -1;
}

int main(int argc, char **argv)
{
	char start;
	char *end;
	long duration_ms;
	long long start_ns;
	long long deadline_ns;
	long long on_cpu_before, on_cpu_after, waiting_before, waiting_after;
	ssize_t got;

	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: %s DURATION_MS [CPU]\n", argv[0]);
		return 2;
	}
	duration_ms = strtol(argv[1], &end, 10);
	if (*end != '\0' || duration_ms <= 0) {
		fprintf(stderr, "producer: invalid DURATION_MS '%s': expected a positive integer\n", argv[1]);
		return 2;
	}
	if (argc == 3 && pin_to_cpu(argv[2]) != 0)
		return 2;

	do {
		got = read(STDIN_FILENO, &start, 1);
	} while (got < 0 && errno == EINTR);
	if (got != 1) {
		fprintf(stderr, "producer: stdin closed before the start byte arrived (%s)\n",
			got < 0 ? strerror(errno) : "end of file");
		return 1;
	}

	if (read_schedstat(&on_cpu_before, &waiting_before) != 0) {
		fprintf(stderr, "producer: reading /proc/self/schedstat failed; the kernel needs CONFIG_SCHED_INFO\n");
		return 1;
	}

	/* syscall(2), not the libc wrapper, so that every call enters the kernel. */
	start_ns = now_ns();
	deadline_ns = start_ns + duration_ms * 1000000LL;
	while (now_ns() < deadline_ns) {
		for (int i = 0; i < CALLS_PER_CLOCK_READ; i++)
			syscall(SYS_getppid);
	}

	if (read_schedstat(&on_cpu_after, &waiting_after) != 0) {
		fprintf(stderr, "producer: reading /proc/self/schedstat failed\n");
		return 1;
	}
	printf("producer on_cpu_share=%.3f runqueue_wait_share=%.3f\n",
	       (double)(on_cpu_after - on_cpu_before) / (now_ns() - start_ns),
	       (double)(waiting_after - waiting_before) / (now_ns() - start_ns));
	return 0;
}
