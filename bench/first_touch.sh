#!/bin/bash
# What this machine charges to make fresh memory resident: a text load
# writes its edge list and the graph's arrays into pages no one has touched,
# and on a VM whose host takes freed guest memory back (Linux free page
# reporting: `page_reporting` in /sys/module, a `page_reporting_order` on
# the kernel command line) each such page can cost a host fault as well as
# the guest's zeroing. Run it before trusting a load figure.
#
#   bench/first_touch.sh [MIB] [THREADS] [TRIALS] [PAUSE]   defaults: 540 2 5 3
#
# Each trial is a new process that maps MIB of anonymous memory, small pages
# (MADV_NOHUGEPAGE) or huge pages (MADV_HUGEPAGE), and writes one byte a
# page from THREADS OpenMP threads, then unmaps it and does the same again
# (the second round gets pages the process just freed: what a fault costs
# without the host); it sleeps PAUSE seconds before each process, time
# enough for memory the last one freed to be given back. Prints, for each
# page size and round, min/median/max seconds and GB/s at the median.
# 540 MiB is about the kron:22 graph (553 MiB) or its 32-bit edge list.
set -euo pipefail

MIB=${1:-540}
THREADS=${2:-2}
TRIALS=${3:-5}
PAUSE=${4:-3}
CC=${CC:-cc}

DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
cat > "$DIR/touch.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    size_t bytes = (size_t)atol(argv[1]) << 20;
    int huge = atoi(argv[2]);
    /* the second round gets the pages the first one just gave back */
    for (int round = 0; round < 2; round++) {
        char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED || madvise(p, bytes, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE) != 0) {
            perror("first_touch");
            return 1;
        }
        double start = now();
#pragma omp parallel for schedule(static)
        for (size_t i = 0; i < bytes; i += 4096)
            p[i] = 1;
        printf("%.4f%c", now() - start, round ? '\n' : ' ');
        munmap(p, bytes);
    }
    return 0;
}
EOF
"$CC" -O2 -fopenmp "$DIR/touch.c" -o "$DIR/touch"

echo "first touch of $MIB MiB by $THREADS threads, $TRIALS processes each, $PAUSE s apart"
for huge in 0 1; do
    : > "$DIR/times"
    for _ in $(seq "$TRIALS"); do
        sleep "$PAUSE"
        OMP_NUM_THREADS=$THREADS "$DIR/touch" "$MIB" "$huge" >> "$DIR/times"
    done
    for round in 1 2; do
        cut -d' ' -f"$round" "$DIR/times" | sort -n |
            awk -v mib="$MIB" -v name="$([[ $huge == 1 ]] && echo huge || echo small)" \
                -v what="$([[ $round == 1 ]] && echo fresh || echo reused)" '
            { t[NR] = $1 }
            END { m = t[int((NR + 1) / 2)];
                  printf "  %-5s pages, %-6s  min %.3f  median %.3f  max %.3f s  %5.2f GB/s at the median\n",
                         name, what, t[1], m, t[NR], mib * 1048576 / m / 1e9 }'
    done
done
