// SPDX-License-Identifier: GPL-2.0
/*
 * Exec storm: fork()s and execve()s PROGRAM (default /bin/true) one child at a
 * time for DURATION_MS milliseconds, then prints one result line. A child counts
 * as completed when it exits with status 0, and as failed otherwise: killed by a
 * signal, or exited with another status. It exits with 1 when any child failed.
 *
 *   storm DURATION_MS [PROGRAM]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	const char *program = argc > 2 ? argv[2] : "/bin/true";
	long long completed = 0;
	long long killed = 0;
	long long failed = 0;
	long long start_ns;
	long long deadline_ns;
	long long elapsed_ns;
	long duration_ms;
	char *end;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s DURATION_MS [PROGRAM]\n", argv[0]);
		return 2;
	}
	duration_ms = strtol(argv[1], &end, 10);
	if (*end != '\0' || duration_ms <= 0) {
		fprintf(stderr, "storm: invalid DURATION_MS '%s': expected a positive integer\n", argv[1]);
		return 2;
	}
	if (access(program, X_OK) != 0) {
		fprintf(stderr, "storm: %s is not executable: %s\n", program, strerror(errno));
		return 1;
	}

	start_ns = now_ns();
	deadline_ns = start_ns + duration_ms * 1000000LL;
	while (now_ns() < deadline_ns) {
		char *child_argv[] = { (char *)program, NULL };
		int status;
		pid_t child = fork();

		if (child < 0) {
			fprintf(stderr, "storm: fork failed after %lld children: %s\n", completed, strerror(errno));
			return 1;
		}
		if (child == 0) {
			execve(program, child_argv, environ);
			_exit(127);
		}
		if (waitpid(child, &status, 0) != child) {
			fprintf(stderr, "storm: waitpid %d failed: %s\n", child, strerror(errno));
			return 1;
		}
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			completed++;
		else if (WIFSIGNALED(status))
			killed++;
		else
			failed++;
	}
	elapsed_ns = now_ns() - start_ns;

	printf("result execs=%lld failed=%lld killed=%lld seconds=%.3f execs_per_s=%.0f\n", completed, failed, killed,
	       elapsed_ns / 1e9, completed / (elapsed_ns / 1e9));
	return failed == 0 && killed == 0 ? 0 : 1;
}
