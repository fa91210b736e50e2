/* SF_TRACE_LOAD's lines as the tests read them from a command's stderr:
 * "load phase [rank R ]NAME WALL s CPU cpu-s FAULTS faults", one a phase
 * (engine/parallel.c, sf_trace_phase), in the order the load passed them.
 * One parser for every test that checks them (the CLI's, one process; the
 * ranks', each line naming its rank). */
#ifndef SF_TEST_TRACE_H
#define SF_TEST_TRACE_H

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct load_phase {
    char name[32];
    double wall, cpu;           /* seconds since the mark before */
    long faults;                /* page faults since the mark before */
} load_phase;

#define LOAD_PHASES_MAX 64

/* One line's phase (after its prefix, up to its end): the name, which may
 * hold a blank ("max id"), then "WALL s CPU cpu-s FAULTS faults". */
static inline void parse_load_phase(const char *text, size_t len, load_phase *p)
{
    char copy[256], *tokens[16], *state;
    int n = 0;
    cr_assert_lt(len, sizeof copy, "a phase line too long: %.*s", (int)len, text);
    memcpy(copy, text, len);
    copy[len] = 0;
    for (char *t = strtok_r(copy, " \t\r", &state); t && n < 16;
         t = strtok_r(NULL, " \t\r", &state))
        tokens[n++] = t;
    char *end[3];
    cr_assert(n >= 7 && strcmp(tokens[n - 5], "s") == 0 && strcmp(tokens[n - 3], "cpu-s") == 0 &&
                  strcmp(tokens[n - 1], "faults") == 0,
              "a phase line that does not parse: %.*s", (int)len, text);
    p->wall = strtod(tokens[n - 6], &end[0]);
    p->cpu = strtod(tokens[n - 4], &end[1]);
    p->faults = strtol(tokens[n - 2], &end[2], 10);
    cr_assert(!*end[0] && !*end[1] && !*end[2], "a phase line that does not parse: %.*s",
              (int)len, text);
    p->name[0] = 0;
    for (int k = 0; k < n - 6; k++) {
        size_t at = strlen(p->name);
        snprintf(p->name + at, sizeof p->name - at, "%s%s", k ? " " : "", tokens[k]);
    }
}

/* The phases that the stderr text `err` prints for `rank` (-1: the lines
 * that name no rank), in order, into phases[0..LOAD_PHASES_MAX); returns
 * how many. Each such line must parse, with figures of 0 or more, and the
 * first must be all zeros: the first mark starts the clocks. */
static inline size_t load_phases(const char *err, int rank, load_phase *phases)
{
    char prefix[48];
    if (rank < 0)
        snprintf(prefix, sizeof prefix, "load phase ");
    else
        snprintf(prefix, sizeof prefix, "load phase rank %d ", rank);
    size_t count = 0, len = strlen(prefix);
    for (const char *line = err; *line;) {
        const char *end = strchr(line, '\n');
        size_t line_len = end ? (size_t)(end - line) : strlen(line);
        bool mine = strncmp(line, prefix, len) == 0 &&
                    (rank >= 0 || strncmp(line, "load phase rank ", 16) != 0);
        if (mine) {
            cr_assert_lt(count, LOAD_PHASES_MAX, "more than %d phases: %s", LOAD_PHASES_MAX, err);
            load_phase *p = &phases[count];
            parse_load_phase(line + len, line_len - len, p);
            cr_assert(p->wall >= 0 && p->cpu >= 0 && p->faults >= 0, "%s", err);
            if (count == 0)
                cr_assert(p->wall == 0 && p->cpu == 0 && p->faults == 0,
                          "the first mark starts the clocks: %s", err);
            count++;
        }
        if (!end)
            break;
        line = end + 1;
    }
    return count;
}

/* Asserts that `rank`'s phases in err (as load_phases reads them) are
 * names[0..count), in that order, and no others; they go to phases when
 * it is not NULL (LOAD_PHASES_MAX entries). */
static inline void expect_load_phases(const char *err, int rank, const char *const *names,
                                      size_t count, load_phase *phases)
{
    load_phase own[LOAD_PHASES_MAX];
    if (!phases)
        phases = own;
    size_t got = load_phases(err, rank, phases);
    for (size_t k = 0; k < got && k < count; k++)
        cr_assert_str_eq(phases[k].name, names[k], "rank %d: phase %zu is %s, expected %s: %s",
                         rank, k, phases[k].name, names[k], err);
    cr_assert_eq(got, count, "rank %d printed %zu phases, expected %zu: %s", rank, got, count,
                 err);
}

#endif
