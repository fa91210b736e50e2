/* The human end of a COST study: report.md (the machine, one table per
 * graph x kernel, the COST lines, the COST paper's published figures beside
 * ours) and the plots, drawn by gnuplot from a data file and a script that
 * stay in the output folder so a reader can redraw or restyle them. */
#ifndef SF_REPORT_H
#define SF_REPORT_H

#include "bench/cost.h"

/* Writes DIR/report.md. `study_s` is the study's wall time. Errors: -errno
 * with a message naming the file. */
int sf_report_write(const char *dir, const sf_cost_options *o, const sf_cost_series *series,
                    int count, double study_s, sf_error *err);

/* Writes DIR/plots.dat and DIR/plots.gp and runs gnuplot on them, giving
 * time.png/.svg (time vs threads per kernel, the baseline as a horizontal
 * line) and speedup.png/.svg (speedup over the baseline vs threads, with
 * the ideal line and the COST line y = 1). Errors: SF_EINPUT when gnuplot is
 * missing or fails (the message says which), -errno. */
int sf_report_plots(const char *dir, const sf_cost_series *series, int count, sf_error *err);

#endif
