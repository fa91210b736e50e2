/* report.md and the plots of a COST study. Everything here is derived from
 * the measured series; nothing is measured. The plots are gnuplot's: we
 * write its data and script and run the real program. */
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "engine/record.h"

static const char *plural(int n)
{
    return n == 1 ? "" : "s";
}

/* Arcs a kernel touches per pass: both directions of an undirected edge. */
static double arcs_of(const sf_cost_series *s, bool directed_hint)
{
    return directed_hint ? (double)s->edges : 2.0 * s->edges;
}

/* The COST paper (McSherry, Isard, Murray, HotOS 2015), twitter_rv:
 * 41.7 M vertices, 1.468 G directed edges; 20 PageRank iterations and
 * connected components. Published figures on the authors' and the cited
 * systems' hardware, not ours. */
static const struct {
    const char *algo, *system;
    int cores;
    double seconds;
} cost_paper[] = {
    /* only the figures the project has checked against the paper; add
     * others from its tables with care */
    {"pr", "GraphX", 128, 419},
    {"pr", "single thread, Hilbert-curve edge order", 1, 110},
    {"wcc", "single thread, union-find", 1, 15},
};
#define TWITTER_EDGES 1468365182.0

static void write_machine(FILE *f, const sf_cost_options *o)
{
    struct utsname u;
    char kernel[256] = "unknown";
    if (uname(&u) == 0)
        snprintf(kernel, sizeof kernel, "%s %s %s", u.sysname, u.release, u.machine);
    fprintf(f, "## Machine and build\n\n");
    fprintf(f, "| | |\n|---|---|\n");
    fprintf(f, "| CPU | %s |\n", sf_host_cpu_model());
    fprintf(f, "| cores | %d |\n", sf_host_cores());
    fprintf(f, "| memory | %.1f GiB |\n", sf_host_memory_bytes() / 1073741824.0);
    fprintf(f, "| kernel | %s |\n", kernel);
    fprintf(f, "| topology | `topology.xml` (hwloc) |\n");
    fprintf(f, "| shardflow | %s |\n", sf_version());
    fprintf(f, "| compiler | gcc %s |\n", __VERSION__);
    fprintf(f, "| command | `%s` |\n", o->command_line ? o->command_line : "");
    fprintf(f, "| seed | %llu |\n", (unsigned long long)o->load.seed);
    fprintf(f, "| trials | %d per configuration, after one warm-up, interleaved |\n", o->trials);
    fprintf(f, "| page cache | %s |\n\n", o->cold ? "dropped before every load (--cold)" : "warm");
}

static void write_series(FILE *f, const sf_cost_series *s)
{
    sf_cost_stats b = sf_cost_summarise(s->baseline_s, s->trials);
    double medians[SF_COST_MAX_LIST];
    sf_cost_series_medians(s, medians);
    fprintf(f, "### %s on %s (%llu vertices, %llu edges)\n\n", s->algo, s->graph,
            (unsigned long long)s->vertices, (unsigned long long)s->edges);
    fprintf(f, "Load %.3f s, build %.3f s", s->load.median, s->build.median);
    if (s->load.max > s->load.min)
        fprintf(f, " (medians; load min %.3f max %.3f)", s->load.min, s->load.max);
    if (s->prepare_s > 0.0005)
        fprintf(f, "; the baseline's own layout preparation %.3f s, outside its run time",
                s->prepare_s);
    fprintf(f, ".\n\n");
    fprintf(f, "| configuration | min s | median s | max s | speedup vs baseline | "
               "efficiency | end to end s |\n");
    fprintf(f, "|---|---:|---:|---:|---:|---:|---:|\n");
    double setup = s->load.median + s->build.median;
    fprintf(f, "| baseline (1 thread) | %.4f | %.4f | %.4f | 1.00 | | %.3f |\n", b.min, b.median,
            b.max, setup + s->prepare_s + b.median);
    /* efficiency: speedup over the engine's own smallest configuration,
     * per thread added (T1 / (p * Tp) when the first is 1 thread) */
    for (int k = 0; k < s->configs; k++) {
        sf_cost_stats e = sf_cost_summarise(s->engine_s + (size_t)k * s->trials, s->trials);
        double eff = medians[k] > 0 ? medians[0] * sf_cost_cores(s, 0) /
                                          (medians[k] * sf_cost_cores(s, k))
                                    : 0;
        char label[64];
        sf_cost_label(s, k, label, sizeof label);
        fprintf(f, "| %s | %.4f | %.4f | %.4f | %.2f | %.2f | %.3f |\n", label, e.min, e.median, e.max,
                e.median > 0 ? b.median / e.median : 0, eff, setup + e.median);
    }
    int cost = sf_cost_index(b.median, medians, s->configs);
    char label[64];
    sf_cost_label(s, cost >= 0 ? cost : s->configs - 1, label, sizeof label);
    fprintf(f, "\n**COST %s on %s: ", s->algo, s->graph);
    if (cost >= 0)
        fprintf(f, "%s**", label + strlen("shardflow "));
    else
        fprintf(f, "unbounded up to %s**", label + strlen("shardflow "));
    if (s->threads[0] == 1 && b.median > 0)
        fprintf(f, "; engine at 1 thread / baseline = %.2f", medians[0] / b.median);
    fprintf(f, ".\n\n");
}

/* The paper's table per edge beside ours, for the kernels it covers. */
static void write_cost_paper(FILE *f, const sf_cost_series *series, int count)
{
    bool any = false;
    for (int i = 0; i < count; i++)
        any |= strcmp(series[i].algo, "pr") == 0 || strcmp(series[i].algo, "wcc") == 0;
    if (!any)
        return;
    fprintf(f, "## Beside the COST paper\n\n");
    fprintf(f, "Published figures from McSherry, Isard and Murray, *Scalability! But at what "
               "COST?* (HotOS 2015), on twitter_rv (41.7 M vertices, 1.47 G edges), **on other "
               "hardware**: they are not measurements of this machine. Per-edge costs "
               "normalise by the edges a pass touches (twitter_rv's directed edges; both arcs "
               "of every undirected edge here) and, for PageRank, by the 20 iterations.\n\n");
    fprintf(f, "| kernel | system | cores | seconds | ns per edge (per iteration for pr) |\n");
    fprintf(f, "|---|---|---:|---:|---:|\n");
    for (size_t i = 0; i < sizeof cost_paper / sizeof cost_paper[0]; i++) {
        double per = cost_paper[i].seconds / TWITTER_EDGES * 1e9;
        if (strcmp(cost_paper[i].algo, "pr") == 0)
            per /= 20;
        fprintf(f, "| %s | %s (published, twitter_rv) | %d | %.0f | %.2f |\n", cost_paper[i].algo,
                cost_paper[i].system, cost_paper[i].cores, cost_paper[i].seconds, per);
    }
    for (int i = 0; i < count; i++) {
        const sf_cost_series *s = &series[i];
        bool pr = strcmp(s->algo, "pr") == 0;
        if (!pr && strcmp(s->algo, "wcc") != 0)
            continue;
        double medians[SF_COST_MAX_LIST];
        sf_cost_series_medians(s, medians);
        sf_cost_stats b = sf_cost_summarise(s->baseline_s, s->trials);
        /* generators are undirected; files say so in the record, but here
         * the edge count is what users count: use arcs for undirected */
        double arcs = arcs_of(s, false);
        double scale = 1e9 / arcs / (pr ? 20 : 1);
        fprintf(f, "| %s | shardflow baseline, %s (this machine) | 1 | %.3f | %.2f |\n", s->algo,
                s->graph, b.median, b.median * scale);
        for (int k = 0; k < s->configs; k++)
            fprintf(f, "| %s | shardflow, %s (this machine) | %d | %.3f | %.2f |\n", s->algo,
                    s->graph, sf_cost_cores(s, k), medians[k], medians[k] * scale);
    }
    fprintf(f, "\nPageRank per edge assumes 20 iterations (the paper's and shardflow's default); "
               "a study run with other `--iterations` is not comparable line for line.\n\n");
}

int sf_report_write(const char *dir, const sf_cost_options *o, const sf_cost_series *series,
                    int count, double study_s, sf_error *err)
{
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/report.md", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return sf_error_set(err, -errno, "%s: %s", tmp, strerror(errno));
    time_t now = time(NULL);
    char date[64];
    strftime(date, sizeof date, "%Y-%m-%d %H:%M %Z", localtime(&now));
    fprintf(f, "# shardflow COST study\n\n");
    fprintf(f, "%s; %d graph x kernel pair%s; %.0f s in all.\n\n", date, count, plural(count),
            study_s);
    fprintf(f, "Every configuration runs %d trial%s after one untimed warm-up; trials are "
               "interleaved (baseline, engine at each thread count, baseline, ...) so drift "
               "hits all alike. Run times exclude load and build, which are reported "
               "separately and in the end-to-end column. The COST is the fewest threads whose "
               "median beats the single-threaded baseline's median.\n\n",
            o->trials, plural(o->trials));
    fprintf(f, "## COST\n\n");
    for (int i = 0; i < count; i++) {
        double medians[SF_COST_MAX_LIST];
        sf_cost_series_medians(&series[i], medians);
        sf_cost_stats b = sf_cost_summarise(series[i].baseline_s, series[i].trials);
        int cost = sf_cost_index(b.median, medians, series[i].configs);
        char label[64];
        sf_cost_label(&series[i], cost >= 0 ? cost : series[i].configs - 1, label, sizeof label);
        if (cost >= 0)
            fprintf(f, "- %s on %s: **%s**\n", series[i].algo, series[i].graph,
                    label + strlen("shardflow "));
        else
            fprintf(f, "- %s on %s: **unbounded** up to %s\n", series[i].algo, series[i].graph,
                    label + strlen("shardflow "));
    }
    fprintf(f, "\n![time vs threads](time.svg)\n\n![speedup vs threads](speedup.svg)\n\n");
    fprintf(f, "## Results (seconds)\n\n");
    for (int i = 0; i < count; i++)
        write_series(f, &series[i]);
    write_cost_paper(f, series, count);
    write_machine(f, o);
    fprintf(f, "Raw data: `results.csv` (one row per run), `results.json` (the study's "
               "configuration and every run record; `shardflow bench --replay "
               "results.json` runs the same study again).\n");
    bool failed = ferror(f);
    if (fclose(f) != 0 || failed) {
        unlink(tmp);
        return sf_error_set(err, -EIO, "%s: write failed", tmp);
    }
    if (rename(tmp, path) != 0)
        return sf_error_set(err, -errno, "%s: %s", path, strerror(errno));
    return 0;
}

int sf_report_plots(const char *dir, const sf_cost_series *series, int count, sf_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/plots.dat", dir);
    FILE *d = fopen(path, "w");
    if (!d)
        return sf_error_set(err, -errno, "%s: %s", path, strerror(errno));
    /* one gnuplot data block per series: threads, median, min, max,
     * speedup over the baseline median, baseline median */
    for (int i = 0; i < count; i++) {
        const sf_cost_series *s = &series[i];
        sf_cost_stats b = sf_cost_summarise(s->baseline_s, s->trials);
        fprintf(d, "# %s on %s\n", s->algo, s->graph);
        for (int k = 0; k < s->configs; k++) {
            sf_cost_stats e = sf_cost_summarise(s->engine_s + (size_t)k * s->trials, s->trials);
            fprintf(d, "%d %.6f %.6f %.6f %.4f %.6f\n", sf_cost_cores(s, k), e.median, e.min, e.max,
                    e.median > 0 ? b.median / e.median : 0, b.median);
        }
        fprintf(d, "\n\n");
    }
    fclose(d);

    int max_threads = 1;
    for (int i = 0; i < count; i++)
        for (int k = 0; k < series[i].configs; k++)
            if (sf_cost_cores(&series[i], k) > max_threads)
                max_threads = sf_cost_cores(&series[i], k);
    int cols = count < 3 ? count : 3, rows = (count + cols - 1) / cols;
    snprintf(path, sizeof path, "%s/plots.gp", dir);
    FILE *g = fopen(path, "w");
    if (!g)
        return sf_error_set(err, -errno, "%s: %s", path, strerror(errno));
    fprintf(g, "# gnuplot script written by shardflow bench; run `gnuplot plots.gp` here\n");
    fprintf(g, "set datafile commentschars '#'\nset key top left font ',9'\nset grid\n");
    fprintf(g, "set xrange [0.8:%g]\nset logscale x 2\n", max_threads * 1.25);
    for (int t = 0; t < 2; t++) {
        const char *ext = t == 0 ? "png" : "svg";
        const char *term = t == 0 ? "pngcairo" : "svg";
        /* time vs threads, one panel per series, baseline as a line */
        fprintf(g, "set terminal %s size %d,%d\nset output 'time.%s'\n", term, 420 * cols,
                340 * rows, ext);
        fprintf(g, "set multiplot layout %d,%d\n", rows, cols);
        for (int i = 0; i < count; i++) {
            sf_cost_stats b = sf_cost_summarise(series[i].baseline_s, series[i].trials);
            fprintf(g, "set title '%s on %s' noenhanced\nset xlabel 'cores (threads x ranks)'\n"
                       "set ylabel 'run time (s)'\nset yrange [0:*]\n",
                    series[i].algo, series[i].graph);
            fprintf(g, "plot 'plots.dat' index %d using 1:2:3:4 with yerrorlines lw 2 pt 7 "
                       "title 'shardflow (median, min-max)', %.6f with lines dt 2 lw 2 "
                       "title 'baseline, 1 thread'\n",
                    i, b.median);
        }
        fprintf(g, "unset multiplot\n");
        /* speedup over the baseline, all series on one plot */
        fprintf(g, "set terminal %s size 640,480\nset output 'speedup.%s'\n", term, ext);
        fprintf(g, "set title 'speedup over the single-threaded baseline'\n"
                   "set xlabel 'cores (threads x ranks)'\nset ylabel 'baseline median / engine median'\n"
                   "set yrange [0:*]\n");
        fprintf(g, "plot x with lines dt 3 lc rgb 'gray' title 'ideal (x)', 1 with lines dt 2 "
                   "lc rgb 'black' title 'baseline (COST line)'");
        for (int i = 0; i < count; i++)
            fprintf(g, ", 'plots.dat' index %d using 1:5 with linespoints lw 2 pt 7 "
                       "title '%s on %s' noenhanced",
                    i, series[i].algo, series[i].graph);
        fprintf(g, "\n");
    }
    fclose(g);
    char command[4300];
    snprintf(command, sizeof command, "cd '%s' && gnuplot plots.gp 2>&1", dir);
    FILE *p = popen(command, "r");
    if (!p)
        return sf_error_set(err, SF_EINPUT, "could not start gnuplot: %s", strerror(errno));
    char line[512], first[512] = "";
    while (fgets(line, sizeof line, p))
        if (!first[0])
            snprintf(first, sizeof first, "%s", line);
    int status = pclose(p);
    if (status != 0) {
        first[strcspn(first, "\n")] = 0;
        return sf_error_set(err, SF_EINPUT, "gnuplot failed (%s); plots.dat and plots.gp are in %s",
                            first[0] ? first : "is gnuplot-nox installed?", dir);
    }
    return 0;
}
