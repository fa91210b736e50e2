// The reference text reader the load benchmark compares against: the loop
// the GAP benchmark suite (gapbs) reads a .el edge list with, `while (in >>
// u >> v)` into a vector of 32-bit id pairs, one thread, nothing built.
// Issue 3's goal is stated against this loop (the issue quotes 13-15 M
// edges/s; it read 8.6-10.0 M on the 2-core VM, bench/RESULTS.md);
// bench/load.sh runs it in the same trials as shardflow so that the ratio
// comes from one run.
//
//   bin/iostream-reader FILE      prints {"edges": N, "read_s": S}
//
// The time runs from opening the file to the end of the loop. Lines must be
// "u v" (no comments: gapbs's reader has none either).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <utility>
#include <vector>

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: iostream-reader FILE\n");
        return 2;
    }
    auto start = std::chrono::steady_clock::now();
    std::ifstream in(argv[1]);
    if (!in) {
        std::fprintf(stderr, "iostream-reader: %s: cannot open\n", argv[1]);
        return 1;
    }
    std::vector<std::pair<int32_t, int32_t>> edges;
    int32_t u, v;
    while (in >> u >> v)
        edges.emplace_back(u, v);
    if (!in.eof()) {
        std::fprintf(stderr, "iostream-reader: %s: stopped at edge %zu (not \"u v\")\n", argv[1],
                     edges.size() + 1);
        return 1;
    }
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    std::printf("{\"edges\": %zu, \"read_s\": %.6f}\n", edges.size(), took.count());
    return 0;
}
