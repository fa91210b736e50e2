#!/bin/bash
# Before/after for a load: two shardflow binaries load the same file,
# interleaved with `cat FILE > /dev/null` (timed by the shell), at 1 and 2
# threads, TRIALS rounds; prints min/median/max wall seconds (`info
# --json`'s load_s) and the median CPU seconds (load_cpu_s) of each.
#
#   bench/load_ab.sh BEFORE_BIN AFTER_BIN FILE [TRIALS]     default 7 trials
set -euo pipefail
BEFORE=$1 AFTER=$2 FILE=$3 TRIALS=${4:-7}
cat "$FILE" > /dev/null   # warm the page cache
for ((i = 0; i < TRIALS; i++)); do
    start=$(date +%s.%N)
    cat "$FILE" > /dev/null
    end=$(date +%s.%N)
    echo "cat - $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.6f", b - a }') 0"
    for t in 1 2; do
        for which in before after; do
            bin=$BEFORE
            [[ $which == after ]] && bin=$AFTER
            json=$("$bin" info "$FILE" --json --threads "$t")
            echo "$which $t $(sed -n 's/.*"load_s": \([0-9.e+-]*\).*/\1/p' <<<"$json") \
$(sed -n 's/.*"load_cpu_s": \([0-9.e+-]*\).*/\1/p' <<<"$json")"
        done
    done
done | awk '
{ k = $1 " " $2; n[k]++; wall[k, n[k]] = $3; cpu[k, n[k]] = $4 }
function median(k, what,   i, j, m, t, v) {
    m = n[k]
    for (i = 1; i <= m; i++) v[i] = what == "cpu" ? cpu[k, i] : wall[k, i]
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    lo = v[1]; hi = v[m]
    return m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
}
END {
    printf "%-10s %8s %8s %8s %8s\n", "binary t", "min s", "median s", "max s", "cpu s"
    for (k in n) { med[k] = median(k, "wall"); l = lo; h = hi; c = median(k, "cpu")
        line[k] = sprintf("%-10s %8.3f %8.3f %8.3f %8.3f", k, l, med[k], h, c) }
    split("cat -,before 1,before 2,after 1,after 2", order, ",")
    for (i = 1; i <= 5; i++) print line[order[i]]
    for (t = 1; t <= 2; t++)
        printf "%d thread(s): after %.2fx faster than before; before %.2f of cat, after %.2f (medians)\n",
            t, med["before " t] / med["after " t], med["cat -"] / med["before " t], med["cat -"] / med["after " t]
}'
