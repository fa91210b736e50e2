/* Run records as JSON, and the host facts they carry. The build bakes the
 * version (git describe) and the flags in; everything else is read at run
 * time. */
#include "record.h"

#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#ifndef SF_VERSION
#define SF_VERSION "unknown"
#endif
#ifndef SF_CFLAGS
#define SF_CFLAGS "unknown"
#endif

void sf_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", out);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

uint64_t sf_peak_rss_bytes(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0;
    return (uint64_t)ru.ru_maxrss * 1024;
}

const char *sf_host_cpu_model(void)
{
    static char model[256];
    if (model[0])
        return model;
    snprintf(model, sizeof model, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return model;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) == 0) {
            char *colon = strchr(line, ':');
            if (colon) {
                colon++;
                while (*colon == ' ' || *colon == '\t')
                    colon++;
                colon[strcspn(colon, "\n")] = 0;
                snprintf(model, sizeof model, "%s", colon);
            }
            break;
        }
    }
    fclose(f);
    return model;
}

int sf_host_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

uint64_t sf_host_memory_bytes(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? (uint64_t)pages * size : 0;
}

const char *sf_version(void)
{
    return SF_VERSION;
}

void sf_record_write(FILE *out, const sf_run_info *r)
{
    char host[256];
    if (gethostname(host, sizeof host) != 0)
        snprintf(host, sizeof host, "unknown");
    host[sizeof host - 1] = 0;
    fputs("{\"algo\": ", out);
    sf_json_string(out, r->algo);
    fputs(", \"engine\": ", out);
    sf_json_string(out, r->engine);
    fputs(", \"graph\": {\"source\": ", out);
    sf_json_string(out, r->source);
    fprintf(out, ", \"vertices\": %llu, \"edges\": %llu, \"directed\": %s}",
            (unsigned long long)r->vertices, (unsigned long long)r->edges,
            r->directed ? "true" : "false");
    fprintf(out, ", \"threads\": %d, \"ranks\": %d", r->threads, r->ranks);
    fprintf(out, ", \"placement\": %s", r->placement_json ? r->placement_json : "null");
    fprintf(out, ", \"times\": {\"load_s\": %.6f, \"build_s\": %.6f, \"run_s\": %.6f, \"iterations_s\": [",
            r->load_s, r->build_s, r->run_s);
    for (int i = 0; i < r->iterations && r->iteration_s; i++)
        fprintf(out, "%s%.6f", i ? ", " : "", r->iteration_s[i]);
    fprintf(out, "]}, \"iterations\": %d", r->iterations);
    fprintf(out, ", \"peak_rss_bytes\": %llu", (unsigned long long)r->peak_rss_bytes);
    fputs(", \"verify\": ", out);
    sf_json_string(out, r->verify ? r->verify : "skipped");
    fprintf(out, ", \"result\": %s", r->result_json ? r->result_json : "{}");
    fputs(", \"version\": ", out);
    sf_json_string(out, SF_VERSION);
    fputs(", \"compiler\": ", out);
    sf_json_string(out, "gcc " __VERSION__);
    fputs(", \"cflags\": ", out);
    sf_json_string(out, SF_CFLAGS);
    fputs(", \"host\": {\"name\": ", out);
    sf_json_string(out, host);
    fputs(", \"cpu\": ", out);
    sf_json_string(out, sf_host_cpu_model());
    fprintf(out, ", \"cores\": %d, \"memory_bytes\": %llu}", sf_host_cores(),
            (unsigned long long)sf_host_memory_bytes());
    fputs(", \"bytes_sent_per_iteration\": [", out);
    for (int i = 0; i < r->iterations && r->bytes_sent_per_iteration; i++)
        fprintf(out, "%s%llu", i ? ", " : "", (unsigned long long)r->bytes_sent_per_iteration[i]);
    fprintf(out, "], \"comm_wait_s\": %.6f", r->comm_wait_s);
    if (r->distributed_json)
        fprintf(out, ", \"distributed\": %s", r->distributed_json);
    fprintf(out, ", \"seed\": %llu", (unsigned long long)r->seed);
    if (r->trial >= 0)
        fprintf(out, ", \"trial\": %d", r->trial);
    if (r->command_line) {
        fputs(", \"command\": ", out);
        sf_json_string(out, r->command_line);
    }
    fputc('}', out);
}
