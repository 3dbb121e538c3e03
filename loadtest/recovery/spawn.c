// SPDX-License-Identifier: GPL-2.0
/*
 * Process population for the recovery benchmark. It fork()s COUNT children that each
 * block in pause(), and prints one "pid PID" line per child and then "ready COUNT".
 * The children stay alive until its standard input reaches end of file or delivers a
 * byte, or until it receives SIGINT, SIGTERM or SIGHUP. It then kills every child with
 * SIGKILL, reaps them all and prints "reaped COUNT".
 *
 *   spawn COUNT
 *
 * If this process dies without cleaning up (SIGKILL, say), each child still gets
 * SIGKILL from the kernel through PR_SET_PDEATHSIG.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_COUNT 1000000

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int signo)
{
	stop_signal = signo;
}

/* Runs in each child: dies with the parent, keeps no pipe of the caller open, and sleeps. */
static void child_main(pid_t parent)
{
	int null_fd;

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
		_exit(1);
	/* The parent may have died before prctl took effect. */
	if (getppid() != parent)
		_exit(1);

	/* The caller waits for end of file on our stdout, so no child may keep it open. */
	null_fd = open("/dev/null", O_RDWR);
	if (null_fd < 0 || dup2(null_fd, STDIN_FILENO) < 0 || dup2(null_fd, STDOUT_FILENO) < 0)
		_exit(1);
	close(null_fd);

	for (;;)
		pause();
}

/*
 * RLIMIT_NPROC counts all of a user's processes. Raise the soft limit to the hard one,
 * for this process and its children only. fork() does not apply it to root (uid 0 of
 * the initial user namespace), so this matters only when run as another user.
 */
static void raise_process_limit(void)
{
	struct rlimit limit;

	if (getrlimit(RLIMIT_NPROC, &limit) != 0 || limit.rlim_cur == limit.rlim_max)
		return;
	limit.rlim_cur = limit.rlim_max;
	if (setrlimit(RLIMIT_NPROC, &limit) != 0)
		fprintf(stderr, "spawn: raising the RLIMIT_NPROC soft limit failed (%s); forks may fail with EAGAIN\n",
			strerror(errno));
}

/* Blocks until stdin has data or reaches end of file, or a stop signal arrives. */
static void wait_for_release(const sigset_t *unblocked)
{
	struct pollfd input = { .fd = STDIN_FILENO, .events = POLLIN };

	while (!stop_signal) {
		int ready = ppoll(&input, 1, NULL, unblocked);

		if (ready < 0 && errno == EINTR)
			continue;
		if (ready < 0) {
			fprintf(stderr, "spawn: ppoll on stdin failed: %s\n", strerror(errno));
			return;
		}
		/* Data, end of file, hang-up or an error on stdin: the caller is done or gone. */
		return;
	}
}

/* Kills and reaps every child; returns how many were reaped. */
static long reap_children(const pid_t *children, long count)
{
	long reaped = 0;

	for (long i = 0; i < count; i++)
		kill(children[i], SIGKILL);
	for (;;) {
		pid_t pid = waitpid(-1, NULL, 0);

		if (pid > 0) {
			reaped++;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != ECHILD)
			fprintf(stderr, "spawn: waitpid failed after reaping %ld children: %s\n", reaped, strerror(errno));
		return reaped;
	}
}

int main(int argc, char **argv)
{
	struct sigaction action = { .sa_handler = on_stop_signal };
	sigset_t stop_signals;
	sigset_t unblocked;
	pid_t parent = getpid();
	pid_t *children;
	long spawned = 0;
	long reaped;
	long count;
	char *end;

	if (argc != 2) {
		fprintf(stderr, "usage: %s COUNT\n", argv[0]);
		return 2;
	}
	count = strtol(argv[1], &end, 10);
	if (*end != '\0' || count <= 0 || count > MAX_COUNT) {
		fprintf(stderr, "spawn: invalid COUNT '%s': expected an integer in 1..%d\n", argv[1], MAX_COUNT);
		return 2;
	}
	children = calloc(count, sizeof(*children));
	if (!children) {
		fprintf(stderr, "spawn: allocating %ld pids failed\n", count);
		return 1;
	}

	/*
	 * Stop signals stay blocked except inside ppoll, so one that arrives while forking
	 * or between two checks is delivered there and cannot be missed.
	 */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop_signals, &unblocked);
	sigdelset(&unblocked, SIGINT);
	sigdelset(&unblocked, SIGTERM);
	sigdelset(&unblocked, SIGHUP);
	sigaction(SIGINT, &action, NULL);
	sigaction(SIGTERM, &action, NULL);
	sigaction(SIGHUP, &action, NULL);
	raise_process_limit();

	for (; spawned < count; spawned++) {
		pid_t child = fork();

		if (child < 0) {
			fprintf(stderr, "spawn: fork failed after %ld of %ld children: %s\n", spawned, count, strerror(errno));
			break;
		}
		if (child == 0) {
			sigprocmask(SIG_SETMASK, &unblocked, NULL);
			child_main(parent);
		}
		children[spawned] = child;
		printf("pid %d\n", child);
	}

	if (spawned == count) {
		printf("ready %ld\n", spawned);
		fflush(stdout);
		wait_for_release(&unblocked);
	}

	reaped = reap_children(children, spawned);
	printf("reaped %ld\n", reaped);
	fflush(stdout);
	free(children);
	return spawned == count && reaped == spawned ? 0 : 1;
}
