// SPDX-License-Identifier: GPL-2.0
/*
 * The C side of the ring reader benchmark: loads ringbench.bpf.o with libbpf,
 * starts the producer, consumes with ring_buffer__poll and prints one result line.
 * RingBench.java does the same steps with Hauberk's reader; keep the two in step.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <linux/types.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ringbench.h"

/* How long one ring_buffer__poll waits for a wakeup before returning. */
#define POLL_TIMEOUT_MS 100
/* Records between two clock reads in the handler; a power of two. */
#define CLOCK_CHECK_RECORDS 4096

struct options {
	const char *object_path;
	const char *producer_path;
	__u32 record_bytes;
	__u32 records_per_syscall;
	__u32 ring_bytes;
	long warmup_ms;
	long duration_ms;
	long producer_cpu; /* -1: not pinned */
	bool copy;
	bool adaptive_wakeup;
};

struct counters {
	__u64 submitted;
	__u64 reserve_failed;
};

/* Everything the record handler touches. */
struct consumer_state {
	bool copy;
	int counters_fd;
	long long warmup_end_ns;
	__u64 consumed;
	__u64 checksum;
	/* ring_buffer__poll calls over the whole run: few records per poll means the consumer kept up. */
	__u64 polls;
	/* Share of the run this thread spent runnable but waiting for its CPU; -1 if unknown. */
	double runqueue_wait_share;
	/* Set once, by the first clock check after the warm-up. */
	bool window_open;
	long long window_start_ns;
	__u64 window_start_consumed;
	struct counters window_start_counters;
	long long window_start_on_cpu_ns;
	/* CPU time of this thread per record consumed in the window; -1 if unknown. */
	double cpu_ns_per_record;
	int window_error;
	char copy_buffer[RINGBENCH_MAX_RECORD_BYTES];
};

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int print_warnings(enum libbpf_print_level level, const char *format, va_list args)
{
	if (level != LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, format, args);
}

static void usage(const char *program)
{
	fprintf(stderr,
		"usage: %s --object FILE --producer FILE --record-bytes N --records-per-syscall N\n"
		"          --ring-bytes N --warmup-ms N --duration-ms N [--producer-cpu N] [--copy] [--adaptive-wakeup]\n",
		program);
}

static bool parse_long(const char *name, const char *text, long min, long max, long *value)
{
	char *end;

	errno = 0;
	*value = strtol(text, &end, 10);
	if (errno != 0 || *end != '\0' || *value < min || *value > max) {
		fprintf(stderr, "consumer: invalid --%s '%s': expected an integer in %ld..%ld\n", name, text, min, max);
		return false;
	}
	return true;
}

static bool parse_options(int argc, char **argv, struct options *options)
{
	static const struct option long_options[] = {
		{ "object", required_argument, NULL, 'o' },
		{ "producer", required_argument, NULL, 'p' },
		{ "record-bytes", required_argument, NULL, 'b' },
		{ "records-per-syscall", required_argument, NULL, 'n' },
		{ "ring-bytes", required_argument, NULL, 'r' },
		{ "warmup-ms", required_argument, NULL, 'w' },
		{ "duration-ms", required_argument, NULL, 'd' },
		{ "producer-cpu", required_argument, NULL, 'u' },
		{ "copy", no_argument, NULL, 'c' },
		{ "adaptive-wakeup", no_argument, NULL, 'a' },
		{ 0 },
	};
	long value;
	int option;

	while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		switch (option) {
		case 'o':
			options->object_path = optarg;
			break;
		case 'p':
			options->producer_path = optarg;
			break;
		case 'b':
			if (!parse_long("record-bytes", optarg, sizeof(struct ringbench_record), RINGBENCH_MAX_RECORD_BYTES, &value))
				return false;
			options->record_bytes = value;
			break;
		case 'n':
			if (!parse_long("records-per-syscall", optarg, 1, 65536, &value))
				return false;
			options->records_per_syscall = value;
			break;
		case 'r':
			if (!parse_long("ring-bytes", optarg, 4096, 1L << 30, &value))
				return false;
			if ((value & (value - 1)) != 0) {
				fprintf(stderr, "consumer: invalid --ring-bytes %ld: expected a power of two\n", value);
				return false;
			}
			options->ring_bytes = value;
			break;
		case 'w':
			if (!parse_long("warmup-ms", optarg, 0, 600000, &options->warmup_ms))
				return false;
			break;
		case 'd':
			if (!parse_long("duration-ms", optarg, 1, 600000, &options->duration_ms))
				return false;
			break;
		case 'u':
			if (!parse_long("producer-cpu", optarg, 0, 1023, &options->producer_cpu))
				return false;
			break;
		case 'c':
			options->copy = true;
			break;
		case 'a':
			options->adaptive_wakeup = true;
			break;
		default:
			return false;
		}
	}
	if (optind != argc || !options->object_path || !options->producer_path || !options->record_bytes ||
	    !options->records_per_syscall || !options->ring_bytes || !options->duration_ms) {
		fprintf(stderr, "consumer: a required option is missing or an argument is unexpected\n");
		return false;
	}
	return true;
}

/* Sums the per-CPU counters; returns 0 or a negative errno. */
static int read_counters(int fd, struct counters *counters)
{
	int cpus = libbpf_num_possible_cpus();
	__u64 values[cpus];
	__u64 sums[RINGBENCH_COUNTER_MAX] = {};

	if (cpus < 0)
		return cpus;
	for (__u32 key = 0; key < RINGBENCH_COUNTER_MAX; key++) {
		if (bpf_map_lookup_elem(fd, &key, values) != 0)
			return -errno;
		for (int cpu = 0; cpu < cpus; cpu++)
			sums[key] += values[cpu];
	}
	counters->submitted = sums[RINGBENCH_SUBMITTED];
	counters->reserve_failed = sums[RINGBENCH_RESERVE_FAILED];
	return 0;
}

/*
 * Reads the time this thread has run on a CPU and waited on a run queue, in
 * nanoseconds, from /proc/thread-self/schedstat; both are -1 if it is unreadable.
 */
static void read_schedstat(long long *on_cpu_ns, long long *waiting_ns)
{
	FILE *file = fopen("/proc/thread-self/schedstat", "r");

	*on_cpu_ns = -1;
	*waiting_ns = -1;
	if (!file)
		return;
	if (fscanf(file, "%lld %lld", on_cpu_ns, waiting_ns) != 2) {
		*on_cpu_ns = -1;
		*waiting_ns = -1;
	}
	fclose(file);
}

static void open_window(struct consumer_state *state)
{
	long long unused_waiting_ns;

	state->window_open = true;
	state->window_start_ns = now_ns();
	state->window_start_consumed = state->consumed;
	state->window_error = read_counters(state->counters_fd, &state->window_start_counters);
	read_schedstat(&state->window_start_on_cpu_ns, &unused_waiting_ns);
}

static int handle_record(void *ctx, void *data, size_t size)
{
	struct consumer_state *state = ctx;
	const struct ringbench_record *record = data;

	/* The daemon's reader thread copies each record out of the ring; --copy does the same. */
	if (state->copy) {
		memcpy(state->copy_buffer, data, size < sizeof(state->copy_buffer) ? size : sizeof(state->copy_buffer));
		record = (const struct ringbench_record *)state->copy_buffer;
	}
	state->checksum += record->seq;
	state->consumed++;

	if (!state->window_open && (state->consumed & (CLOCK_CHECK_RECORDS - 1)) == 0 &&
	    now_ns() >= state->warmup_end_ns)
		open_window(state);
	return 0;
}

/* Forks the producer with a pipe on its stdin; returns its pid, or -1. */
static pid_t start_producer(const struct options *options, int *start_fd)
{
	char duration[32];
	char cpu[32];
	int fds[2];
	pid_t pid;

	snprintf(duration, sizeof(duration), "%ld", options->warmup_ms + options->duration_ms);
	snprintf(cpu, sizeof(cpu), "%ld", options->producer_cpu);
	if (pipe(fds) != 0) {
		fprintf(stderr, "consumer: pipe failed: %s\n", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "consumer: fork failed: %s\n", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(fds[0], STDIN_FILENO);
		close(fds[0]);
		close(fds[1]);
		if (options->producer_cpu >= 0)
			execl(options->producer_path, options->producer_path, duration, cpu, (char *)NULL);
		else
			execl(options->producer_path, options->producer_path, duration, (char *)NULL);
		fprintf(stderr, "consumer: exec %s failed: %s\n", options->producer_path, strerror(errno));
		_exit(127);
	}
	close(fds[0]);
	*start_fd = fds[1];
	return pid;
}

/* Opens the object, writes the tunables, loads it and attaches the producer program. */
static struct bpf_object *load_object(const struct options *options, pid_t producer, struct bpf_link **link)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts, .object_name = "ringbench");
	struct ringbench_config config = {
		.producer_tgid = producer,
		.record_bytes = options->record_bytes,
		.records_per_syscall = options->records_per_syscall,
		.adaptive_wakeup = options->adaptive_wakeup,
	};
	struct bpf_program *program;
	struct bpf_object *object;
	struct bpf_map *rodata;
	struct bpf_map *ring;
	int err;

	object = bpf_object__open_file(options->object_path, &open_opts);
	if (!object) {
		fprintf(stderr, "consumer: bpf_object__open_file %s failed: %s (errno %d)\n", options->object_path,
			strerror(errno), errno);
		return NULL;
	}
	ring = bpf_object__find_map_by_name(object, "ringbench_events");
	err = ring ? bpf_map__set_max_entries(ring, options->ring_bytes) : -ENOENT;
	if (err) {
		fprintf(stderr, "consumer: bpf_map__set_max_entries ringbench_events failed: %s (errno %d)\n", strerror(-err),
			-err);
		goto fail;
	}

	/* bpf_map__set_initial_value rejects a size mismatch, so .rodata must hold the config alone. */
	rodata = bpf_object__find_map_by_name(object, ".rodata");
	err = rodata ? bpf_map__set_initial_value(rodata, &config, sizeof(config)) : -ENOENT;
	if (err) {
		fprintf(stderr, "consumer: setting .rodata of %s failed: %s (errno %d). It must contain only struct ringbench_config\n",
			options->object_path, strerror(-err), -err);
		goto fail;
	}

	err = bpf_object__load(object);
	if (err) {
		fprintf(stderr, "consumer: bpf_object__load %s failed: %s (errno %d); the verifier log is above\n",
			options->object_path, strerror(-err), -err);
		goto fail;
	}
	program = bpf_object__find_program_by_name(object, "ringbench_on_sys_enter");
	*link = program ? bpf_program__attach(program) : NULL;
	if (!*link) {
		fprintf(stderr, "consumer: bpf_program__attach ringbench_on_sys_enter failed: %s (errno %d)\n", strerror(errno),
			errno);
		goto fail;
	}
	return object;

fail:
	bpf_object__close(object);
	return NULL;
}

/* Returns true once the producer has exited, with its wait status in *status. */
static bool producer_exited(pid_t producer, int *status)
{
	return waitpid(producer, status, WNOHANG) == producer;
}

/* Sends the start byte, then consumes until the producer has exited and the ring is empty. */
/* Sets *producer to 0 once it is reaped and *start_fd to -1 once it is closed. */
static int consume_until_done(struct ring_buffer *ring, struct consumer_state *state, const struct options *options,
			      pid_t *producer, int *start_fd, long long *last_record_ns)
{
	ssize_t written;
	int status = 0;
	int delivered;

	long long start_ns = now_ns();
	long long on_cpu_before, on_cpu_after, waiting_before, waiting_after;

	read_schedstat(&on_cpu_before, &waiting_before);
	state->warmup_end_ns = start_ns + options->warmup_ms * 1000000LL;
	written = write(*start_fd, "g", 1);
	close(*start_fd);
	*start_fd = -1;
	if (written != 1) {
		fprintf(stderr, "consumer: starting the producer failed: %s\n", strerror(errno));
		return -1;
	}

	do {
		delivered = ring_buffer__poll(ring, POLL_TIMEOUT_MS);
		state->polls++;
		if (delivered < 0 && delivered != -EINTR) {
			fprintf(stderr, "consumer: ring_buffer__poll failed: %s\n", strerror(-delivered));
			return -1;
		}
		if (delivered > 0)
			*last_record_ns = now_ns();
	} while (!producer_exited(*producer, &status));
	*producer = 0;

	/* The producer has exited, so everything it submitted is in the ring now. */
	delivered = ring_buffer__consume(ring);
	if (delivered < 0) {
		fprintf(stderr, "consumer: ring_buffer__consume failed: %s\n", strerror(-delivered));
		return -1;
	}
	if (delivered > 0)
		*last_record_ns = now_ns();
	read_schedstat(&on_cpu_after, &waiting_after);
	state->runqueue_wait_share = waiting_before < 0 || waiting_after < 0 ? -1 :
		(double)(waiting_after - waiting_before) / (now_ns() - start_ns);
	state->cpu_ns_per_record = on_cpu_after < 0 || state->window_start_on_cpu_ns < 0 ||
		state->consumed == state->window_start_consumed ? -1 :
		(double)(on_cpu_after - state->window_start_on_cpu_ns) / (state->consumed - state->window_start_consumed);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "consumer: the producer %s failed: %s %d\n", options->producer_path,
			WIFEXITED(status) ? "exit status" : "signal", WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		return -1;
	}
	return 0;
}

static int report(const struct consumer_state *state, const struct options *options, long long last_record_ns)
{
	struct counters end;
	double seconds;
	__u64 records;
	int err;

	if (!state->window_open || state->window_error) {
		fprintf(stderr, "consumer: no measurement window: %s\n",
			state->window_error ? strerror(-state->window_error) : "too few records after the warm-up");
		return -1;
	}
	err = read_counters(state->counters_fd, &end);
	if (err) {
		fprintf(stderr, "consumer: reading ringbench_counters failed: %s (errno %d)\n", strerror(-err), -err);
		return -1;
	}
	/* Both counts cover the whole run, warm-up included, and every submitted record must arrive. */
	if (end.submitted != state->consumed) {
		fprintf(stderr, "consumer: %llu records submitted but %llu consumed, so the result is invalid\n",
			(unsigned long long)end.submitted, (unsigned long long)state->consumed);
		return -1;
	}

	records = state->consumed - state->window_start_consumed;
	seconds = (last_record_ns - state->window_start_ns) / 1e9;
	printf("result consumer=c record_bytes=%u copy=%d records=%llu seconds=%.3f records_per_s=%.0f "
	       "submitted=%llu reserve_failed=%llu records_per_poll=%.1f runqueue_wait_share=%.3f cpu_ns_per_record=%.1f "
	       "checksum=%llu\n",
	       options->record_bytes, options->copy, (unsigned long long)records, seconds, records / seconds,
	       (unsigned long long)(end.submitted - state->window_start_counters.submitted),
	       (unsigned long long)(end.reserve_failed - state->window_start_counters.reserve_failed),
	       state->polls ? (double)state->consumed / state->polls : 0.0, state->runqueue_wait_share,
	       state->cpu_ns_per_record,
	       (unsigned long long)state->checksum);
	return 0;
}

int main(int argc, char **argv)
{
	struct options options = { .warmup_ms = 1000, .producer_cpu = -1 };
	static struct consumer_state state;
	struct ring_buffer *ring = NULL;
	struct bpf_object *object = NULL;
	struct bpf_link *link = NULL;
	long long last_record_ns = 0;
	int start_fd = -1;
	pid_t producer;
	int result = 1;

	if (!parse_options(argc, argv, &options)) {
		usage(argv[0]);
		return 2;
	}
	libbpf_set_print(print_warnings);

	/* The producer starts first and waits, because its pid is a load-time constant. */
	producer = start_producer(&options, &start_fd);
	if (producer < 0)
		return 1;

	object = load_object(&options, producer, &link);
	if (!object)
		goto out;
	state.copy = options.copy;
	state.counters_fd = bpf_object__find_map_fd_by_name(object, "ringbench_counters");
	ring = ring_buffer__new(bpf_object__find_map_fd_by_name(object, "ringbench_events"), handle_record, &state, NULL);
	if (!ring) {
		fprintf(stderr, "consumer: ring_buffer__new failed: %s (errno %d)\n", strerror(errno), errno);
		goto out;
	}

	if (consume_until_done(ring, &state, &options, &producer, &start_fd, &last_record_ns) == 0)
		result = report(&state, &options, last_record_ns) == 0 ? 0 : 1;

out:
	if (producer > 0) {
		kill(producer, SIGKILL);
		waitpid(producer, NULL, 0);
	}
	if (start_fd >= 0)
		close(start_fd);
	ring_buffer__free(ring);
	bpf_link__destroy(link);
	bpf_object__close(object);
	return result;
}
