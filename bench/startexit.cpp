// SPDX-License-Identifier: MIT
// Start to exit: how long a short-lived program takes from fork+exec to
// the exit its parent sees, and at the end of a pipeline (PROGRAM FILE |
// wc -c, until wc has exited). aiocat (which hands the kernel's teardown
// of its context off, docs/exit.md) beside the same program exiting the
// ordinary way, beside the same runtime reading without AIO (readcat),
// beside cat. Every row runs in turn within each round, so that they share
// the machine's state; medians, and ratios to readcat and to cat.
//
//   startexit --aiocat=P --aiocat-ordinary=P --readcat=P [--rounds=N] FILE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

namespace {

double now_ms() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

struct Row {
    std::string label;
    std::vector<std::string> argv;
    const char* backend;  // RAWAIO_BACKEND, or nullptr
    std::vector<double> alone, piped;
};

pid_t start(const Row& r, int in, int out) {
    const pid_t pid = fork();
    if (pid == 0) {
        if (in >= 0) dup2(in, 0);
        dup2(out, 1);
        if (r.backend) setenv("RAWAIO_BACKEND", r.backend, 1);
        else unsetenv("RAWAIO_BACKEND");
        std::vector<char*> a;
        for (auto& s : r.argv) a.push_back(const_cast<char*>(s.c_str()));
        a.push_back(nullptr);
        execvp(a[0], a.data());
        _exit(127);
    }
    return pid;
}

bool wait_ok(pid_t pid) {
    int st = 0;
    return waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

// The program alone, its output to /dev/null: until its parent sees it exit.
double alone(const Row& r, int devnull) {
    const double t0 = now_ms();
    const pid_t pid = start(r, -1, devnull);
    if (pid < 0 || !wait_ok(pid)) return -1;
    return now_ms() - t0;
}

// PROGRAM | wc -c: until wc has exited (it sees EOF when the program's
// last copy of the pipe is closed).
double piped(const Row& r, int devnull) {
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) return -1;
    const Row wc{"wc", {"wc", "-c"}, nullptr, {}, {}};
    const double t0 = now_ms();
    const pid_t prog = start(r, -1, p[1]);
    const pid_t counter = start(wc, p[0], devnull);
    close(p[0]);
    close(p[1]);
    if (prog < 0 || counter < 0 || !wait_ok(counter)) return -1;
    const double t = now_ms() - t0;
    return wait_ok(prog) ? t : -1;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

const char* opt(int argc, char** argv, const char* name) {
    const size_t n = strlen(name);
    for (int i = 1; i < argc; ++i)
        if (strncmp(argv[i], name, n) == 0 && argv[i][n] == '=') return argv[i] + n + 1;
    return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
    const char* aiocat = opt(argc, argv, "--aiocat");
    const char* ordinary = opt(argc, argv, "--aiocat-ordinary");
    const char* readcat = opt(argc, argv, "--readcat");
    const char* file = argc > 1 && argv[argc - 1][0] != '-' ? argv[argc - 1] : nullptr;
    int rounds = 21;
    if (const char* r = opt(argc, argv, "--rounds")) rounds = std::max(1, atoi(r));
    if (!aiocat || !ordinary || !readcat || !file) {
        fprintf(stderr, "usage: startexit --aiocat=P --aiocat-ordinary=P --readcat=P [--rounds=N] FILE\n");
        return 2;
    }
    std::vector<Row> rows{
        {"cat", {"cat", file}, nullptr, {}, {}},
        {"readcat (the same runtime, read(2), no AIO)", {readcat, file}, nullptr, {}, {}},
        {"aiocat, teardown handed off (the default)", {aiocat, file}, nullptr, {}, {}},
        {"aiocat, ordinary exit (waits for the teardown)", {ordinary, file}, nullptr, {}, {}},
        {"aiocat, emulated backend (no kernel context)", {aiocat, file}, "emulated", {}, {}},
    };
    const int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    for (int i = 0; i < rounds; ++i)
        for (auto& r : rows) {
            const double a = alone(r, devnull), p = piped(r, devnull);
            if (a < 0 || p < 0) {
                fprintf(stderr, "startexit: %s failed\n", r.label.c_str());
                return 1;
            }
            r.alone.push_back(a);
            r.piped.push_back(p);
        }
    const double cat_a = median(rows[0].alone), cat_p = median(rows[0].piped);
    const double read_a = median(rows[1].alone), read_p = median(rows[1].piped);
    printf("Start to exit of %s, medians of %d rounds (ms; ratios to readcat and to cat):\n\n", file, rounds);
    printf("| program | exec to exit | x readcat | x cat | `| wc -c` to wc's exit | x readcat | x cat |\n");
    printf("|---|---:|---:|---:|---:|---:|---:|\n");
    for (auto& r : rows) {
        const double a = median(r.alone), p = median(r.piped);
        printf("| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |\n", r.label.c_str(), a, a / read_a, a / cat_a, p,
               p / read_p, p / cat_p);
    }
    return 0;
}
