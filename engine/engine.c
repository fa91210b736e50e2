/* Workers, pinning, shards and where their memory lives. Workers are the
 * threads of one OpenMP team of fixed size; libgomp keeps a team's threads
 * alive between parallel regions, so each thread binds itself to its PU
 * once, when an engine is created, and keeps that binding for every later
 * region. The plan (topology.c) gives OpenMP thread w the same PU whatever
 * the thread count, so engines of several sizes in one process (`shardflow
 * bench`) agree on where each thread runs.
 *
 * Memory follows the plan: every vertex array is mapped untouched, each
 * node's part bound to its node (numa.c), then zeroed by the owning
 * workers; a few sampled pages are read back to say in the run record
 * whether the OS did as asked. Binding is tried once, at creation, on one
 * probe page per node: where the OS refuses it (a container without
 * CAP_SYS_NICE, a cpuset), the engine warns once and runs on first touch. */
#include "engine.h"
#include "numa.h"
#include "parallel.h"
#include "tiles.h"
#include "topology.h"

#include <hwloc.h>
#include <omp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define DEFAULT_SHARDS_PER_WORKER 4
#define SHARD_ALIGN 64 /* vertices: one bitmap word, whole cache lines */
#define MAX_WORKERS 4096
#define SPARE_ARRAYS 16 /* vertex arrays kept mapped after sf_engine_free */
#define CHECK_SAMPLES 8 /* pages read back per node of each new vertex array */
#define NEXT_STRIDE 16  /* ints: one cache line per worker's claim counter */

struct sf_engine {
    hwloc_topology_t topology;
    bool synthetic;             /* not this machine: plan only, bind nothing */
    sf_numa_policy policy;
    int threads;
    sf_plan plan;
    hwloc_nodeset_t used_nodes; /* nodes with workers */
    bool bound;                 /* every worker bound to its PU */
    bool unbound_on_purpose;    /* --numa=off or --no-pin on this machine */
    char binding_note[256];
    char restricted_note[128];  /* planned within the process's binding */
    int rebinds_refused;        /* later bindings of new pool threads refused */

    bool membind_ok;            /* memory binding asked for and allowed */
    bool membind_refused;
    char memory_note[192];
    char graph_note[128];
    bool verifiable;            /* the OS says where pages are */
    uint64_t pages_checked, pages_on_node;
    sf_numa_arenas arenas;

    const sf_graph *graph;
    sf_shard *shards;           /* cut by the last attach: the plan's (attached_shards) */
    int *next_shard;            /* per worker, padded: next unclaimed own shard */
    void *spare[SPARE_ARRAYS];  /* freed vertex arrays kept for reuse */
    sf_tiled_arcs *tiled_in_arcs; /* built on first use for the attached graph */
    struct sf_dist_graph *dist;  /* distributed runs: this rank's part */
};

/* Process-wide facts. Engines are created, attached and destroyed by one
 * thread (the one that owns the OpenMP team), so plain variables do. */
static bool warned;             /* the one binding warning has been printed */
static struct {
    const sf_graph *graph;      /* the graph whose arrays were last moved */
    const sf_engine *by;        /* by this engine, still alive */
} placed_graph;

static void unmap_array(void *array);

static const char *const policy_names[] = {"local", "interleave", "off"};

const char *sf_numa_policy_name(sf_numa_policy p)
{
    return p >= SF_NUMA_LOCAL && p <= SF_NUMA_OFF ? policy_names[p] : "unknown";
}

bool sf_numa_policy_parse(const char *name, sf_numa_policy *out)
{
    for (int p = SF_NUMA_LOCAL; p <= SF_NUMA_OFF; p++)
        if (strcmp(name, policy_names[p]) == 0) {
            *out = (sf_numa_policy)p;
            return true;
        }
    return false;
}

static void note(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void note(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, n, fmt, ap);
    va_end(ap);
}

/* ---- topology ------------------------------------------------------------- */

static void restrict_to_binding(sf_engine *e);

static int load_topology(sf_engine *e, const char *spec, sf_error *err)
{
    if (hwloc_topology_init(&e->topology) != 0) {
        e->topology = NULL;
        return sf_error_set(err, -ENOMEM, "out of memory reading the topology");
    }
    if (spec) {
        bool file = strchr(spec, '/') || strstr(spec, ".xml") || access(spec, F_OK) == 0;
        if (file && access(spec, R_OK) != 0)
            return sf_error_set(err, SF_EINPUT, "--topology %s: %s", spec, strerror(errno));
        if (file ? hwloc_topology_set_xml(e->topology, spec) != 0
                 : hwloc_topology_set_synthetic(e->topology, spec) != 0) {
            if (file)
                return sf_error_set(err, SF_EINPUT, "--topology %s: not an hwloc XML topology", spec);
            return sf_error_set(err, SF_EUSAGE,
                                "--topology '%s': neither a file nor an hwloc synthetic "
                                "description such as 'pack:2 numa:1 core:4 pu:2'", spec);
        }
    }
    if (hwloc_topology_load(e->topology) != 0) {
        if (spec)
            return sf_error_set(err, SF_EINPUT, "--topology %s: hwloc could not load it", spec);
        return sf_error_set(err, SF_EINPUT, "hwloc could not read the machine's topology");
    }
    e->synthetic = !hwloc_topology_is_thissystem(e->topology);
    restrict_to_binding(e);
    return 0;
}

static hwloc_const_nodeset_t node_nodeset(const sf_engine *e, int n)
{
    hwloc_obj_t node = hwloc_get_obj_by_type(e->topology, HWLOC_OBJ_NUMANODE, n);
    return node && node->nodeset ? node->nodeset : hwloc_topology_get_topology_nodeset(e->topology);
}

/* ---- binding the workers ---------------------------------------------------- */

/* The OpenMP runtime's own binding, as the user asked for it ("" if none). */
static void openmp_binding(char *buf, size_t n)
{
    buf[0] = 0;
    if (omp_get_proc_bind() == omp_proc_bind_false)
        return;
    static const char *const vars[] = {"OMP_PROC_BIND", "OMP_PLACES", "GOMP_CPU_AFFINITY"};
    size_t len = 0;
    for (size_t i = 0; i < sizeof vars / sizeof *vars && len < n; i++) {
        const char *value = getenv(vars[i]);
        if (value)
            len += snprintf(buf + len, n - len, "%s%s=%s", len ? " " : "", vars[i], value);
    }
    if (!buf[0])
        snprintf(buf, n, "OpenMP's default binding");
}

/* Where the calling thread was last put by an engine: a PU's logical
 * index, BOUND_ORIGINAL (the binding the process started with) or
 * BOUND_UNKNOWN (no engine has placed it yet).
 *
 * libgomp ends the threads a smaller team leaves over and starts new ones
 * when a larger team is needed again, and a new thread inherits the
 * binding of the thread that starts it, the master. So a binding done once
 * does not last: `shardflow bench` alternating 16, 4 and 16 workers would
 * run twelve of the sixteen on the master's core. Instead every thread of
 * every engine region checks that it is where the engine wants it (a
 * thread-local compare when nothing changed), and the master gives its
 * core back at the end of each region, so that threads started for other
 * regions (loading, building) inherit the process's own binding rather
 * than one core. */
#define BOUND_UNKNOWN -1
#define BOUND_ORIGINAL -2
static __thread int thread_bound = BOUND_UNKNOWN;
static hwloc_bitmap_t original_binding; /* the creating thread's, before any engine */

static void save_original_binding(sf_engine *e)
{
    if (original_binding || e->synthetic)
        return;
    original_binding = hwloc_bitmap_alloc();
    if (original_binding &&
        hwloc_get_cpubind(e->topology, original_binding, HWLOC_CPUBIND_THREAD) != 0)
        hwloc_bitmap_copy(original_binding, hwloc_topology_get_allowed_cpuset(e->topology));
}

/* A process started bound to some of the machine's PUs (taskset, numactl,
 * `mpirun --bind-to core --map-by slot:PE=4`: one rank per few cores)
 * plans and pins its workers within them, not over the whole machine:
 * several ranks of one node would otherwise all pin to its first cores. */
static void restrict_to_binding(sf_engine *e)
{
    if (e->synthetic)
        return;
    save_original_binding(e);
    hwloc_const_cpuset_t allowed = hwloc_topology_get_allowed_cpuset(e->topology);
    if (!original_binding || hwloc_bitmap_isincluded(allowed, original_binding))
        return;
    hwloc_bitmap_t set = hwloc_bitmap_dup(original_binding);
    if (set) {
        hwloc_bitmap_and(set, set, allowed);
        if (!hwloc_bitmap_iszero(set) &&
            hwloc_topology_restrict(e->topology, set, HWLOC_RESTRICT_FLAG_REMOVE_CPULESS) == 0) {
            char list[96];
            hwloc_bitmap_list_snprintf(list, sizeof list, set);
            note(e->restricted_note, sizeof e->restricted_note,
                 "within the PUs the process is bound to (P#%s)", list);
        }
        hwloc_bitmap_free(set);
    }
}

/* Binds the calling thread to PU want (or BOUND_ORIGINAL); 0 or the errno
 * of the refusal. A refusal is remembered too: it is not retried. */
static int bind_thread(sf_engine *e, int want)
{
    hwloc_const_cpuset_t set =
        want == BOUND_ORIGINAL ? original_binding
                               : hwloc_get_obj_by_type(e->topology, HWLOC_OBJ_PU, want)->cpuset;
    int error = 0;
    errno = 0;
    if (!set || hwloc_set_cpubind(e->topology, set, HWLOC_CPUBIND_THREAD) != 0)
        error = errno ? errno : EINVAL;
    thread_bound = want;
    return error;
}

/* At the start of an engine region: worker w onto its PU, or back to the
 * process's binding for an engine that runs unbound on purpose. */
static inline void keep_binding(sf_engine *e, int w)
{
    int want = e->bound ? e->plan.worker_pu[w] : e->unbound_on_purpose ? BOUND_ORIGINAL
                                                                       : thread_bound;
    if (want != thread_bound && bind_thread(e, want))
        __atomic_add_fetch(&e->rebinds_refused, 1, __ATOMIC_RELAXED);
}

/* At the end of an engine region, on the master. */
static inline void release_master(sf_engine *e)
{
    if (thread_bound >= 0 && bind_thread(e, BOUND_ORIGINAL))
        __atomic_add_fetch(&e->rebinds_refused, 1, __ATOMIC_RELAXED);
}

/* Every thread of a team of e's size where e wants it (or, want_original,
 * back to the process's binding); returns how many were refused and the
 * errno of the first refusal. */
static int bind_team(sf_engine *e, bool want_original, int *error)
{
    int failures = 0;
    *error = 0;
#pragma omp parallel num_threads(e->threads) reduction(+ : failures)
    {
        int w = omp_get_thread_num();
        int rc = bind_thread(e, want_original ? BOUND_ORIGINAL : e->plan.worker_pu[w]);
        if (rc) {
            failures++;
            int expected = 0;
            __atomic_compare_exchange_n(error, &expected, rc, false, __ATOMIC_RELAXED,
                                        __ATOMIC_RELAXED);
        }
    }
    return failures;
}

static hwloc_const_cpuset_t worker_cpuset(const sf_engine *e, int w)
{
    return hwloc_get_obj_by_type(e->topology, HWLOC_OBJ_PU, e->plan.worker_pu[w])->cpuset;
}

/* Binds each worker to its PU, then checks in a second region that every
 * thread is still where it was put (an OpenMP runtime that rebinds threads
 * per region would fight us; libgomp does not). Returns the errno of a
 * refusal, or 0. */
static int pin_workers(sf_engine *e, bool no_pin)
{
    char omp[160];
    openmp_binding(omp, sizeof omp);
    e->bound = false;
    save_original_binding(e);
    if (e->policy == SF_NUMA_OFF || no_pin) {
        e->unbound_on_purpose = !e->synthetic; /* its regions unbind the threads */
        note(e->binding_note, sizeof e->binding_note, "not bound (%s)%s%s",
             no_pin ? "--no-pin" : "--numa=off", omp[0] ? "; OpenMP binds its threads: " : "", omp);
        return 0;
    }
    if (e->synthetic) {
        note(e->binding_note, sizeof e->binding_note,
             "not bound: the topology is not this machine's");
        return 0;
    }
    int moved = 0, error, ignored;
    int failures = bind_team(e, false, &error);
    if (failures) {
        bind_team(e, true, &ignored);
        note(e->binding_note, sizeof e->binding_note,
             "binding refused for %d of %d workers (%s); running unbound", failures, e->threads,
             strerror(error));
        return error;
    }
#pragma omp parallel num_threads(e->threads) reduction(+ : moved)
    {
        hwloc_cpuset_t now = hwloc_bitmap_alloc();
        if (!now || hwloc_get_cpubind(e->topology, now, HWLOC_CPUBIND_THREAD) != 0 ||
            !hwloc_bitmap_isequal(now, worker_cpuset(e, omp_get_thread_num())))
            moved++;
        hwloc_bitmap_free(now);
    }
    release_master(e);
    if (moved) {
        note(e->binding_note, sizeof e->binding_note,
             "%d of %d workers not on their PU after pinning%s%s", moved, e->threads,
             omp[0] ? " (OpenMP binds its threads: " : "", omp[0] ? omp : "");
        if (omp[0])
            strncat(e->binding_note, ")", sizeof e->binding_note - strlen(e->binding_note) - 1);
        return 0;
    }
    e->bound = true;
    /* past the PUs the deal starts over on the first cores (sf_plan_init):
     * then some workers share a PU, and the note says so */
    char how[96];
    if (e->threads <= e->plan.num_cores)
        snprintf(how, sizeof how, "one worker per core");
    else if (e->threads <= e->plan.num_pus)
        snprintf(how, sizeof how, "one worker per PU (more workers than cores)");
    else
        snprintf(how, sizeof how, "%d workers on %d PUs: workers share PUs", e->threads,
                 e->plan.num_pus);
    note(e->binding_note, sizeof e->binding_note, "%s%s%s%s%s", how,
         e->restricted_note[0] ? " " : "", e->restricted_note, omp[0] ? "; overrides " : "", omp);
    return 0;
}

/* ---- binding memory ----------------------------------------------------------- */

/* Tries to bind one page per node used and reads them back. */
static int probe_membind(sf_engine *e)
{
    e->membind_ok = false;
    e->verifiable = !e->synthetic;
    if (e->policy == SF_NUMA_OFF) {
        note(e->memory_note, sizeof e->memory_note,
             "not bound (--numa=off): pages go where they are first touched");
        return 0;
    }
    if (e->synthetic) {
        note(e->memory_note, sizeof e->memory_note,
             "not bound: the topology is not this machine's");
        return 0;
    }
    int used = hwloc_bitmap_weight(e->used_nodes), n = 0;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t *cuts = malloc((used + 1) * sizeof *cuts);
    hwloc_const_nodeset_t *sets = malloc(used * sizeof *sets);
    char *map = mmap(NULL, used * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int rc = -ENOMEM;
    if (!cuts || !sets || map == MAP_FAILED)
        goto out;
    for (int node = 0; node < e->plan.num_nodes; node++)
        if (sf_plan_node_workers(&e->plan, node)) {
            cuts[n] = n * page;
            sets[n++] = node_nodeset(e, node);
        }
    cuts[used] = used * page;
    sf_numa_layout l = {.base = map, .bytes = used * page, .parts = used, .cuts = cuts,
                        .nodesets = sets, .granule = page};
    rc = sf_numa_bind(e->topology, &l, false, false);
    if (rc == 0) {
        memset(map, 1, used * page);
        uint64_t checked = 0, on_node = 0;
        e->verifiable = sf_numa_check(e->topology, &l, 1, &checked, &on_node) == 0;
        e->membind_ok = true;
        note(e->memory_note, sizeof e->memory_note, "%s%s",
             e->policy == SF_NUMA_LOCAL ? "bound to the nodes of the shards"
                                        : "interleaved over the nodes used",
             on_node < checked ? " (but a probe page landed on another node)" : "");
    }
out:
    if (rc) {
        e->membind_refused = true;
        note(e->memory_note, sizeof e->memory_note,
             "binding refused (%s): pages go where the owning workers first touch them",
             strerror(-rc));
    }
    free(cuts);
    free(sets);
    if (map != MAP_FAILED)
        munmap(map, used * page);
    return rc;
}

/* The shape of an array over the vertices: where vertex v's part starts. */
struct shape {
    size_t elem_size;
    const sf_eid *offsets;      /* CSR-like: v's elements start at offsets[v]; NULL: at v */
    bool bits;                  /* a bitmap: v's bit is in 64-bit word v / 64 */
    bool uninit;                /* recycled arrays keep their old contents */
};

static size_t shape_offset(const struct shape *s, uint64_t v)
{
    if (s->bits)
        return (v + 63) / 64 * sizeof(uint64_t);
    return (s->offsets ? s->offsets[v] : v) * s->elem_size;
}

/* The shards the last attach cut: the plan's count, none before one. */
static int attached_shards(const sf_engine *e)
{
    return e->graph ? e->plan.num_shards : 0;
}

static uint64_t node_first_vertex(const sf_engine *e, int n)
{
    int i = e->plan.node_first_shard[n];
    return i < attached_shards(e) ? e->shards[i].begin : e->graph->num_vertices;
}

/* The layout of an array by node (or one part over the nodes used, for
 * interleaving); cuts and sets must hold num_nodes + 1 and num_nodes. */
static sf_numa_layout layout_of(const sf_engine *e, char *base, size_t bytes, const struct shape *s,
                                bool huge, bool interleave, size_t *cuts,
                                hwloc_const_nodeset_t *sets)
{
    sf_numa_layout l = {.base = base, .bytes = bytes, .cuts = cuts, .nodesets = sets,
                        .granule = (size_t)sysconf(_SC_PAGESIZE)};
    if (interleave) {
        l.parts = 1;
        cuts[0] = 0;
        cuts[1] = bytes;
        sets[0] = e->used_nodes;
        return l;
    }
    int nodes = e->plan.num_nodes;
    size_t smallest = bytes;
    l.parts = nodes;
    for (int n = 0; n < nodes; n++) {
        size_t at = shape_offset(s, node_first_vertex(e, n));
        cuts[n] = at < bytes ? at : bytes;
        sets[n] = node_nodeset(e, n);
    }
    cuts[0] = 0;
    cuts[nodes] = bytes;
    for (int n = 0; n < nodes; n++)
        if (cuts[n + 1] > cuts[n] && cuts[n + 1] - cuts[n] < smallest)
            smallest = cuts[n + 1] - cuts[n];
    /* whole huge pages on one node, unless a node's part is small enough
     * that the one straddling a cut would be a sizeable share of it */
    if (huge && smallest >= 8 * (size_t)SF_HUGE_PAGE)
        l.granule = SF_HUGE_PAGE;
    return l;
}

static void warn_once(const char *what)
{
    if (!warned) {
        warned = true;
        fprintf(stderr, "shardflow: warning: %s\n", what);
    }
}

/* Places [base, base + bytes) by the policy; with `migrate`, moves pages
 * already there. Returns 0 or -errno. */
static int place_array(sf_engine *e, char *base, size_t bytes, const struct shape *s, bool huge,
                       bool migrate)
{
    if (!e->membind_ok || !e->graph)
        return 0;
    int nodes = e->plan.num_nodes;
    size_t *cuts = malloc((nodes + 1) * sizeof *cuts);
    hwloc_const_nodeset_t *sets = malloc(nodes * sizeof *sets);
    int rc = -ENOMEM;
    if (cuts && sets) {
        sf_numa_layout l = layout_of(e, base, bytes, s, huge, e->policy == SF_NUMA_INTERLEAVE,
                                     cuts, sets);
        rc = sf_numa_bind(e->topology, &l, e->policy == SF_NUMA_INTERLEAVE, migrate);
    }
    free(cuts);
    free(sets);
    if (rc && rc != -ENOMEM) {
        /* allowed on the probe, refused now: stop trying */
        e->membind_ok = false;
        e->membind_refused = true;
        note(e->memory_note, sizeof e->memory_note,
             "binding refused after the first arrays (%s): pages go where first touched",
             strerror(-rc));
        if (e->plan.num_nodes > 1)
            warn_once("memory binding refused; running on first touch");
    }
    return rc;
}

/* Reads back where a few pages of each node's part are. */
static void check_array(sf_engine *e, char *base, size_t bytes, const struct shape *s)
{
    if (!e->verifiable || !e->graph)
        return;
    int nodes = e->plan.num_nodes;
    size_t *cuts = malloc((nodes + 1) * sizeof *cuts);
    hwloc_const_nodeset_t *sets = malloc(nodes * sizeof *sets);
    if (cuts && sets) {
        /* the granule place_array used, so that no sample is a page it
         * gave to the neighbouring node */
        sf_numa_layout l = layout_of(e, base, bytes, s, e->policy != SF_NUMA_OFF,
                                     e->policy == SF_NUMA_INTERLEAVE, cuts, sets);
        if (sf_numa_check(e->topology, &l, CHECK_SAMPLES, &e->pages_checked,
                          &e->pages_on_node) != 0)
            e->verifiable = false;
    }
    free(cuts);
    free(sets);
}

/* Moves the graph's CSR arrays to the nodes of the shards that own them. */
static void place_graph(sf_engine *e, const sf_graph *g)
{
    if (!e->membind_ok) {
        note(e->graph_note, sizeof e->graph_note, "left where it was built");
        return;
    }
    if (e->plan.num_nodes == 1) {
        note(e->graph_note, sizeof e->graph_note, "on the machine's one node");
        return;
    }
    if (placed_graph.graph == g && placed_graph.by && placed_graph.by != e) {
        note(e->graph_note, sizeof e->graph_note,
             "left where the first engine attached to it placed it");
        return;
    }
    uint64_t n = g->num_vertices;
    struct shape vertices8 = {.elem_size = 8};
    struct shape out4 = {.elem_size = 4, .offsets = g->out_offsets};
    struct shape out8 = {.elem_size = 8, .offsets = g->out_offsets};
    struct shape in4 = {.elem_size = 4, .offsets = g->in_offsets};
    struct shape in8 = {.elem_size = 8, .offsets = g->in_offsets};
    int rc = place_array(e, (char *)g->out_offsets, (n + 1) * sizeof(sf_eid), &vertices8, true, true);
    if (rc == 0 && g->num_arcs)
        rc = place_array(e, (char *)g->out_neighbors, g->num_arcs * sizeof(sf_vid), &out4, true, true);
    if (rc == 0 && g->out_weights && g->num_arcs)
        rc = place_array(e, (char *)g->out_weights, g->num_arcs * sizeof(double), &out8, true, true);
    if (rc == 0 && g->in_offsets != g->out_offsets)
        rc = place_array(e, (char *)g->in_offsets, (n + 1) * sizeof(sf_eid), &vertices8, true, true);
    if (rc == 0 && g->in_neighbors != g->out_neighbors && g->num_arcs)
        rc = place_array(e, (char *)g->in_neighbors, g->num_arcs * sizeof(sf_vid), &in4, true, true);
    if (rc == 0 && g->in_weights && g->in_weights != g->out_weights && g->num_arcs)
        rc = place_array(e, (char *)g->in_weights, g->num_arcs * sizeof(double), &in8, true, true);
    if (rc == 0 && g->original_ids && n)
        rc = place_array(e, (char *)g->original_ids, n * sizeof(uint64_t), &vertices8, true, true);
    if (rc) {
        note(e->graph_note, sizeof e->graph_note, "not moved (%s)", strerror(-rc));
        return;
    }
    placed_graph.graph = g;
    placed_graph.by = e;
    note(e->graph_note, sizeof e->graph_note, "%s",
         e->policy == SF_NUMA_LOCAL ? "moved to the nodes of its shards"
                                    : "interleaved over the nodes used");
}

/* ---- creating and destroying ------------------------------------------------- */

/* The shards of every graph: --shards, else so many per worker. One worker
 * gets one shard unless asked: there is nothing to steal, and a kernel that
 * keeps a shard's inner edges once (PageRank's tiles on an undirected
 * graph) then keeps every edge once. */
static int planned_shards(const sf_engine_options *opt, int threads)
{
    if (opt->shards > 0)
        return opt->shards;
    int per_worker = opt->shards_per_worker > 0 ? opt->shards_per_worker
                                                : DEFAULT_SHARDS_PER_WORKER;
    return threads == 1 ? 1 : per_worker * threads;
}

int sf_engine_create(const sf_engine_options *opt, sf_engine **out, sf_error *err)
{
    *out = NULL;
    sf_engine *e = calloc(1, sizeof *e);
    if (!e)
        return sf_error_set(err, -ENOMEM, "out of memory creating the engine");
    e->policy = opt->numa;
    int rc = load_topology(e, opt->topology, err);
    if (rc) {
        sf_engine_destroy(&e);
        return rc;
    }
    if (opt->threads < 0 || opt->threads > MAX_WORKERS) {
        sf_engine_destroy(&e);
        return sf_error_set(err, SF_EUSAGE, "--threads %d: expected 1..%d", opt->threads,
                            MAX_WORKERS);
    }
    if (opt->numa < SF_NUMA_LOCAL || opt->numa > SF_NUMA_OFF) {
        sf_engine_destroy(&e);
        return sf_error_set(err, SF_EUSAGE, "unknown NUMA policy %d", (int)opt->numa);
    }
    int cores = hwloc_get_nbobjs_by_type(e->topology, HWLOC_OBJ_CORE);
    if (cores <= 0)
        cores = hwloc_get_nbobjs_by_type(e->topology, HWLOC_OBJ_PU);
    e->threads = opt->threads > 0 ? opt->threads : cores > 0 ? cores : 1;
    if (e->threads > MAX_WORKERS)
        e->threads = MAX_WORKERS;
    /* Every region runs a team of exactly e->threads (worker w is thread
     * w, and sf_engine_run_team's workers wait for each other): OpenMP's
     * thread limit must allow it. */
    int limit = omp_get_thread_limit();
    if (opt->threads > limit) {
        sf_engine_destroy(&e);
        return sf_error_set(err, SF_EUSAGE, "--threads %d: OMP_THREAD_LIMIT allows %d",
                            opt->threads, limit);
    }
    if (e->threads > limit)
        e->threads = limit;
    rc = sf_plan_init(&e->plan, e->topology, e->threads);
    /* the shards every graph is cut into, so that an engine without one
     * (`shardflow topology`) has the placement that a run would have */
    if (rc == 0)
        rc = sf_plan_shards(&e->plan, planned_shards(opt, e->threads));
    e->next_shard = calloc((size_t)e->threads * NEXT_STRIDE, sizeof *e->next_shard);
    e->used_nodes = hwloc_bitmap_alloc();
    if (rc || !e->next_shard || !e->used_nodes) {
        sf_engine_destroy(&e);
        if (rc == -EINVAL)
            return sf_error_set(err, SF_EINPUT, "the topology has no processing unit");
        return sf_error_set(err, -ENOMEM, "out of memory creating the engine");
    }
    for (int n = 0; n < e->plan.num_nodes; n++)
        if (sf_plan_node_workers(&e->plan, n))
            hwloc_bitmap_or(e->used_nodes, e->used_nodes, node_nodeset(e, n));
    /* One team of fixed size for everything: loading, building, kernels. */
    omp_set_dynamic(0);
    omp_set_num_threads(e->threads);
    int pin_error = pin_workers(e, opt->no_pin);
    int mem_error = probe_membind(e);
    sf_numa_arenas_init(&e->arenas, e->plan.num_nodes, e->policy != SF_NUMA_OFF);
    note(e->graph_note, sizeof e->graph_note, "no graph attached");
    /* One line for both refusals; a refused memory binding on a one-node
     * machine loses nothing and is only noted in the placement. */
    bool mem_matters = mem_error && mem_error != -ENOMEM && e->plan.num_nodes > 1;
    if (pin_error || mem_matters) {
        char what[256];
        note(what, sizeof what, "binding refused (%s%s%s%s%s); running unbound",
             pin_error ? "workers: " : "", pin_error ? strerror(pin_error) : "",
             pin_error && mem_matters ? "; " : "", mem_matters ? "memory: " : "",
             mem_matters ? strerror(-mem_error) : "");
        warn_once(what);
    }
    *out = e;
    return 0;
}

static void drop_tiled_in_arcs(sf_engine *e)
{
    if (e->tiled_in_arcs)
        sf_tiled_arcs_fini(e->tiled_in_arcs);
    free(e->tiled_in_arcs);
    e->tiled_in_arcs = NULL;
}

void sf_engine_destroy(sf_engine **ep)
{
    sf_engine *e = *ep;
    if (!e)
        return;
    if (placed_graph.by == e)
        placed_graph.by = NULL;
    free(e->next_shard);
    free(e->shards);
    for (int i = 0; i < SPARE_ARRAYS; i++)
        unmap_array(e->spare[i]);
    drop_tiled_in_arcs(e);
    sf_numa_arenas_fini(&e->arenas);
    sf_plan_fini(&e->plan);
    hwloc_bitmap_free(e->used_nodes);
    if (e->topology)
        hwloc_topology_destroy(e->topology);
    free(e);
    *ep = NULL;
}

/* ---- shards ------------------------------------------------------------------- */

/* Cost of the prefix [0, v): in-arcs plus alpha per vertex (Gemini uses
 * alpha = 8 * (partitions - 1); we keep it fixed so the cut does not depend
 * on the worker count beyond the shard count). */
static inline uint64_t prefix_cost(const sf_graph *g, uint64_t v)
{
    const uint64_t alpha = 8;
    return g->in_offsets[v] + alpha * v;
}

int sf_engine_attach(sf_engine *e, const sf_graph *g, sf_error *err)
{
    return sf_engine_attach_range(e, g, 0, g->num_vertices, NULL, err);
}

struct sf_dist_graph *sf_engine_dist(const sf_engine *e) { return e->dist; }

int sf_engine_attach_range(sf_engine *e, const sf_graph *g, sf_vid first, sf_vid last,
                           struct sf_dist_graph *dist, sf_error *err)
{
    /* the shards planned when the engine was made: their count depends on
     * nothing a graph changes (a shard may be empty) */
    int shards = e->plan.num_shards;
    uint64_t n = last;
    sf_shard *s = aligned_alloc(64, sizeof(sf_shard) * (size_t)shards);
    if (!s)
        return sf_error_set(err, -ENOMEM, "out of memory cutting the graph into shards");
    uint64_t base = prefix_cost(g, first), total = prefix_cost(g, n) - base;
    uint64_t begin = first;
    for (int i = 0; i < shards; i++) {
        uint64_t end = n;
        if (i + 1 < shards) {
            /* smallest v with prefix_cost(v) >= total * (i+1) / shards */
            uint64_t target = base + sf_part_first(total, i + 1, shards);
            uint64_t lo = begin, hi = n;
            while (lo < hi) {
                uint64_t mid = lo + (hi - lo) / 2;
                if (prefix_cost(g, mid) < target)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            end = (lo + SHARD_ALIGN - 1) / SHARD_ALIGN * SHARD_ALIGN;
            if (end > n)
                end = n;
            if (end < begin)
                end = begin;
        }
        memset(&s[i], 0, sizeof s[i]);
        s[i].begin = (sf_vid)begin;
        s[i].end = (sf_vid)end;
        s[i].index = i;
        begin = end;
    }
    for (int w = 0; w < e->threads; w++)
        for (int i = e->plan.worker_first_shard[w]; i < e->plan.worker_end_shard[w]; i++) {
            s[i].worker = w;
            s[i].numa_node = e->plan.worker_node[w];
        }
    free(e->shards);
    /* spare arrays were placed for the old shards */
    for (int i = 0; i < SPARE_ARRAYS; i++) {
        unmap_array(e->spare[i]);
        e->spare[i] = NULL;
    }
    drop_tiled_in_arcs(e);
    e->shards = s;
    e->graph = g;
    place_graph(e, g);
    e->dist = dist;
    return 0;
}

const sf_tiled_arcs *sf_engine_tiled_in_arcs(sf_engine *e)
{
    if (!e->tiled_in_arcs && e->graph) {
        sf_tiled_arcs *t = malloc(sizeof *t);
        if (!t || sf_tiled_arcs_build(e, t) != 0) {
            free(t);
            return NULL;
        }
        e->tiled_in_arcs = t;
    }
    return e->tiled_in_arcs;
}

int sf_engine_threads(const sf_engine *e) { return e->threads; }
int sf_engine_num_shards(const sf_engine *e) { return attached_shards(e); }
const sf_shard *sf_engine_shard(const sf_engine *e, int i) { return &e->shards[i]; }
const sf_graph *sf_engine_graph(const sf_engine *e) { return e->graph; }
const struct sf_plan *sf_engine_plan(const sf_engine *e) { return &e->plan; }
struct hwloc_topology *sf_engine_topology(const sf_engine *e) { return e->topology; }

int sf_engine_planned_shards(const sf_engine *e) { return e->plan.num_shards; }

/* ---- what placement did -------------------------------------------------------- */

void sf_engine_placement(const sf_engine *e, sf_placement *out)
{
    *out = (sf_placement){
        .policy = e->policy,
        .synthetic = e->synthetic,
        .bound = e->bound,
        .binding = e->binding_note,
        .membind_refused = e->membind_refused,
        .memory = e->memory_note,
        .graph = e->graph_note,
        .verifiable = e->verifiable,
        .pages_checked = e->pages_checked,
        .pages_on_node = e->pages_on_node,
        .scratch = e->arenas.count ? "a jemalloc arena per NUMA node" : "malloc",
    };
}

/* A string that grows; on running out of memory it stops growing and
 * remembers it. */
struct text {
    char *buf;
    size_t len, cap;
    bool failed;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = t->failed ? 0 : vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
        if (t->failed || (size_t)k < t->cap - t->len) {
            t->len += t->failed ? 0 : (size_t)k;
            return;
        }
        char *bigger = realloc(t->buf, 2 * t->cap + k);
        if (!bigger) {
            t->failed = true;
            t->buf[t->len] = 0;
            return;
        }
        t->buf = bigger;
        t->cap = 2 * t->cap + k;
    }
}

static void put_string(struct text *t, const char *key, const char *s)
{
    put(t, ", \"%s\": \"", key);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            put(t, "\\%c", c);
        else if (c < 0x20)
            put(t, "\\u%04x", c);
        else
            put(t, "%c", c);
    }
    put(t, "\"");
}

/* What a placement record says about the run's own workers, shards and
 * memory: the engine's, or those of a baseline run beside it. */
struct placement_facts {
    const sf_plan *plan;        /* workers and shards per node; NULL: none on any node */
    bool bound;
    const char *binding;
    int rebinds_refused;        /* said only when not 0 */
    const char *memory;
    bool verifiable;
    uint64_t pages_checked, pages_verified;
    const char *scratch;
};

static void engine_facts(const sf_engine *e, struct placement_facts *f)
{
    *f = (struct placement_facts){
        .plan = &e->plan,
        .bound = e->bound,
        .binding = e->binding_note,
        .rebinds_refused = __atomic_load_n(&e->rebinds_refused, __ATOMIC_RELAXED),
        .memory = e->memory_note,
        .verifiable = e->verifiable,
        .pages_checked = e->pages_checked,
        .pages_verified = e->pages_on_node,
        .scratch = e->arenas.count ? "jemalloc arena per node" : "malloc",
    };
}

/* A baseline: one thread that has no shards and that no one pins, its own
 * arrays from malloc, none of their pages checked. */
static const struct placement_facts baseline_facts = {
    .binding = "the baseline: one thread, the process's main thread, not pinned (it runs where "
               "the OS schedules it)",
    .memory = "the baseline's own arrays: malloc, placed by first touch",
    .verifiable = true,
    .scratch = "malloc",
};

static int node_workers(const struct placement_facts *f, int n)
{
    return f->plan ? sf_plan_node_workers(f->plan, n) : 0;
}

static int all_shards(const struct placement_facts *f)
{
    return f->plan ? f->plan->num_shards : 0;
}

static int node_shards(const struct placement_facts *f, int n)
{
    return f->plan ? f->plan->node_first_shard[n + 1] - f->plan->node_first_shard[n] : 0;
}

/* The placement record: f, beside e's policy, nodes and account of where
 * the graph went. */
static void write_placement(const sf_engine *e, const struct placement_facts *f, struct text *t,
                            bool lists)
{
    int nodes = e->plan.num_nodes;
    put(t, "{\"policy\": \"%s\", \"numa_nodes\": %d", sf_numa_policy_name(e->policy), nodes);
    if (lists) {
        put(t, ", \"nodes_used\": [");
        for (int n = 0, k = 0; n < nodes; n++)
            if (node_workers(f, n))
                put(t, "%s%d", k++ ? ", " : "", n);
        put(t, "], \"workers_per_node\": [");
        for (int n = 0; n < nodes; n++)
            put(t, "%s%d", n ? ", " : "", node_workers(f, n));
        put(t, "]");
    }
    put(t, ", \"shards\": %d", all_shards(f));
    if (lists) {
        put(t, ", \"shards_per_node\": [");
        for (int n = 0; n < nodes; n++)
            put(t, "%s%d", n ? ", " : "", node_shards(f, n));
        put(t, "]");
    }
    put(t, ", \"bound\": %s", f->bound ? "true" : "false");
    put_string(t, "binding", f->binding);
    if (f->rebinds_refused)
        put(t, ", \"rebinds_refused\": %d", f->rebinds_refused);
    put(t, ", \"membind_refused\": %s", e->membind_refused ? "true" : "false");
    put_string(t, "memory", f->memory);
    put_string(t, "graph", e->graph_note);
    if (f->verifiable)
        put(t, ", \"pages_checked\": %llu, \"pages_verified\": %llu",
            (unsigned long long)f->pages_checked, (unsigned long long)f->pages_verified);
    else
        put(t, ", \"pages_checked\": %llu, \"pages_verified\": \"unverifiable\"",
            (unsigned long long)f->pages_checked);
    put_string(t, "scratch", f->scratch);
    put(t, "}");
}

void sf_engine_placement_json(const sf_engine *e, bool baseline, char *json, size_t n)
{
    if (n == 0)
        return;
    struct placement_facts f = baseline_facts;
    if (!baseline)
        engine_facts(e, &f);
    for (int lists = 1; lists >= 0; lists--) {
        struct text t = {.buf = malloc(1024), .cap = 1024};
        if (!t.buf)
            break;
        t.buf[0] = 0;
        write_placement(e, &f, &t, lists);
        bool fits = !t.failed && t.len < n;
        if (fits)
            memcpy(json, t.buf, t.len + 1);
        free(t.buf);
        if (fits)
            return;
    }
    snprintf(json, n, "{}");
}

/* ---- running ---------------------------------------------------------------------- */

void sf_engine_run(sf_engine *e, sf_shard_fn fn, void *arg)
{
    int threads = e->threads;
    for (int w = 0; w < threads; w++)
        e->next_shard[w * NEXT_STRIDE] = e->plan.worker_first_shard[w];
#pragma omp parallel num_threads(threads)
    {
        int self = omp_get_thread_num();
        keep_binding(e, self);
        /* Own shards first, then the unstarted shards of the workers of
         * the same node, then of the other nodes, nearest first. */
        for (int k = 0; k < threads; k++) {
            int w = sf_plan_victim(&e->plan, self, k);
            int last = e->plan.worker_end_shard[w];
            int *next = &e->next_shard[w * NEXT_STRIDE];
            if (__atomic_load_n(next, __ATOMIC_RELAXED) >= last)
                continue; /* nothing left: do not write its line */
            for (;;) {
                int i = __atomic_fetch_add(next, 1, __ATOMIC_RELAXED);
                if (i >= last)
                    break;
                fn(&e->shards[i], arg);
            }
        }
    }
    release_master(e);
}

void sf_engine_worker_shards(const sf_engine *e, int worker, int *first, int *end)
{
    *first = e->plan.worker_first_shard[worker];
    *end = e->plan.worker_end_shard[worker];
}

void sf_engine_run_team(sf_engine *e, sf_team_fn fn, void *arg)
{
#pragma omp parallel num_threads(e->threads)
    {
        int w = omp_get_thread_num();
        keep_binding(e, w);
        fn(w, arg);
    }
    release_master(e);
}

void sf_engine_barrier(void)
{
#pragma omp barrier
}

int sf_engine_current_worker(void)
{
    return omp_get_thread_num();
}

double sf_engine_sum(const sf_engine *e)
{
    double total = 0;
    for (int i = 0; i < attached_shards(e); i++)
        total += e->shards[i].sum;
    return total;
}

uint64_t sf_engine_count(const sf_engine *e)
{
    uint64_t total = 0;
    for (int i = 0; i < attached_shards(e); i++)
        total += e->shards[i].count;
    return total;
}

uint64_t sf_engine_count2(const sf_engine *e)
{
    uint64_t total = 0;
    for (int i = 0; i < attached_shards(e); i++)
        total += e->shards[i].count2;
    return total;
}

/* Runs fn on every shard on its owner only, no stealing: for first touch. */
struct owned_run {
    sf_engine *e;
    sf_shard_fn fn;
    void *arg;
};

static void run_owned_worker(int worker, void *arg)
{
    struct owned_run *r = arg;
    int first, end;
    sf_engine_worker_shards(r->e, worker, &first, &end);
    for (int i = first; i < end; i++)
        r->fn(&r->e->shards[i], r->arg);
}

static void run_owned(sf_engine *e, sf_shard_fn fn, void *arg)
{
    struct owned_run r = {.e = e, .fn = fn, .arg = arg};
    sf_engine_run_team(e, run_owned_worker, &r);
}

/* ---- memory ------------------------------------------------------------------------ */

void *sf_engine_scratch(sf_engine *e, int worker, size_t bytes)
{
    int node = worker >= 0 && worker < e->threads ? e->plan.worker_node[worker] : 0;
    return sf_numa_arenas_alloc(&e->arenas, node, bytes);
}

void sf_engine_scratch_free(sf_engine *e, void *p)
{
    sf_numa_arenas_free(&e->arenas, p);
}

void sf_engine_place(sf_engine *e, void *array, size_t bytes, size_t elem_size,
                     const sf_eid *offsets)
{
    struct shape s = {.elem_size = elem_size, .offsets = offsets};
    if (array && bytes)
        place_array(e, array, bytes, &s, false, false);
}

/* Vertex arrays come from mmap so that no page is touched before its
 * owner touches it; a header page before the array keeps the mapping's
 * size and the array's shape. Freed arrays are kept (up to SPARE_ARRAYS)
 * and handed out again to an allocation of the same shape: their pages are
 * already placed and faulted in, so a kernel's next run pays a memset by
 * the owners instead of page faults. */
#define HEADER_BYTES 4096

struct array_header {
    size_t bytes;               /* the whole mapping */
    size_t elem_size;
    bool bits;
};

struct touch_arg {
    char *base;
    const struct shape *shape;
};

static void first_touch(sf_shard *s, void *arg)
{
    struct touch_arg *t = arg;
    size_t begin = shape_offset(t->shape, s->begin), end = shape_offset(t->shape, s->end);
    memset(t->base + begin, 0, end - begin);
}

static void unmap_array(void *array)
{
    if (array) {
        struct array_header *h = (struct array_header *)((char *)array - HEADER_BYTES);
        munmap(h, h->bytes);
    }
}

static void *alloc_shaped(sf_engine *e, const struct shape *s, size_t bytes)
{
    size_t map_bytes = HEADER_BYTES + bytes;
    char *array = NULL;
    for (int i = 0; i < SPARE_ARRAYS && !array; i++) {
        char *spare = e->spare[i];
        const struct array_header *h = spare ? (void *)(spare - HEADER_BYTES) : NULL;
        if (h && h->bytes == map_bytes && h->elem_size == s->elem_size && h->bits == s->bits) {
            array = spare;
            e->spare[i] = NULL;
        }
    }
    bool fresh = !array;
    if (fresh) {
        char *map = mmap(NULL, map_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (map == MAP_FAILED)
            return NULL;
        /* Huge pages: vertex state is read at random by every kernel. */
        madvise(map, map_bytes, MADV_HUGEPAGE);
        *(struct array_header *)map =
            (struct array_header){.bytes = map_bytes, .elem_size = s->elem_size, .bits = s->bits};
        array = map + HEADER_BYTES;
        place_array(e, array, bytes, s, true, false);
    }
    if (!fresh && s->uninit)
        return array; /* placed and faulted in already; the caller writes every element */
    if (e->graph) {
        struct touch_arg t = {array, s};
        run_owned(e, first_touch, &t);
        if (fresh)
            check_array(e, array, bytes, s);
    } else if (!fresh) {
        memset(array, 0, bytes);
    }
    return array;
}

void *sf_engine_alloc(sf_engine *e, size_t elem_size)
{
    uint64_t n = e->graph ? e->graph->num_vertices : 0;
    struct shape s = {.elem_size = elem_size};
    return alloc_shaped(e, &s, (n ? n : 1) * elem_size);
}

void *sf_engine_alloc_uninit(sf_engine *e, size_t elem_size)
{
    uint64_t n = e->graph ? e->graph->num_vertices : 0;
    struct shape s = {.elem_size = elem_size, .uninit = true};
    return alloc_shaped(e, &s, (n ? n : 1) * elem_size);
}

uint64_t *sf_engine_alloc_bits(sf_engine *e)
{
    uint64_t n = e->graph ? e->graph->num_vertices : 0;
    struct shape s = {.elem_size = sizeof(uint64_t), .bits = true};
    return alloc_shaped(e, &s, (n ? (n + 63) / 64 : 1) * sizeof(uint64_t));
}

void sf_engine_free(sf_engine *e, void *array)
{
    if (!array)
        return;
    for (int i = 0; i < SPARE_ARRAYS; i++)
        if (!e->spare[i]) {
            e->spare[i] = array;
            return;
        }
    unmap_array(array);
}
