/* Helpers shared by the tests: graphs from literal arc tables, engines of a
 * given size, the datasets folder, running the CLI binary, reading the
 * JSON it prints (jansson) by member path, and the check that the parts
 * ranks read are one process's list. */
#ifndef SF_TEST_SUPPORT_H
#define SF_TEST_SUPPORT_H

#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "datasets/generators.h"
#include "engine/edge_list.h"
#include "engine/engine.h"
#include "engine/graph.h"
#include "io/input.h"

static inline sf_graph *graph_from_arcs(const uint64_t (*arcs)[2], size_t count, bool undirected)
{
    sf_edge_list e;
    sf_edge_list_init(&e);
    for (size_t i = 0; i < count; i++)
        cr_assert_eq(sf_edge_list_push(&e, arcs[i][0], arcs[i][1], 0), 0);
    /* original order: tests built on literal arcs check exact layouts */
    sf_build_options opt = {.undirected = undirected, .original_order = true};
    sf_graph *g = NULL;
    sf_error err;
    cr_assert_eq(sf_graph_build(&e, &opt, "test", &g, &err), 0, "%s", err.msg);
    sf_edge_list_fini(&e);
    return g;
}

/* A generated graph built with the given options. */
static inline sf_graph *graph_generated_with(const char *spec, uint64_t seed,
                                             const sf_build_options *opt)
{
    sf_edge_list e;
    sf_edge_list_init(&e);
    sf_error err;
    cr_assert_eq(sf_generate(spec, seed, &e, &err), 0, "%s", err.msg);
    sf_graph *g = NULL;
    cr_assert_eq(sf_graph_build(&e, opt, spec, &g, &err), 0, "%s", err.msg);
    sf_edge_list_fini(&e);
    return g;
}

static inline sf_graph *graph_generated(const char *spec, uint64_t seed, bool undirected)
{
    sf_build_options opt = {.undirected = undirected};
    return graph_generated_with(spec, seed, &opt);
}

static inline const char *datasets_dir(void);

/* A SNAP graph of ../shared/datasets/snap, symmetrised, built as the CLI
 * builds it (degree order). */
static inline sf_graph *graph_snap(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/snap/%s", datasets_dir(), name);
    sf_edge_list e;
    sf_edge_list_init(&e);
    sf_error err;
    cr_assert_eq(sf_input_read_file(path, &e, &err), 0, "%s", err.msg);
    sf_build_options opt = {.undirected = true};
    sf_graph *g = NULL;
    cr_assert_eq(sf_graph_build(&e, &opt, path, &g, &err), 0, "%s", err.msg);
    sf_edge_list_fini(&e);
    return g;
}

/* An engine made with `opt` and g attached to it. */
static inline sf_engine *engine_with(const sf_engine_options *opt, const sf_graph *g)
{
    sf_engine *e = NULL;
    sf_error err;
    cr_assert_eq(sf_engine_create(opt, &e, &err), 0, "%s", err.msg);
    cr_assert_eq(sf_engine_attach(e, g, &err), 0, "%s", err.msg);
    return e;
}

static inline sf_engine *engine_for(const sf_graph *g, int threads, int shards)
{
    sf_engine_options opt = {.threads = threads, .shards = shards, .no_pin = true};
    return engine_with(&opt, g);
}

static inline const char *datasets_dir(void)
{
    const char *d = getenv("SF_DATASETS");
    return d ? d : "../shared/datasets";
}

static inline const char *cli_binary(void)
{
    const char *b = getenv("SF_BIN");
    return b ? b : "bin/shardflow";
}

/* Runs the shell command `cmd`; captures stdout and stderr into the given
 * buffers (may be NULL); returns the exit status (-1 when it did not exit). */
static inline int run_shell(const char *cmd, char *out, size_t out_len, char *errbuf, size_t err_len)
{
    char errfile[] = "/tmp/sf-test-stderr-XXXXXX";
    int fd = mkstemp(errfile);
    cr_assert(fd >= 0);
    close(fd);
    char line[16384];
    snprintf(line, sizeof line, "%s 2>%s", cmd, errfile);
    FILE *p = popen(line, "r");
    cr_assert(p, "popen %s", line);
    size_t n = 0;
    char sink[4096];
    for (;;) {
        char *dst = out && n + 1 < out_len ? out + n : sink;
        size_t room = out && n + 1 < out_len ? out_len - n - 1 : sizeof sink;
        size_t got = fread(dst, 1, room, p);
        if (got == 0)
            break;
        if (dst != sink)
            n += got;
    }
    if (out)
        out[n] = 0;
    int status = pclose(p);
    if (errbuf) {
        FILE *f = fopen(errfile, "r");
        size_t m = f ? fread(errbuf, 1, err_len - 1, f) : 0;
        errbuf[m] = 0;
        if (f)
            fclose(f);
    }
    unlink(errfile);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Runs the CLI with `args` (a shell fragment), as run_shell. */
static inline int run_cli(const char *args, char *out, size_t out_len, char *errbuf, size_t err_len)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "%s %s", cli_binary(), args);
    return run_shell(cmd, out, out_len, errbuf, err_len);
}

/* The member at `path` of the JSON object that the text `json` holds (what
 * --json prints: one object), parsed into *root, which the caller
 * json_decref's; `path` names members of members with dots
 * ("distributed.arcs_read", "estimate.vertices"). Fails the test when the
 * text is not JSON or the member is missing. */
static inline json_t *record_member(const char *json, const char *path, json_t **root)
{
    json_error_t error;
    json_t *record = json_loads(json, 0, &error);
    cr_assert_not_null(record, "not JSON (%s at %d): %s", error.text, error.position, json);
    json_t *at = record;
    char key[128];
    for (const char *p = path; at && *p;) {
        size_t n = strcspn(p, ".");
        cr_assert_lt(n, sizeof key);
        memcpy(key, p, n);
        key[n] = 0;
        at = json_object_get(at, key);
        p += n + (p[n] == '.');
    }
    cr_assert_not_null(at, "no %s in %s", path, json);
    *root = record;
    return at;
}

/* The unsigned integers at `path` of the JSON text `json` (record_member),
 * an array of them or one alone, into v (at most max); returns how many. */
static inline size_t record_numbers(const char *json, const char *path, uint64_t *v, size_t max)
{
    json_t *record, *at = record_member(json, path, &record);
    size_t count = json_is_array(at) ? json_array_size(at) : 1;
    cr_assert_leq(count, max, "%s: %zu values", path, count);
    for (size_t i = 0; i < count; i++) {
        json_t *value = json_is_array(at) ? json_array_get(at, i) : at;
        cr_assert(json_is_integer(value) && json_integer_value(value) >= 0,
                  "%s[%zu] is not an unsigned integer: %s", path, i, json);
        v[i] = (uint64_t)json_integer_value(value);
    }
    json_decref(record);
    return count;
}

/* The one unsigned integer at `path` of the JSON text `json`. */
static inline uint64_t record_number(const char *json, const char *path)
{
    uint64_t v;
    cr_assert_eq(record_numbers(json, path, &v, 1), 1, "%s: %s", path, json);
    return v;
}

/* The boolean at `path` of the JSON text `json` (anything else fails). */
static inline bool record_flag(const char *json, const char *path)
{
    json_t *record, *at = record_member(json, path, &record);
    cr_assert(json_is_boolean(at), "%s is not true or false: %s", path, json);
    bool flag = json_is_true(at);
    json_decref(record);
    return flag;
}

/* DIR/results.json, a bench study's, parsed into *root (the caller
 * json_decref's it); returns its study.config. */
static inline json_t *study_config(const char *dir, json_t **root)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/results.json", dir);
    json_error_t error;
    *root = json_load_file(path, 0, &error);
    cr_assert_not_null(*root, "%s: %s", path, error.text);
    json_t *config = json_object_get(json_object_get(*root, "study"), "config");
    cr_assert(json_is_object(config), "%s: no study.config", path);
    return config;
}

/* The lists parts[0..count), one after another, are `whole`, one
 * process's read of the same input (`what` names it): as many arcs, the
 * same ends in the same order, whatever width each list holds its ids in;
 * in every part that holds arcs, weights when `weighted`, the same as
 * whole's, and none otherwise; in every part, whole's dense vertex count,
 * and the directedness whole declares where it declares one. */
static inline void assert_parts_are_whole(const sf_edge_list *parts, int count,
                                          const sf_edge_list *whole, bool weighted,
                                          const char *what)
{
    cr_assert(!weighted || whole->weight, "%s: one process read no weights", what);
    uint64_t at = 0;
    for (int k = 0; k < count; k++) {
        const sf_edge_list *part = &parts[k];
        if (part->count)
            cr_assert_eq(part->weight != NULL, weighted, "%s: part %d holds %sweights", what, k,
                         part->weight ? "" : "no ");
        cr_assert_eq(part->dense_vertices, whole->dense_vertices, "%s: part %d", what, k);
        if (whole->declared_directed >= 0)
            cr_assert_eq(part->declared_directed, whole->declared_directed, "%s: part %d", what,
                         k);
        cr_assert_leq(part->count, whole->count - at,
                      "%s: part %d ends past one process's %llu arcs", what, k,
                      (unsigned long long)whole->count);
        for (uint64_t i = 0; i < part->count; i++, at++) {
            uint64_t s, d, want_s, want_d;
            sf_edge_list_ends(part, part->narrow, i, &s, &d);
            sf_edge_list_ends(whole, whole->narrow, at, &want_s, &want_d);
            cr_assert(s == want_s && d == want_d,
                      "%s: arc %llu (part %d's %llu) is %llu -> %llu, one process read "
                      "%llu -> %llu", what, (unsigned long long)at, k, (unsigned long long)i,
                      (unsigned long long)s, (unsigned long long)d,
                      (unsigned long long)want_s, (unsigned long long)want_d);
            if (weighted)
                cr_assert_eq(part->weight[i], whole->weight[at], "%s: weight of arc %llu",
                             what, (unsigned long long)at);
        }
    }
    cr_assert_eq(at, whole->count, "%s: the parts hold %llu arcs, one process read %llu", what,
                 (unsigned long long)at, (unsigned long long)whole->count);
}

#endif
