/* Tests for datasets/generators.c: determinism whatever the thread count,
 * sizes and id ranges, spec parsing, the vertex permutation being a
 * bijection, and the Kronecker distribution checked against a slow
 * per-level reference sampler kept here (one uniform double per level,
 * as the Graph500 reference code draws them); a part of a scale-32 graph,
 * as a rank makes it. */
#include "datasets/generators.h"

#include <criterion/criterion.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "engine/parallel.h"

static sf_edge_list generate(const char *spec, uint64_t seed)
{
    sf_edge_list list;
    sf_error err = {{0}};
    sf_edge_list_init(&list);
    int rc = sf_generate(spec, seed, &list, &err);
    cr_assert_eq(rc, 0, "%s: rc %d: %s", spec, rc, err.msg);
    return list;
}

/* degree[v] counts both endpoints of every generated edge. */
static uint64_t *degrees(const sf_edge_list *list)
{
    uint64_t *degree = calloc(list->dense_vertices, sizeof *degree);
    cr_assert_not_null(degree);
    for (uint64_t i = 0; i < list->count; i++) {
        degree[list->src[i]]++;
        degree[list->dst[i]]++;
    }
    return degree;
}

static uint64_t argmax(const uint64_t *x, uint64_t n)
{
    uint64_t best = 0;
    for (uint64_t i = 1; i < n; i++)
        if (x[i] > x[best])
            best = i;
    return best;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Undirected edges left once self-loops and duplicates are removed, as the
 * graph builder will count them. Scale at most 32. */
static uint64_t unique_undirected(const uint64_t *src, const uint64_t *dst, uint64_t count,
                                  unsigned scale)
{
    uint64_t *key = malloc(count * sizeof *key), n = 0, unique = 0;
    cr_assert_not_null(key);
    for (uint64_t i = 0; i < count; i++) {
        uint64_t u = src[i] < dst[i] ? src[i] : dst[i], v = src[i] ^ dst[i] ^ u;
        if (u != v)
            key[n++] = u << scale | v;
    }
    qsort(key, n, sizeof *key, compare_u64);
    for (uint64_t i = 0; i < n; i++)
        unique += i == 0 || key[i] != key[i - 1];
    free(key);
    return unique;
}

Test(generators, same_seed_same_arrays_at_1_and_3_threads)
{
    /* kron:7 and kron:13 end in a partial group of levels; kron:12 does not */
    static const char *specs[] = {"kron:14", "kron:13:5", "kron:12", "kron:7", "kron:1", "urand:14",
                                  "urand:3:2"};
    int saved = omp_get_max_threads();
    for (size_t s = 0; s < sizeof specs / sizeof *specs; s++) {
        omp_set_num_threads(1);
        sf_edge_list one = generate(specs[s], 12345);
        omp_set_num_threads(3);
        sf_edge_list three = generate(specs[s], 12345);
        cr_assert_eq(one.count, three.count, "%s", specs[s]);
        cr_assert(memcmp(one.src, three.src, one.count * sizeof *one.src) == 0, "%s: src differs", specs[s]);
        cr_assert(memcmp(one.dst, three.dst, one.count * sizeof *one.dst) == 0, "%s: dst differs", specs[s]);
        sf_edge_list_fini(&one);
        sf_edge_list_fini(&three);
    }
    omp_set_num_threads(saved);
}

Test(generators, different_seeds_differ)
{
    static const char *specs[] = {"kron:12", "urand:12"};
    for (size_t s = 0; s < sizeof specs / sizeof *specs; s++) {
        sf_edge_list a = generate(specs[s], 1), b = generate(specs[s], 2);
        uint64_t same = 0;
        for (uint64_t i = 0; i < a.count; i++)
            same += a.src[i] == b.src[i] && a.dst[i] == b.dst[i];
        cr_assert_lt(same, a.count / 100, "%s: %llu of %llu edges equal under seeds 1 and 2", specs[s],
                     (unsigned long long)same, (unsigned long long)a.count);
        sf_edge_list_fini(&a);
        sf_edge_list_fini(&b);
    }
}

Test(generators, permutation_is_a_bijection)
{
    static const uint64_t seeds[] = {0, 1, 2, 42, 27491095, UINT64_MAX};
    uint8_t *seen = malloc(1u << 12);
    cr_assert_not_null(seen);
    for (unsigned scale = 1; scale <= 12; scale++) {
        uint64_t n = 1ull << scale;
        for (size_t s = 0; s < sizeof seeds / sizeof *seeds; s++) {
            uint64_t fixed_points = 0;
            memset(seen, 0, n);
            for (uint64_t v = 0; v < n; v++) {
                uint64_t image = sf_generator_permute(v, scale, seeds[s]);
                cr_assert_lt(image, n, "scale %u seed %llu: %llu -> %llu", scale,
                             (unsigned long long)seeds[s], (unsigned long long)v, (unsigned long long)image);
                cr_assert_eq(seen[image], 0, "scale %u seed %llu: %llu hit twice", scale,
                             (unsigned long long)seeds[s], (unsigned long long)image);
                seen[image] = 1;
                fixed_points += image == v;
            }
            /* a random permutation has about one fixed point */
            if (scale >= 8)
                cr_assert_lt(fixed_points, 16, "scale %u seed %llu: %llu fixed points", scale,
                             (unsigned long long)seeds[s], (unsigned long long)fixed_points);
        }
    }
    free(seen);
}

Test(generators, sizes_and_id_ranges)
{
    static const struct {
        const char *spec;
        uint64_t vertices, edges;
    } cases[] = {
        {"kron:10", 1024, 16 * 1024},  {"kron:10:4", 1024, 4096}, {"kron:1", 2, 32},
        {"kron:17:1", 1u << 17, 1u << 17}, {"urand:9:3", 512, 1536}, {"urand:12", 4096, 16 * 4096},
        {"urand:1:1", 2, 2},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        sf_edge_list list = generate(cases[c].spec, 7);
        cr_assert_eq(list.count, cases[c].edges, "%s: %llu edges", cases[c].spec,
                     (unsigned long long)list.count);
        cr_assert_eq(list.dense_vertices, cases[c].vertices, "%s", cases[c].spec);
        cr_assert_eq(list.declared_directed, 0, "%s", cases[c].spec);
        cr_assert_null(list.weight, "%s", cases[c].spec);
        uint64_t largest = 0;
        for (uint64_t i = 0; i < list.count; i++) {
            largest = list.src[i] > largest ? list.src[i] : largest;
            largest = list.dst[i] > largest ? list.dst[i] : largest;
        }
        cr_assert_lt(largest, cases[c].vertices, "%s: id %llu", cases[c].spec, (unsigned long long)largest);
        sf_edge_list_fini(&list);
    }
}

/* Asked for 32-bit ids (out->narrow set before the call), a generator
 * gives the same arcs in the narrow form while 2^SCALE ids fit them, for
 * the whole list and for parts, and the wide form past scale 32 (a part of
 * 16 edges of kron:33 and urand:34, whose ids pass 2^32). */
Test(generators, narrow_when_asked_and_the_ids_fit)
{
    static const char *specs[] = {"kron:14", "kron:7:3", "urand:13", "urand:1:1"};
    for (size_t s = 0; s < sizeof specs / sizeof *specs; s++)
        for (int parts = 1; parts <= 3; parts += 2)
            for (int part = 0; part < parts; part++) {
                sf_edge_list wide, narrow;
                sf_error err;
                sf_edge_list_init(&wide);
                sf_edge_list_init(&narrow);
                narrow.narrow = true;
                cr_assert_eq(sf_generate_part(specs[s], 9, part, parts, &wide, &err), 0, "%s",
                             err.msg);
                cr_assert_eq(sf_generate_part(specs[s], 9, part, parts, &narrow, &err), 0, "%s",
                             err.msg);
                cr_assert(narrow.narrow && !wide.narrow, "%s", specs[s]);
                cr_assert_eq(narrow.count, wide.count, "%s", specs[s]);
                cr_assert_eq(narrow.dense_vertices, wide.dense_vertices, "%s", specs[s]);
                for (uint64_t i = 0; i < wide.count; i++)
                    cr_assert(narrow.src32[i] == wide.src[i] && narrow.dst32[i] == wide.dst[i],
                              "%s part %d of %d: arc %llu", specs[s], part, parts,
                              (unsigned long long)i);
                sf_edge_list_fini(&wide);
                sf_edge_list_fini(&narrow);
            }
    static const char *big[] = {"kron:33:1", "urand:34:1"};
    for (size_t s = 0; s < 2; s++) {
        sf_edge_list list;
        sf_error err;
        sf_edge_list_init(&list);
        list.narrow = true;
        uint64_t edges = strcmp(big[s], "kron:33:1") == 0 ? 1ull << 33 : 1ull << 34;
        cr_assert_eq(sf_generate_part(big[s], 9, 0, (int)(edges / 16), &list, &err), 0, "%s",
                     err.msg);
        cr_assert(!list.narrow && list.src, "%s: wide", big[s]);
        cr_assert_eq(list.count, 16);
        uint64_t bits = 0;
        for (uint64_t i = 0; i < list.count; i++)
            bits |= list.src[i] | list.dst[i];
        cr_assert_gt(bits, UINT32_MAX, "%s: some id past 2^32 in 16 edges", big[s]);
        sf_edge_list_fini(&list);
    }
}

Test(generators, bad_specs_are_rejected)
{
    static const char *bad[] = {
        "kron:",       "kron:x",     "kron:0",    "kron:41",    "kron:10:0",      "kron:10:",
        "kron:10:16:2", "kron:-3",   "kron: 5",   "kron:10x",   "kron:+5",        "kron:99999999999999999999999",
        "urand:",      "urand:0",    "urand:8:0", "urand:8:x",  "kron:40:4194305", "krone:5",
        "foo:5",       "",
    };
    for (size_t b = 0; b < sizeof bad / sizeof *bad; b++) {
        sf_edge_list list;
        sf_error err = {{0}};
        sf_edge_list_init(&list);
        int rc = sf_generate(bad[b], 1, &list, &err);
        cr_assert_eq(rc, SF_EUSAGE, "\"%s\": rc %d", bad[b], rc);
        cr_assert(strstr(err.msg, bad[b]) != NULL, "\"%s\": message \"%s\" does not name it", bad[b], err.msg);
        cr_assert(strchr(err.msg, '\n') == NULL, "\"%s\": message is not one line", bad[b]);
        cr_assert_eq(list.count, 0);
        sf_edge_list_fini(&list);
    }
    sf_edge_list list;
    sf_edge_list_init(&list);
    cr_assert_eq(sf_generate("kron:x", 1, &list, NULL), SF_EUSAGE, "err may be NULL");
    sf_edge_list_fini(&list);
}

Test(generators, spec_prefixes)
{
    cr_assert(sf_generator_spec("kron:20"));
    cr_assert(sf_generator_spec("urand:10:4"));
    cr_assert(sf_generator_spec("kron:"), "a malformed generator spec is still not a file");
    cr_assert_not(sf_generator_spec("graph.el"));
    cr_assert_not(sf_generator_spec("kron20"));
    cr_assert_not(sf_generator_spec("data/kron:20.el"));
    cr_assert_not(sf_generator_spec(""));
    cr_assert_not(sf_generator_spec(NULL));
}

Test(generators, kron_is_skewed_and_urand_is_not)
{
    const uint64_t seed = 99;
    sf_edge_list kron = generate("kron:14", seed), urand = generate("urand:14", seed);
    uint64_t n = kron.dense_vertices, mean = 2 * kron.count / n;

    uint64_t *kron_degree = degrees(&kron), *urand_degree = degrees(&urand);
    uint64_t kron_hub = argmax(kron_degree, n), urand_hub = argmax(urand_degree, n);
    cr_assert_gt(kron_degree[kron_hub], 50 * mean, "kron max degree %llu, mean %llu",
                 (unsigned long long)kron_degree[kron_hub], (unsigned long long)mean);
    cr_assert_lt(urand_degree[urand_hub], 3 * mean, "urand max degree %llu, mean %llu",
                 (unsigned long long)urand_degree[urand_hub], (unsigned long long)mean);
    /* Before relabelling the hub is vertex 0 (A is the largest quadrant);
     * the permutation moves it, and moves it where it says. */
    cr_assert_eq(kron_hub, sf_generator_permute(0, 14, seed));
    cr_assert_neq(kron_hub, 0);

    free(kron_degree);
    free(urand_degree);
    sf_edge_list_fini(&kron);
    sf_edge_list_fini(&urand);
}

/* ---- differential check against a per-level reference ----------------- */

static uint64_t reference_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Graph500/GAP style: one uniform double per level picks the quadrant. No
 * relabelling: the statistics compared below do not depend on it. */
static void reference_kron(unsigned scale, uint64_t edges, uint64_t seed, uint64_t *src, uint64_t *dst)
{
    const double a = 0.57, b = 0.19, c = 0.19;
    uint64_t state = seed;
    for (uint64_t i = 0; i < edges; i++) {
        uint64_t u = 0, v = 0;
        for (unsigned level = 0; level < scale; level++) {
            double r = (double)(reference_next(&state) >> 11) * 0x1p-53;
            u = 2 * u + (r >= a + b);
            v = 2 * v + ((r >= a && r < a + b) || r >= a + b + c);
        }
        src[i] = u;
        dst[i] = v;
    }
}

Test(generators, kron_matches_a_per_level_reference)
{
    const unsigned scale = 16;
    sf_edge_list kron = generate("kron:16", 5);
    sf_edge_list ref;
    sf_edge_list_init(&ref);
    cr_assert_eq(sf_edge_list_reserve(&ref, kron.count, false), 0);
    reference_kron(scale, kron.count, 5, ref.src, ref.dst);
    ref.count = kron.count;
    ref.dense_vertices = kron.dense_vertices;

    /* Duplicates and self-loops: what the graph builder will keep. */
    double kron_unique = (double)unique_undirected(kron.src, kron.dst, kron.count, scale) / (double)kron.count;
    double ref_unique = (double)unique_undirected(ref.src, ref.dst, ref.count, scale) / (double)ref.count;
    cr_assert(kron_unique > ref_unique - 0.003 && kron_unique < ref_unique + 0.003,
              "unique undirected fraction %.4f, reference %.4f", kron_unique, ref_unique);

    /* Degree distribution: hub degree and isolated vertices. */
    uint64_t *kron_degree = degrees(&kron), *ref_degree = degrees(&ref);
    uint64_t n = kron.dense_vertices, kron_isolated = 0, ref_isolated = 0;
    for (uint64_t v = 0; v < n; v++) {
        kron_isolated += kron_degree[v] == 0;
        ref_isolated += ref_degree[v] == 0;
    }
    double kron_max = (double)kron_degree[argmax(kron_degree, n)];
    double ref_max = (double)ref_degree[argmax(ref_degree, n)];
    cr_assert(kron_max > 0.97 * ref_max && kron_max < 1.03 * ref_max, "max degree %.0f, reference %.0f",
              kron_max, ref_max);
    cr_assert(kron_isolated > 0.97 * (double)ref_isolated && kron_isolated < 1.03 * (double)ref_isolated,
              "isolated vertices %llu, reference %llu", (unsigned long long)kron_isolated,
              (unsigned long long)ref_isolated);

    free(kron_degree);
    free(ref_degree);
    sf_edge_list_fini(&kron);
    sf_edge_list_fini(&ref);
}

/* ---- a part of a scale-32 graph ---------------------------------------- */

/* Part `part` of `parts` of spec, asked narrow or not. */
static sf_edge_list generate_part(const char *spec, uint64_t seed, int part, int parts,
                                  bool narrow)
{
    sf_edge_list list;
    sf_error err = {{0}};
    sf_edge_list_init(&list);
    list.narrow = narrow;
    int rc = sf_generate_part(spec, seed, part, parts, &list, &err);
    cr_assert_eq(rc, 0, "%s part %d of %d: rc %d: %s", spec, part, parts, rc, err.msg);
    return list;
}

/* kron:32:1 and urand:32:1 make 2^32 edges over ids up to 2^32 - 1, the
 * largest a narrow list holds; ranks take parts of them. The last of 4096
 * parts (2^20 edges, the stream's last counters): the same arcs narrow and
 * wide, every id below 2^32 and the top of the range reached, and the same
 * edges as the parts of another slicing (12289 parts, not aligned with
 * these, generated on 3 threads) that cover it. For Kronecker, the ids
 * whose every level was drawn by the initiator alone: the hub, the image of
 * vertex 0 (no level set: 0.76^32 per endpoint), is the most frequent id
 * and about as frequent as that says, and each image of 2^k (one level set:
 * 0.24 x 0.76^31) too, so every one of the 32 levels is drawn with the
 * Graph500 marginals. 2^20 edges: 16 MiB wide. */
Test(generators, a_part_of_scale_32_is_in_range_and_the_same_whatever_the_slicing, .timeout = 60)
{
    static const char *specs[] = {"kron:32:1", "urand:32:1"};
    const uint64_t seed = 11, all = 1ull << 32;
    const int parts = 4096, other_parts = 3 * 4096 + 1;
    int saved = omp_get_max_threads();
    for (size_t s = 0; s < 2; s++) {
        const char *spec = specs[s];
        sf_edge_list wide = generate_part(spec, seed, parts - 1, parts, false);
        sf_edge_list narrow = generate_part(spec, seed, parts - 1, parts, true);
        const uint64_t m = all / parts, first = all - m;
        cr_assert_eq(wide.count, m, "%s: %llu edges", spec, (unsigned long long)wide.count);
        cr_assert(narrow.narrow && !wide.narrow, "%s: narrow exactly when asked", spec);
        cr_assert_eq(narrow.count, m);
        cr_assert_eq(wide.dense_vertices, all, "%s", spec);
        uint64_t largest = 0;
        for (uint64_t i = 0; i < m; i++) {
            cr_assert(narrow.src32[i] == wide.src[i] && narrow.dst32[i] == wide.dst[i],
                      "%s: arc %llu narrow %u %u, wide %llu %llu", spec, (unsigned long long)i,
                      narrow.src32[i], narrow.dst32[i], (unsigned long long)wide.src[i],
                      (unsigned long long)wide.dst[i]);
            cr_assert(wide.src[i] < all && wide.dst[i] < all, "%s: arc %llu: %llu %llu", spec,
                      (unsigned long long)i, (unsigned long long)wide.src[i],
                      (unsigned long long)wide.dst[i]);
            largest = wide.src[i] > largest ? wide.src[i] : largest;
            largest = wide.dst[i] > largest ? wide.dst[i] : largest;
        }
        /* 2^21 ids spread over 2^32: the largest misses the top by about 2^11 */
        cr_assert_gt(largest, all - (1ull << 20), "%s: largest id %llu", spec,
                     (unsigned long long)largest);
        sf_edge_list_fini(&narrow);

        omp_set_num_threads(3);
        for (int q = (int)((unsigned __int128)first * other_parts / all); q < other_parts; q++) {
            uint64_t q_first = sf_part_first(all, q, other_parts);
            sf_edge_list other = generate_part(spec, seed, q, other_parts, false);
            cr_assert_eq(other.count,
                         sf_part_first(all, q + 1, other_parts) - q_first,
                         "%s: part %d of %d", spec, q, other_parts);
            for (uint64_t i = 0; i < other.count; i++) {
                uint64_t at = q_first + i;
                if (at < first)
                    continue;
                cr_assert(other.src[i] == wide.src[at - first] &&
                              other.dst[i] == wide.dst[at - first],
                          "%s: edge %llu differs in part %d of %d", spec, (unsigned long long)at,
                          q, other_parts);
            }
            sf_edge_list_fini(&other);
        }
        omp_set_num_threads(saved);

        if (strncmp(spec, "kron:", 5) == 0) {
            uint64_t *ends = malloc(2 * m * sizeof *ends);
            cr_assert_not_null(ends);
            memcpy(ends, wide.src, m * sizeof *ends);
            memcpy(ends + m, wide.dst, m * sizeof *ends);
            qsort(ends, 2 * m, sizeof *ends, compare_u64);
            uint64_t most = 0, most_id = 0;
            for (uint64_t i = 0, run = 1; i < 2 * m; i++, run++)
                if (i + 1 == 2 * m || ends[i + 1] != ends[i]) {
                    if (run > most)
                        most = run, most_id = ends[i];
                    run = 0;
                }
            free(ends);
            uint64_t hub = sf_generator_permute(0, 32, seed);
            cr_assert_eq(most_id, hub, "%s: the most frequent id is %llu, not the hub %llu", spec,
                         (unsigned long long)most_id, (unsigned long long)hub);
            double endpoints = 2.0 * (double)m, expected = endpoints * pow(0.76, 32);
            cr_assert(most > 0.7 * expected && most < 1.3 * expected,
                      "%s: the hub is %llu endpoints of %.0f, expected about %.0f", spec,
                      (unsigned long long)most, endpoints, expected);
            uint64_t image[32], count[32] = {0};
            for (unsigned k = 0; k < 32; k++)
                image[k] = sf_generator_permute(1ull << k, 32, seed);
            for (uint64_t i = 0; i < m; i++)
                for (unsigned k = 0; k < 32; k++) {
                    count[k] += wide.src[i] == image[k];
                    count[k] += wide.dst[i] == image[k];
                }
            expected = endpoints * 0.24 * pow(0.76, 31);
            for (unsigned k = 0; k < 32; k++)
                cr_assert(count[k] > 0.5 * expected && count[k] < 1.5 * expected,
                          "%s: the image of 2^%u is %llu endpoints, expected about %.0f", spec, k,
                          (unsigned long long)count[k], expected);
        }
        sf_edge_list_fini(&wide);
    }
}
