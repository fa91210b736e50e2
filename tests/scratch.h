/* Needs _GNU_SOURCE before the first include (asprintf, nftw).
 *
 * A fresh temporary folder per test (make_tmp_dir / remove_tmp_dir as
 * Criterion's .init / .fini), paths inside it, and small files written into
 * it and read back. Included by the tests that write files; each test
 * binary's translation unit gets its own folder. */
#ifndef SF_TEST_SCRATCH_H
#define SF_TEST_SCRATCH_H

#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char tmp_dir[64];

static inline void make_tmp_dir(void)
{
    strcpy(tmp_dir, "/tmp/sf_test_XXXXXX");
    cr_assert_not_null(mkdtemp(tmp_dir));
}

static inline int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static inline void remove_tmp_dir(void)
{
    nftw(tmp_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A new string: NAME inside the temporary folder. The caller frees it. */
static inline char *tmp_path(const char *name)
{
    char *path;
    cr_assert(asprintf(&path, "%s/%s", tmp_dir, name) > 0);
    return path;
}

/* Writes len bytes as NAME in the temporary folder; returns its path (the
 * caller frees it). */
static inline char *write_file(const char *name, const void *bytes, size_t len)
{
    char *path = tmp_path(name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(bytes, 1, len, f), len);
    fclose(f);
    return path;
}

static inline char *write_text(const char *name, const char *text)
{
    return write_file(name, text, strlen(text));
}

/* The whole file PATH, NUL-terminated; its length in *len unless len is
 * NULL. The caller frees it. */
static inline char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)n + 1);
    cr_assert_not_null(text);
    cr_assert_eq(fread(text, 1, (size_t)n, f), (size_t)n);
    text[n] = 0;
    fclose(f);
    if (len)
        *len = (size_t)n;
    return text;
}

#endif
