/** @file bench_proc.h
 * What the end-to-end benchmarks share: running the real `durand` binary
 * as a child and reading its wall time, CPU time and peak RSS from wait4,
 * copying the template database, and the machine's load average (the
 * development machine is shared, so every figure is printed with it).
 */
#ifndef DN_BENCH_PROC_H
#define DN_BENCH_PROC_H

#include <stddef.h>

/** Seconds on the monotonic clock. */
double bench_wall_s(void);

/** The 1-minute load average into buf ("" when unknown). */
void bench_loadavg(char *buf, size_t cap);

/** A finished child: wait status, times in seconds, peak RSS, stdout. */
struct bench_run {
    int status;
    double wall, user, sys;
    long maxrss_kb;
    char out[2048]; /**< the child's stdout, truncated to fit, NUL-terminated */
};

/** Run argv (argv[0] a path) with stdout captured into r->out (stderr
 * passes through). Returns 0, or -1 when the child could not be run. */
int bench_run_child(char *const argv[], struct bench_run *r);

/** Copy a file; 0 or -1. */
int bench_copy_file(const char *from, const char *to);

#endif
