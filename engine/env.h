/* The environment switches and knobs (SF_*) that every layer reads: a
 * switch is on or off, a knob picks one of a few named variants. */
#ifndef SF_ENV_H
#define SF_ENV_H

#include <stdbool.h>

/* Whether environment variable NAME is set to something other than "" or
 * "0" (the SF_* switches). */
bool sf_env_flag(const char *name);

/* An environment variable that picks one of a few variants (README,
 * "Environment knobs"): its name and the values its reader takes, the
 * default's first, NULL after the last. Each reader owns its knob and says
 * it in its header, so that the CLI can refuse a value no reader takes. */
typedef struct sf_env_knob {
    const char *name;
    const char *const *values;
} sf_env_knob;

/* The index in knob->values of the variable's value: 0 (the default) when
 * it is unset or empty, -1 for a value the knob does not take (a reader
 * then takes its default: every index but the one it asks for). */
int sf_env_choice(const sf_env_knob *knob);

#endif
