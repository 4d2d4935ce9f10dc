// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnlm-hog PRIO SECONDS ON_MS OFF_MS: one SCHED_FIFO task per online CPU,
 * each pinned to its CPU, spinning ON_MS and sleeping OFF_MS, for SECONDS.
 * Everything else - the kworkers that carry link events, the notifier, the
 * mirror's publish - runs only in the gaps and is preempted each time a hog
 * wakes: the load a PREEMPT_RT AMP board's control loops put on Linux.
 *
 * Prints "hog: N CPUs at FIFO P ..." once all hogs are started, and exits
 * when they are done.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

static int hog(int cpu, int prio, double seconds, long on_ms, long off_ms)
{
	struct timespec gap = { .tv_sec = off_ms / 1000, .tv_nsec = off_ms % 1000 * 1000000 };
	struct sched_param sp = { .sched_priority = prio };
	cpu_set_t set;
	uint64_t end;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("sched_setaffinity");
		return 1;
	}
	if (sched_setscheduler(0, SCHED_FIFO, &sp)) {
		perror("sched_setscheduler");
		return 1;
	}
	end = mono_ns() + (uint64_t)(seconds * 1e9);
	while (mono_ns() < end) {
		uint64_t burst = mono_ns() + (uint64_t)on_ms * 1000000;

		while (mono_ns() < burst)
			;
		nanosleep(&gap, NULL);
	}
	return 0;
}

int main(int argc, char **argv)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int prio, status, failed = 0;
	long cpu, on_ms, off_ms;
	double seconds;

	if (argc != 5) {
		fprintf(stderr, "usage: vnlm-hog PRIO SECONDS ON_MS OFF_MS\n");
		return 2;
	}
	prio = atoi(argv[1]);
	seconds = atof(argv[2]);
	on_ms = atol(argv[3]);
	off_ms = atol(argv[4]);
	for (cpu = 0; cpu < ncpu; cpu++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0)
			_exit(hog((int)cpu, prio, seconds, on_ms, off_ms));
	}
	printf("hog: %ld CPUs at FIFO %d for %g s, %ld ms on, %ld ms off\n", ncpu, prio,
	       seconds, on_ms, off_ms);
	fflush(stdout);
	while (wait(&status) > 0)
		failed |= !WIFEXITED(status) || WEXITSTATUS(status);
	return failed;
}
