#!/bin/bash
# The load benchmark: how fast a graph is ready to run, from a text edge list
# (parse + build) and from its native snapshot (read + checks), against
# `cat FILE > /dev/null` on the same file, all from a warm page cache.
#
#   bench/load.sh [GRAPH] [TRIALS] [DIR]     defaults: kron:20 5 /tmp
#
# GRAPH is a generator spec or an edge list file (.el/.txt, read with
# --undirected for a generator, as it is written). Writes DIR/load.el (from
# a generator) and DIR/load.sfg once, then TRIALS rounds, each running every
# configuration once, interleaved (so a noisy neighbour hits all alike):
# cat of each file; at 1 and 2 threads the text load, the snapshot load, and
# the snapshot load without checksums (SF_NO_CHECKSUM=1). Times come from
# `shardflow info --json` (load_s + build_s: graph built and attached, ready
# to run; the process start is not counted) and, for cat, from the shell
# clock around it (its process start is counted). Prints min/median/max per
# configuration, throughputs and ratios of medians, and the peak RSS when
# the graph was ready against the graph's own bytes. It also prints the
# median CPU seconds (all threads) of each configuration: on a shared
# machine the wall time includes waiting for a core, the CPU time does not,
# so at 1 thread the CPU time is what the configuration costs on an idle
# machine (cat's, from `perf stat`, counts its process start, about a
# millisecond). Needs perf (linux-perf) for cat's CPU time; without it
# that column is 0. Deletes
# what it wrote unless KEEP=1.
#
# Where READER (default bin/iostream-reader, `make bench-tools`) is built,
# every trial also times it on the edge list: gapbs's text reader loop, one
# thread, reading only (its own clock, from opening the file).
#
# Where PLAIN (default bin/plain-load, `make bench-tools`) is built, every
# trial also times it at each thread count on an edge list it can read
# (bench/tools/plain_load.c: a plain CSR load written out, parse + count +
# scatter, without comments, sorting, deduplication or degree order; its own
# clock, from opening the file).
#
# Printed last: how much faster each shardflow text load (parse + build) is
# than the reader loop (its median / ours), then than the plain load at the
# same thread count (its median / ours).
set -euo pipefail

GRAPH=${1:-kron:20}
TRIALS=${2:-5}
DIR=${3:-/tmp}
BIN=${BIN:-bin/shardflow}
THREADS=${THREADS:-"1 2"}
READER=${READER:-bin/iostream-reader}
PLAIN=${PLAIN:-bin/plain-load}

if [[ $GRAPH == kron:* || $GRAPH == urand:* ]]; then
    EL=$DIR/load.el
    "$BIN" convert "$GRAPH" "$EL" --quiet
    WROTE_EL=1
else
    EL=$GRAPH
    WROTE_EL=0
fi
SFG=$DIR/load.sfg
"$BIN" convert "$EL" "$SFG" --undirected --quiet
cleanup() {
    if [[ ${KEEP:-0} != 1 ]]; then
        rm -f "$SFG"
        if [[ $WROTE_EL == 1 ]]; then rm -f "$EL"; fi
    fi
}
trap cleanup EXIT

LINES=$(grep -cv '^[#%]' "$EL" || true)
EL_BYTES=$(stat -c %s "$EL")
SFG_BYTES=$(stat -c %s "$SFG")
cat "$EL" "$SFG" > /dev/null   # warm the page cache

RESULTS=$(mktemp)
field() { sed -n "s/.*\"$1\": \([0-9.e+-]*\).*/\1/p"; }

# One timed configuration: appends "NAME SECONDS CPU_SECONDS RSS GRAPH_BYTES"
# to RESULTS.
run_info() {
    local name=$1; shift
    local json
    json=$("$@")
    local load build
    load=$(field load_s <<<"$json")
    build=$(field build_s <<<"$json")
    echo "$name $(awk -v a="$load" -v b="$build" 'BEGIN { printf "%.6f", a + b }') \
$(field load_cpu_s <<<"$json") $(field ready_peak_rss_bytes <<<"$json") \
$(field graph_bytes <<<"$json")" >> "$RESULTS"
}

run_cat() {
    local name=$1 file=$2 start end cpu
    start=$(date +%s.%N)
    cat "$file" > /dev/null
    end=$(date +%s.%N)
    # perf stat's task-clock, in a second run: cat's CPU milliseconds (0
    # where perf is missing)
    cpu=0
    if command -v perf > /dev/null; then
        cpu=$( { perf stat -x, -e task-clock cat "$file" > /dev/null; } 2>&1 | cut -d, -f1)
    fi
    echo "$name $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.6f", b - a }') \
$(awk -v ms="$cpu" 'BEGIN { printf "%.6f", ms / 1000 }') 0 0" >> "$RESULTS"
}

# A reference program (the reader loop, the plain load): NAME FIELD CMD...
# appends a row with the time its own clock printed (FIELD of its JSON
# line) and its process's user + system seconds (bash's `time`, process
# start counted) for the CPU column. A file it cannot read (comment lines,
# ids it does not take) prints one line saying why and returns 1, and the
# caller drops the program's rows.
run_tool() {
    local name=$1 what=$2 TIMEFORMAT='%3U %3S' times
    shift 2
    if ! times=$( { time "$@" > "$RESULTS.tool" 2> "$RESULTS.tool-err"; } 2>&1 ); then
        echo "load.sh: no $name row: $(cat "$RESULTS.tool-err")" >&2
        return 1
    fi
    echo "$name $(field "$what" < "$RESULTS.tool") $(awk '{ print $1 + $2 }' <<<"$times") 0 0" \
        >> "$RESULTS"
}

for ((trial = 1; trial <= TRIALS; trial++)); do
    run_cat cat-sfg "$SFG"
    run_cat cat-el "$EL"
    if [[ -n $READER && -x $READER ]]; then
        run_tool iostream-1 read_s "$READER" "$EL" || READER=""
    fi
    for t in $THREADS; do
        run_info "text-$t" "$BIN" info "$EL" --undirected --json --threads "$t"
        if [[ -n $PLAIN && -x $PLAIN ]]; then
            run_tool "plain-$t" load_s "$PLAIN" "$EL" "$t" || PLAIN=""
        fi
        run_info "sfg-$t" "$BIN" info "$SFG" --json --threads "$t"
        run_info "sfg-nocrc-$t" env SF_NO_CHECKSUM=1 "$BIN" info "$SFG" --json --threads "$t"
    done
done

echo "load benchmark: $GRAPH, $TRIALS trials interleaved, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"
echo "  $EL: $EL_BYTES bytes, $LINES edge lines; $SFG: $SFG_BYTES bytes"
ORDER="cat-el cat-sfg iostream-1"
for t in $THREADS; do ORDER="$ORDER text-$t"; done
for t in $THREADS; do ORDER="$ORDER plain-$t"; done
for t in $THREADS; do ORDER="$ORDER sfg-$t"; done
for t in $THREADS; do ORDER="$ORDER sfg-nocrc-$t"; done
awk -v lines="$LINES" -v el_bytes="$EL_BYTES" -v sfg_bytes="$SFG_BYTES" -v order_list="$ORDER" '
{ n[$1]++; t[$1, n[$1]] = $2; c[$1, n[$1]] = $3; rss[$1] = $4 > rss[$1] ? $4 : rss[$1]; graph[$1] = $5 }
function median(name, what,   i, j, k, a, tmp) {
    k = n[name]
    for (i = 1; i <= k; i++) a[i] = what == "cpu" ? c[name, i] : t[name, i]
    for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { tmp = a[i]; a[i] = a[j]; a[j] = tmp }
    if (what != "cpu") { lo[name] = a[1]; hi[name] = a[k] }
    return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
}
END {
    for (name in n) { med[name] = median(name, "wall"); cpu[name] = median(name, "cpu") }
    printf "  %-14s %8s %8s %8s %8s  %s\n", "configuration", "min s", "median s", "max s", "cpu s", "at the median (wall)"
    norder = split(order_list, order, " ")
    for (i = 1; i <= norder; i++) {
        name = order[i]
        if (!(name in n)) continue
        if (name ~ /^cat-el/) what = sprintf("%.0f MB/s", el_bytes / med[name] / 1e6)
        else if (name ~ /^cat-sfg/) what = sprintf("%.0f MB/s", sfg_bytes / med[name] / 1e6)
        else if (name ~ /^iostream/) what = sprintf("%.1f M edges/s, %.0f MB/s (gapbs reader loop, read only)",
            lines / med[name] / 1e6, el_bytes / med[name] / 1e6)
        else if (name ~ /^plain/) what = sprintf("%.1f M edges/s, %.0f MB/s (a plain CSR load written out)",
            lines / med[name] / 1e6, el_bytes / med[name] / 1e6)
        else if (name ~ /^text/) what = sprintf("%.1f M edges/s, %.0f MB/s; peak RSS %.2fx the graph",
            lines / med[name] / 1e6, el_bytes / med[name] / 1e6, rss[name] / graph[name])
        else what = sprintf("%.0f MB/s, %.2f of cat; peak RSS %.2fx the graph",
            sfg_bytes / med[name] / 1e6, med["cat-sfg"] / med[name], rss[name] / graph[name])
        printf "  %-14s %8.3f %8.3f %8.3f %8.3f  %s\n", name, lo[name], med[name], hi[name], cpu[name], what
    }
    if (("text-1" in n) && ("text-2" in n))
        printf "  text: 2 threads %.2fx faster than 1 (medians)\n", med["text-1"] / med["text-2"]
    if (("sfg-2" in n) && ("text-2" in n))
        printf "  snapshot vs text at 2 threads: %.1fx faster (medians)\n", med["text-2"] / med["sfg-2"]
    if ("text-1" in n)
        printf "  by CPU time at 1 thread: text %.1f M edges/s, %.0f MB/s\n", lines / cpu["text-1"] / 1e6, el_bytes / cpu["text-1"] / 1e6
    if ("sfg-1" in n)
        printf "  by CPU time at 1 thread: snapshot %.0f MB/s (%.2f of cat), without checksums %.0f MB/s (%.2f of cat)\n",
            sfg_bytes / cpu["sfg-1"] / 1e6, cpu["cat-sfg"] / cpu["sfg-1"],
            sfg_bytes / cpu["sfg-nocrc-1"] / 1e6, cpu["cat-sfg"] / cpu["sfg-nocrc-1"]
    printf "  graph: %.1f MiB\n", graph["sfg-1"] / 1048576
    for (i = 1; i <= norder; i++)
        if (order[i] ~ /^text/ && (order[i] in n) && ("iostream-1" in n))
            printf "  %s (parse + build) vs the gapbs reader loop (read only, 1 thread): %.2fx faster (medians; issue 3 asks 5x at 2 threads)\n",
                order[i], med["iostream-1"] / med[order[i]]
    for (i = 1; i <= norder; i++)
        if (order[i] ~ /^text/ && (order[i] in n)) {
            plain = order[i]; sub(/^text/, "plain", plain)
            if (plain in n)
                printf "  %s against %s (the plain load at the same threads): its median / ours = %.2f (over 1: ours is faster)\n",
                    order[i], plain, med[plain] / med[order[i]]
        }
}' "$RESULTS"
rm -f "$RESULTS" "$RESULTS.tool" "$RESULTS.tool-err"
