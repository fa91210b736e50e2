/* Graph generators (Graph500 Kronecker, uniform random) that give the same
 * edge list whatever the number of threads. The one idea: a counter-based
 * RNG. Every random number is a hash of the seed and its position -- edge
 * index times draws per edge plus draw index, i.e. splitmix64 jumped to that
 * position -- so an edge depends on (seed, i) alone, never on what a thread
 * drew before it, and a plain `omp parallel for` over edges is
 * deterministic. Kronecker levels are drawn six at a time from one hash
 * (alias method), and vertex ids are relabelled by a bijection computed per
 * vertex, so nothing in the generator is sequential. */
#include "datasets/generators.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/dist.h"
#include "engine/parallel.h"

#define GOLDEN 0x9e3779b97f4a7c15ull /* splitmix64's increment: 2^64 / phi */

/* Domain constants, so that the edge stream of a seed and its permutation
 * keys are unrelated hashes of that seed. */
#define DOMAIN_KRON 0x6b726f6e65646765ull
#define DOMAIN_URAND 0x7572616e64656467ull
#define DOMAIN_PERM 0x7065726d75746531ull

#define MAX_SCALE 40
#define DEFAULT_EDGE_FACTOR 16

static inline uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* The key of one random stream: a hash of the seed in one domain. Draw k of
 * the stream is mix64(key + (k + 1) * GOLDEN), the k-th output of splitmix64
 * started at key, which is what makes any draw computable on its own. */
static uint64_t stream_key(uint64_t seed, uint64_t domain)
{
    return mix64(mix64(seed ^ domain) + GOLDEN);
}

/* ---- vertex permutation ---------------------------------------------- */

/* A murmur-style finaliser kept to SCALE bits; every step is a bijection on
 * SCALE-bit integers: x += key (mod 2^scale); x ^= x >> shift, shift >= 1
 * (the top `shift` bits are unchanged, so the rest can be recovered top
 * down); x *= odd (mod 2^scale). Multiplication carries low bits up and the
 * xor-shift carries high bits down, so two rounds spread every input bit
 * over the output. Key and multipliers come from the seed. */
typedef struct permutation {
    uint64_t mask;
    unsigned shift; /* 1 when scale is 1: x >> 1 is then 0, a no-op */
    uint64_t add, mult[2];
} permutation;

static void permutation_init(permutation *p, unsigned scale, uint64_t seed)
{
    uint64_t key = stream_key(seed, DOMAIN_PERM);
    p->mask = scale >= 64 ? ~0ull : (1ull << scale) - 1;
    p->shift = (scale + 1) / 2;
    p->add = mix64(key + GOLDEN) & p->mask;
    p->mult[0] = (mix64(key + 2 * GOLDEN) | 1) & p->mask;
    p->mult[1] = (mix64(key + 3 * GOLDEN) | 1) & p->mask;
}

/* x below 2^scale. A sum or product is masked before the next right shift,
 * which would otherwise pull the bits above `scale` back down. */
static inline uint64_t permutation_apply(const permutation *p, uint64_t x)
{
    x = (x + p->add) & p->mask;
    x ^= x >> p->shift;
    x = (x * p->mult[0]) & p->mask;
    x ^= x >> p->shift;
    x = (x * p->mult[1]) & p->mask;
    return x ^ (x >> p->shift);
}

uint64_t sf_generator_permute(uint64_t vertex, unsigned scale, uint64_t seed)
{
    permutation p;
    permutation_init(&p, scale, seed);
    return permutation_apply(&p, vertex);
}

/* ---- generators ------------------------------------------------------ */

/* Kronecker (R-MAT with the Graph500 initiator): at each of SCALE levels the
 * edge falls in quadrant (0,0) with probability A, (0,1) B, (1,0) C, (1,1) D,
 * which sets that level's bit of src and dst. Levels are independent, so
 * KRON_GROUP of them at a time are one draw from the 4^KRON_GROUP joint
 * outcomes -- the same distribution as per-level draws, with a sixth of the
 * hashing, which is what the generator's time goes to. Each joint draw is
 * one 64-bit hash read by Walker's alias method: the top 2*KRON_GROUP bits
 * pick a bucket, the other KRON_FRAC_BITS are a uniform fraction that says
 * whether to keep the bucket's own outcome or take its alias. The table is
 * built in exact integer arithmetic from the weights 57:19:19:5, so it is
 * the same on every machine and compiler (no floating point rounding). */
#define KRON_GROUP 6
#define KRON_OUTCOMES (1u << (2 * KRON_GROUP))
#define KRON_FRAC_BITS (64 - 2 * KRON_GROUP)
#define KRON_PART_MASK ((1u << KRON_GROUP) - 1)

/* Outcome o of a group: src bits o >> KRON_GROUP, dst bits o & KRON_PART_MASK. */
typedef struct kron_bucket {
    uint64_t keep;       /* take outcome[0] when the fraction is below this */
    uint32_t outcome[2]; /* the bucket's own outcome, its alias */
} kron_bucket;

typedef struct kron_sampler {
    kron_bucket bucket[KRON_OUTCOMES];
    uint64_t weight[KRON_OUTCOMES];
    uint16_t small[KRON_OUTCOMES], large[KRON_OUTCOMES];
} kron_sampler;

static void kron_sampler_init(kron_sampler *ks)
{
    /* Graph500 initiator per hundred, indexed by (src bit, dst bit). */
    static const uint64_t level_weight[4] = {57, 19, 19, 5};
    uint64_t capacity = 1; /* every bucket holds the total weight of one group, 100^KRON_GROUP */
    for (unsigned l = 0; l < KRON_GROUP; l++)
        capacity *= 100;

    /* Vose's construction on weights scaled by the bucket count, so that
     * they sum to KRON_OUTCOMES * capacity: fill each under-full bucket
     * with its own outcome and top it up from an over-full one. */
    unsigned num_small = 0, num_large = 0;
    for (unsigned o = 0; o < KRON_OUTCOMES; o++) {
        uint64_t w = KRON_OUTCOMES;
        for (unsigned l = 0; l < KRON_GROUP; l++) {
            unsigned src_bit = (o >> (KRON_GROUP + l)) & 1, dst_bit = (o >> l) & 1;
            w *= level_weight[2 * src_bit + dst_bit];
        }
        ks->weight[o] = w;
        ks->bucket[o].outcome[0] = ks->bucket[o].outcome[1] = o;
        if (w < capacity)
            ks->small[num_small++] = (uint16_t)o;
        else
            ks->large[num_large++] = (uint16_t)o;
    }
    while (num_small && num_large) {
        unsigned s = ks->small[--num_small], l = ks->large[--num_large];
        ks->bucket[s].outcome[1] = l;
        ks->weight[l] -= capacity - ks->weight[s];
        if (ks->weight[l] < capacity)
            ks->small[num_small++] = (uint16_t)l;
        else
            ks->large[num_large++] = (uint16_t)l;
    }
    /* Integer arithmetic leaves every remaining bucket exactly full
     * (weight == capacity), kept whole. Threshold: weight / capacity as a
     * KRON_FRAC_BITS-bit fraction, rounded up. */
    for (unsigned o = 0; o < KRON_OUTCOMES; o++) {
        unsigned __int128 scaled = (unsigned __int128)ks->weight[o] << KRON_FRAC_BITS;
        ks->bucket[o].keep = (uint64_t)((scaled + capacity - 1) / capacity);
    }
}

/* Branch-free: the choice is a coin flip a branch predictor would miss. */
static inline unsigned kron_outcome(const kron_sampler *ks, uint64_t hash)
{
    const kron_bucket *b = &ks->bucket[hash >> KRON_FRAC_BITS];
    uint64_t fraction = hash & ((1ull << KRON_FRAC_BITS) - 1);
    return b->outcome[fraction >= b->keep];
}

/* Edges [first, first + edges) of the stream into out's arcs 0..edges, in
 * its form (sf_edge_list_set: 32-bit ids when out is narrow). */
static void generate_kron(unsigned scale, uint64_t first, uint64_t edges, uint64_t seed,
                          const kron_sampler *restrict ks, sf_edge_list *out)
{
    const unsigned full_groups = scale / KRON_GROUP, rest = scale % KRON_GROUP;
    const uint64_t draws = full_groups + (rest != 0);
    const uint64_t key = stream_key(seed, DOMAIN_KRON);
    permutation perm;
    permutation_init(&perm, scale, seed);

    /* firstprivate: a copy per thread stays in registers across the stores */
#pragma omp parallel for schedule(static) firstprivate(perm)
    for (uint64_t i = 0; i < edges; i++) {
        uint64_t state = key + (first + i) * draws * GOLDEN;
        uint64_t u = 0, v = 0;
        for (unsigned g = 0; g < full_groups; g++) {
            state += GOLDEN;
            unsigned o = kron_outcome(ks, mix64(state));
            u = (u << KRON_GROUP) | (o >> KRON_GROUP);
            v = (v << KRON_GROUP) | (o & KRON_PART_MASK);
        }
        if (rest) {
            /* the first `rest` levels of a group: its marginal is exact */
            state += GOLDEN;
            unsigned o = kron_outcome(ks, mix64(state));
            u = (u << rest) | ((o >> KRON_GROUP) >> (KRON_GROUP - rest));
            v = (v << rest) | ((o & KRON_PART_MASK) >> (KRON_GROUP - rest));
        }
        sf_edge_list_set(out, i, permutation_apply(&perm, u), permutation_apply(&perm, v));
    }
}

/* Uniform: two draws per edge, each masked to SCALE bits. */
static void generate_urand(unsigned scale, uint64_t first, uint64_t edges, uint64_t seed,
                           sf_edge_list *out)
{
    const uint64_t mask = (1ull << scale) - 1;
    const uint64_t key = stream_key(seed, DOMAIN_URAND);

#pragma omp parallel for schedule(static)
    for (uint64_t i = 0; i < edges; i++) {
        uint64_t state = key + 2 * (first + i) * GOLDEN;
        /* the high bits of the hash are the best mixed */
        sf_edge_list_set(out, i, (mix64(state + GOLDEN) >> 24) & mask,
                         (mix64(state + 2 * GOLDEN) >> 24) & mask);
    }
}

/* ---- spec parsing ---------------------------------------------------- */

/* Parses a run of decimal digits at *p (no sign, no blanks) and advances p.
 * Returns false when there are no digits or the value overflows. */
static bool parse_decimal(const char **p, uint64_t *value)
{
    const char *s = *p;
    uint64_t x = 0;
    if (*s < '0' || *s > '9')
        return false;
    for (; *s >= '0' && *s <= '9'; s++) {
        unsigned digit = (unsigned)(*s - '0');
        if (x > (UINT64_MAX - digit) / 10)
            return false;
        x = 10 * x + digit;
    }
    *p = s;
    *value = x;
    return true;
}

enum generator { GEN_KRON, GEN_URAND };

static const char *generator_prefix(const char *spec, enum generator *kind)
{
    if (strncmp(spec, "kron:", 5) == 0) {
        *kind = GEN_KRON;
        return spec + 5;
    }
    if (strncmp(spec, "urand:", 6) == 0) {
        *kind = GEN_URAND;
        return spec + 6;
    }
    return NULL;
}

bool sf_generator_spec(const char *spec)
{
    enum generator kind;
    return spec && generator_prefix(spec, &kind) != NULL;
}

int sf_generate(const char *spec, uint64_t seed, sf_edge_list *out, sf_error *err)
{
    return sf_generate_part(spec, seed, 0, 1, out, err);
}

int sf_generate_part(const char *spec, uint64_t seed, int part, int parts, sf_edge_list *out,
                     sf_error *err)
{
    enum generator kind;
    const char *p = spec ? generator_prefix(spec, &kind) : NULL;
    if (!p)
        return sf_error_set(err, SF_EUSAGE, "%s: unknown generator (expected kron:SCALE[:EDGEFACTOR] "
                            "or urand:SCALE[:DEGREE])", spec ? spec : "(null)");
    const char *form = kind == GEN_KRON ? "kron:SCALE[:EDGEFACTOR]" : "urand:SCALE[:DEGREE]";

    uint64_t scale, edge_factor = DEFAULT_EDGE_FACTOR;
    if (!parse_decimal(&p, &scale))
        return sf_error_set(err, SF_EUSAGE, "%s: bad generator spec, expected %s", spec, form);
    if (*p == ':') {
        p++;
        if (!parse_decimal(&p, &edge_factor))
            return sf_error_set(err, SF_EUSAGE, "%s: bad generator spec, expected %s", spec, form);
    }
    if (*p != '\0')
        return sf_error_set(err, SF_EUSAGE, "%s: bad generator spec, unexpected \"%s\" (expected %s)",
                            spec, p, form);
    if (scale < 1 || scale > MAX_SCALE)
        return sf_error_set(err, SF_EUSAGE, "%s: scale must be in 1..%d", spec, MAX_SCALE);
    if (edge_factor < 1)
        return sf_error_set(err, SF_EUSAGE, "%s: %s must be at least 1", spec,
                            kind == GEN_KRON ? "edge factor" : "degree");
    /* Keep the byte count of each array representable: at most 2^60 edges. */
    if (edge_factor > (1ull << 60) >> scale)
        return sf_error_set(err, SF_EUSAGE, "%s: too many edges (%llu x 2^%llu)", spec,
                            (unsigned long long)edge_factor, (unsigned long long)scale);
    if (out->count != 0)
        return sf_error_set(err, SF_EUSAGE, "%s: the edge list to fill is not empty", spec);

    uint64_t all_edges = edge_factor << scale;
    uint64_t first = sf_part_first(all_edges, part, parts);
    uint64_t edges = sf_part_first(all_edges, part + 1, parts) - first;
    out->narrow = out->narrow && scale <= 32; /* ids below 2^scale */
    /* the list, 8 bytes an edge (narrow) or 16, for every rank on this node
     * (a part each): a scale can ask for more than the machine has */
    char words[128];
    if (sf_beyond_memory((double)edges * (out->narrow ? 8 : 16) * sf_dist_local_size(), words,
                         sizeof words))
        return sf_error_set(err, SF_EUSAGE, "%s: %llu edges need %s", spec,
                            (unsigned long long)edges, words);
    int rc = sf_edge_list_reserve(out, edges ? edges : 1, false);
    if (rc)
        return sf_error_set(err, rc, "%s: out of memory for %llu edges", spec,
                            (unsigned long long)edges);

    if (kind == GEN_KRON) {
        kron_sampler *ks = malloc(sizeof *ks);
        if (!ks)
            return sf_error_set(err, -ENOMEM, "%s: out of memory", spec);
        kron_sampler_init(ks);
        generate_kron((unsigned)scale, first, edges, seed, ks, out);
        free(ks);
    } else {
        generate_urand((unsigned)scale, first, edges, seed, out);
    }

    out->count = edges;
    out->dense_vertices = 1ull << scale;
    out->declared_directed = 0;
    return 0;
}
