#!/bin/sh
# Fetches the real graphs that scalability papers use, for users with a
# network connection (the tests never run this). Each file is checked
# against datasets/SHA256SUMS; a file with no pinned checksum yet is pinned
# on its first download into datasets/SHA256SUMS.local (trust on first use),
# and every later download must match it.
#
#   datasets/fetch.sh [--dir DIR] NAME...     NAME: see `datasets/fetch.sh --list`
#
# Then, for example:
#   bin/shardflow convert DIR/twitter-2010.txt.gz DIR/twitter-2010.sfg
#   bin/shardflow bench --graphs DIR/twitter-2010.sfg --algos pr,wcc
set -eu

here=$(cd "$(dirname "$0")" && pwd)
dir=${SF_DATA_DIR:-$here/data}

# name | url | what it is
catalogue='
twitter-2010|https://snap.stanford.edu/data/twitter-2010.txt.gz|Twitter follower graph 2010 (Kwak et al.; the COST paper'"'"'s twitter_rv): 41.7M vertices, 1.47G arcs
soc-LiveJournal1|https://snap.stanford.edu/data/soc-LiveJournal1.txt.gz|LiveJournal friendships: 4.8M vertices, 69M arcs
com-orkut|https://snap.stanford.edu/data/bigdata/communities/com-orkut.ungraph.txt.gz|Orkut: 3.1M vertices, 117M undirected edges
com-friendster|https://snap.stanford.edu/data/bigdata/communities/com-friendster.ungraph.txt.gz|Friendster: 65.6M vertices, 1.8G undirected edges
roadNet-CA|https://snap.stanford.edu/data/roadNet-CA.txt.gz|California road network: 2.0M vertices, 2.8M undirected edges
web-Google|https://snap.stanford.edu/data/web-Google.txt.gz|Google web graph: 0.9M vertices, 5.1M arcs
'

usage() {
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
    exit "${1:-0}"
}

list() {
    echo "$catalogue" | while IFS='|' read -r name url what; do
        [ -n "$name" ] && printf '  %-18s %s\n' "$name" "$what"
    done
    return 0
}

fetch_one() {
    line=$(echo "$catalogue" | grep "^$1|" || true)
    if [ -z "$line" ]; then
        echo "fetch.sh: unknown dataset '$1' (see --list)" >&2
        return 1
    fi
    url=$(echo "$line" | cut -d'|' -f2)
    file=$dir/$(basename "$url")
    mkdir -p "$dir"
    if [ ! -s "$file" ]; then
        echo "fetching $url"
        if command -v curl >/dev/null; then
            curl -fL --retry 3 -o "$file.part" "$url"
        else
            wget -O "$file.part" "$url"
        fi
        mv "$file.part" "$file"
    fi
    sum=$(sha256sum "$file" | cut -d' ' -f1)
    base=$(basename "$file")
    pinned=$(cat "$here/SHA256SUMS" "$here/SHA256SUMS.local" 2>/dev/null | grep " $base\$" | head -1 | cut -d' ' -f1 || true)
    if [ -z "$pinned" ]; then
        echo "$sum  $base" >> "$here/SHA256SUMS.local"
        echo "$base: sha256 $sum (no checksum was pinned; pinned now in datasets/SHA256SUMS.local)"
    elif [ "$pinned" != "$sum" ]; then
        echo "fetch.sh: $file: sha256 $sum does not match the pinned $pinned" >&2
        return 1
    else
        echo "$base: sha256 matches"
    fi
}

[ $# -eq 0 ] && usage 2
while [ $# -gt 0 ]; do
    case $1 in
    -h | --help) usage 0 ;;
    --list) list; exit 0 ;;
    --dir) dir=$2; shift 2 ;;
    *) fetch_one "$1"; shift ;;
    esac
done
