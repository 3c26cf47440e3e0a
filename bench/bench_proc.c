/** @file bench_proc.c
 * Child processes, file copies and the load average for the benchmarks.
 */
#include "bench_proc.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

double bench_wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void bench_loadavg(char *buf, size_t cap)
{
    buf[0] = '\0';
    FILE *f = fopen("/proc/loadavg", "r");
    if (!f) return;
    if (fgets(buf, (int)cap, f)) buf[strcspn(buf, " ")] = '\0'; /* the 1-minute figure */
    fclose(f);
}

int bench_run_child(char *const argv[], struct bench_run *r)
{
    int pipefd[2];
    if (pipe(pipefd) != 0) return -1;
    double t0 = bench_wall_s();
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        dup2(pipefd[1], 1);
        close(pipefd[0]);
        close(pipefd[1]);
        execv(argv[0], argv);
        perror(argv[0]);
        _exit(127);
    }
    close(pipefd[1]);
    size_t n = 0;
    ssize_t got;
    while ((got = read(pipefd[0], r->out + n, sizeof r->out - 1 - n)) > 0) n += (size_t)got;
    r->out[n] = '\0';
    close(pipefd[0]);
    struct rusage ru;
    if (wait4(pid, &r->status, 0, &ru) != pid) return -1;
    r->wall = bench_wall_s() - t0;
    r->user = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6;
    r->sys = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
    r->maxrss_kb = ru.ru_maxrss;
    return 0;
}

int bench_copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
    if (!in || !out) {
        if (in) fclose(in);
        return -1;
    }
    char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n) break;
    int bad = ferror(in) || ferror(out);
    fclose(in);
    return fclose(out) != 0 || bad ? -1 : 0;
}
