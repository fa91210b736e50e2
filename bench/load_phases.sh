#!/bin/bash
# Where a text load spends its time, phase by phase, for one or more
# binaries (or environments) compared in the same run.
#
#   bench/load_phases.sh FILE THREADS TRIALS CMD...
#
# Each CMD is a shardflow binary, optionally preceded by VAR=value words
# ("MALLOC_CONF=thp:default bin/shardflow"). Every trial runs each CMD once,
# interleaved, as `SF_TRACE_LOAD=1 CMD info FILE --undirected --threads
# THREADS`, sleeping PAUSE seconds (environment, default 0) before each run.
# Prints, per CMD, each phase's median wall / CPU seconds and page faults,
# and the sums of the medians.
set -euo pipefail

FILE=$1
THREADS=$2
TRIALS=$3
shift 3
PAUSE=${PAUSE:-0}

OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
for _ in $(seq "$TRIALS"); do
    for cmd in "$@"; do
        sleep "$PAUSE"
        # "load phase NAME... WALL s CPU cpu-s FAULTS faults": the name may
        # hold a blank ("max id"), so fields are taken from the end
        # shellcheck disable=SC2086 # CMD's words are meant to split
        env SF_TRACE_LOAD=1 $cmd info "$FILE" --undirected --threads "$THREADS" 2>&1 >/dev/null |
            awk -v cmd="$cmd" '/^load phase / {
                name = $3; for (i = 4; i <= NF - 6; i++) name = name "_" $i
                print cmd "|" name "|" $(NF - 5) "|" $(NF - 3) "|" $(NF - 1) }' >> "$OUT"
    done
done

# median of each column per (cmd, phase), phases in the order first printed
for cmd in "$@"; do
    printf '%s\n' "$cmd"
    grep -F "$cmd|" "$OUT" | awk -F'|' -v cmd="$cmd" '$1 == cmd && !seen[$2]++ { print $2 }' |
        while read -r phase; do
            line=$phase
            for col in 3 4 5; do
                m=$(awk -F'|' -v cmd="$cmd" -v p="$phase" -v c="$col" \
                        '$1 == cmd && $2 == p { print $c }' "$OUT" | sort -g |
                    awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
                line="$line $m"
            done
            echo "$line"
        done |
        awk '{ printf "  %-12s %7.3f s %7.3f cpu-s %9d faults\n", $1, $2, $3, $4
               w += $2; c += $3; f += $4 }
             END { printf "  %-12s %7.3f s %7.3f cpu-s %9d faults\n", "sum", w, c, f }'
done
