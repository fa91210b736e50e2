/* The COST study: load each graph once, then for each algorithm a warm-up
 * and `trials` rounds of baseline + engine at every thread count. Every
 * measured run produces a run record (results.json) and a CSV row; the
 * table on stdout gives min/median/max, speedup over the baseline median,
 * and the COST line. */
#include "cost.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <omp.h>

#include "engine/parallel.h"
#include "engine/record.h"

#define MAX_LIST 64

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

sf_cost_stats sf_cost_summarise(const double *seconds, int count)
{
    sf_cost_stats s = {0, 0, 0};
    if (count <= 0)
        return s;
    double sorted[count];
    memcpy(sorted, seconds, count * sizeof *sorted);
    qsort(sorted, count, sizeof *sorted, compare_double);
    s.min = sorted[0];
    s.max = sorted[count - 1];
    s.median = count % 2 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2;
    return s;
}

int sf_cost_index(double baseline_median, const double *engine_medians, int count)
{
    for (int i = 0; i < count; i++)
        if (engine_medians[i] < baseline_median)
            return i;
    return -1;
}

/* Splits a comma-separated list in place into at most MAX_LIST items. */
static int split_list(char *s, char **items)
{
    int n = 0;
    for (char *tok = strtok(s, ","); tok && n < MAX_LIST; tok = strtok(NULL, ","))
        if (*tok)
            items[n++] = tok;
    return n;
}

static int parse_threads(const char *list, int *threads, sf_error *err)
{
    if (!list) {
        int cores = sf_host_cores(), n = 0;
        for (int t = 1; t < cores && n < MAX_LIST - 1; t *= 2)
            threads[n++] = t;
        threads[n++] = cores;
        return n;
    }
    char *copy = strdup(list), *items[MAX_LIST];
    int n = split_list(copy, items);
    for (int i = 0; i < n; i++) {
        char *end;
        long t = strtol(items[i], &end, 10);
        if (*end || t < 1 || t > 4096) {
            sf_error_set(err, SF_EUSAGE, "--threads: '%s' is not a thread count", items[i]);
            free(copy);
            return -1;
        }
        threads[i] = (int)t;
    }
    free(copy);
    return n;
}

struct study {
    const sf_cost_options *o;
    FILE *csv, *json;
    bool first_record;
    char *placement;
};

static void emit(struct study *st, const sf_run_info *info, const char *graph)
{
    fprintf(st->csv, "%s,%s,%s,%d,%d,%.6f,%.6f,%.6f,%d,%s\n", graph, info->algo, info->engine,
            info->threads, info->trial, info->load_s, info->build_s, info->run_s,
            info->iterations, info->verify);
    fputs(st->first_record ? "\n  " : ",\n  ", st->json);
    sf_record_write(st->json, info);
    st->first_record = false;
}

static const char *plural(int n)
{
    return n == 1 ? "" : "s";
}

static int study_algo(struct study *st, const sf_algo *algo, const char *graph, sf_graph *g,
                      sf_engine **engines, const int *threads, int nthreads, double load_s,
                      double build_s, sf_error *err)
{
    const sf_cost_options *o = st->o;
    int trials = o->trials;
    double *base = calloc(trials, sizeof *base);
    double *eng = calloc((size_t)trials * nthreads, sizeof *eng);
    double base_prepare = 0;
    int rc = 0;
    if (!base || !eng) {
        rc = sf_error_set(err, -ENOMEM, "out of memory");
        goto out;
    }
    sf_job_result r;
    /* warm-up: baseline and the widest engine, untimed */
    if ((rc = sf_job_run(algo, engines[nthreads - 1], g, true, &o->params, &r, err)))
        goto out;
    sf_job_result_fini(&r);
    if ((rc = sf_job_run(algo, engines[nthreads - 1], g, false, &o->params, &r, err)))
        goto out;
    sf_job_result_fini(&r);

    double started = sf_now();
    for (int t = 0; t < trials; t++) {
        for (int k = -1; k < nthreads; k++) {
            bool baseline = k < 0;
            sf_engine *e = baseline ? engines[0] : engines[k];
            if ((rc = sf_job_run(algo, e, g, baseline, &o->params, &r, err)))
                goto out;
            char placement[1024] = "null";
            if (!baseline)
                sf_engine_placement_json(e, placement, sizeof placement);
            sf_run_info info = {
                .algo = algo->name, .engine = baseline ? "baseline" : "shardflow",
                .source = graph, .vertices = g->num_vertices, .edges = g->num_edges,
                .directed = g->directed, .threads = baseline ? 1 : threads[k], .ranks = 1,
                .placement_json = placement, .load_s = load_s,
                .build_s = build_s + r.prepare_s, .run_s = r.run_s,
                .iteration_s = r.log.seconds, .iterations = r.log.count,
                .peak_rss_bytes = sf_peak_rss_bytes(), .verify = "skipped",
                .result_json = r.result_json, .command_line = o->command_line,
                .seed = o->load.seed, .trial = t,
            };
            emit(st, &info, graph);
            if (baseline) {
                base[t] = r.run_s;
                base_prepare = r.prepare_s;
            } else {
                eng[(size_t)k * trials + t] = r.run_s;
            }
            sf_job_result_fini(&r);
        }
        if (!o->quiet) {
            double per_trial = (sf_now() - started) / (t + 1);
            fprintf(stderr, "\r%s on %s: trial %d/%d, about %.0f s left   ", algo->name, graph,
                    t + 1, trials, per_trial * (trials - t - 1));
        }
    }
    if (!o->quiet)
        fprintf(stderr, "\r%80s\r", "");

    sf_cost_stats b = sf_cost_summarise(base, trials);
    double medians[MAX_LIST];
    printf("\n%s on %s (%u vertices, %llu edges), %d trial%s, seconds\n", algo->name, graph,
           g->num_vertices, (unsigned long long)g->num_edges, trials, plural(trials));
    printf("  %-22s %10s %10s %10s %9s\n", "configuration", "min", "median", "max", "speedup");
    printf("  %-22s %10.4f %10.4f %10.4f %9s\n", "baseline (1 thread)", b.min, b.median, b.max,
           "1.00");
    if (base_prepare > 0.0005)
        printf("  %-22s %10.4f  (layout preparation, excluded above)\n", "baseline prepare",
               base_prepare);
    for (int k = 0; k < nthreads; k++) {
        sf_cost_stats s = sf_cost_summarise(eng + (size_t)k * trials, trials);
        medians[k] = s.median;
        char label[64];
        snprintf(label, sizeof label, "shardflow %d thread%s", threads[k], plural(threads[k]));
        printf("  %-22s %10.4f %10.4f %10.4f %8.2fx\n", label, s.min, s.median, s.max,
               b.median / s.median);
    }
    int cost = sf_cost_index(b.median, medians, nthreads);
    if (cost >= 0)
        printf("COST %s on %s: %d thread%s (engine median %.4f s < baseline median %.4f s); "
               "engine at 1 thread / baseline = %.2f\n",
               algo->name, graph, threads[cost], plural(threads[cost]), medians[cost], b.median,
               threads[0] == 1 ? medians[0] / b.median : 0.0);
    else
        printf("COST %s on %s: unbounded up to %d thread%s\n", algo->name, graph,
               threads[nthreads - 1], plural(threads[nthreads - 1]));
out:
    free(base);
    free(eng);
    return rc;
}

static int compare_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return x < y ? -1 : x > y;
}

int sf_cost_study(const sf_cost_options *o, sf_error *err)
{
    int threads[MAX_LIST];
    int nthreads = parse_threads(o->threads, threads, err);
    if (nthreads < 0)
        return SF_EUSAGE;
    qsort(threads, nthreads, sizeof *threads, compare_int);
    char *algo_copy = strdup(o->algos), *algo_names[MAX_LIST];
    char *graph_copy = strdup(o->graphs), *graph_names[MAX_LIST];
    int nalgos = split_list(algo_copy, algo_names);
    int ngraphs = split_list(graph_copy, graph_names);
    const sf_algo *algos[MAX_LIST];
    sf_engine *engines[MAX_LIST] = {0};
    struct study st = {.o = o, .first_record = true};
    char path[4096];
    int rc = 0;
    for (int i = 0; i < nalgos; i++)
        if (!(algos[i] = sf_algo_find(algo_names[i]))) {
            rc = sf_error_set(err, SF_EUSAGE, "--algos: unknown algorithm '%s' (expected %s)",
                              algo_names[i], sf_algo_names());
            goto out;
        }
    if (mkdir(o->out_dir, 0755) != 0 && errno != EEXIST) {
        rc = sf_error_set(err, -errno, "%s: %s", o->out_dir, strerror(errno));
        goto out;
    }
    snprintf(path, sizeof path, "%s/results.csv", o->out_dir);
    st.csv = fopen(path, "w");
    snprintf(path, sizeof path, "%s/results.json", o->out_dir);
    st.json = fopen(path, "w");
    if (!st.csv || !st.json) {
        rc = sf_error_set(err, -errno, "%s: %s", path, strerror(errno));
        goto out;
    }
    fputs("graph,algo,engine,threads,trial,load_s,build_s,run_s,iterations,verify\n", st.csv);
    fputs("[", st.json);
    /* one engine per thread count; the widest loads and builds */
    for (int k = nthreads - 1; k >= 0; k--) {
        sf_engine_options eo = o->engine;
        eo.threads = threads[k];
        if ((rc = sf_engine_create(&eo, &engines[k], err)))
            goto out;
    }
    printf("shardflow bench: %s, %d core%s; threads", sf_host_cpu_model(), sf_host_cores(),
           plural(sf_host_cores()));
    for (int k = 0; k < nthreads; k++)
        printf(" %d", threads[k]);
    printf("; %d trial%s after a warm-up\n", o->trials, plural(o->trials));
    for (int i = 0; i < ngraphs; i++) {
        sf_graph *g = NULL;
        double load_s, build_s;
        omp_set_num_threads(threads[nthreads - 1]);
        if ((rc = sf_job_load(graph_names[i], &o->load, engines[nthreads - 1], &g, &load_s,
                              &build_s, err)))
            goto out;
        printf("\ngraph %s: %u vertices, %llu edges; load %.3f s, build %.3f s\n", graph_names[i],
               g->num_vertices, (unsigned long long)g->num_edges, load_s, build_s);
        /* sssp on an unweighted graph: GAP's synthetic weights, as its
         * benchmark does, rather than no answer */
        for (int a = 0; a < nalgos && !g->weighted; a++)
            if (algos[a]->needs_weights) {
                if (sf_graph_assign_weights(g, SF_WEIGHTS_RANDOM, o->load.seed)) {
                    sf_graph_destroy(&g);
                    rc = sf_error_set(err, -ENOMEM, "out of memory for weights");
                    goto out;
                }
                printf("(unweighted: random integer weights in [1, 255] from seed %llu, for %s)\n",
                       (unsigned long long)o->load.seed, algos[a]->name);
            }
        for (int k = 0; k < nthreads - 1 && rc == 0; k++)
            rc = sf_engine_attach(engines[k], g, err);
        for (int a = 0; a < nalgos && rc == 0; a++)
            rc = study_algo(&st, algos[a], graph_names[i], g, engines, threads, nthreads, load_s,
                            build_s, err);
        sf_graph_destroy(&g);
        if (rc)
            goto out;
    }
    fputs("\n]\n", st.json);
    printf("\nresults: %s/results.csv, %s/results.json\n", o->out_dir, o->out_dir);
out:
    if (st.csv)
        fclose(st.csv);
    if (st.json)
        fclose(st.json);
    for (int k = 0; k < nthreads; k++)
        sf_engine_destroy(&engines[k]);
    free(algo_copy);
    free(graph_copy);
    return rc;
}
