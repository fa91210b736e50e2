/* The environment switches and knobs: getenv, read each time asked. */
#include "env.h"

#include <stdlib.h>
#include <string.h>

bool sf_env_flag(const char *name)
{
    const char *v = getenv(name);
    return v && *v && strcmp(v, "0") != 0;
}

int sf_env_choice(const sf_env_knob *knob)
{
    const char *v = getenv(knob->name);
    if (!v || !*v)
        return 0;
    for (int i = 0; knob->values[i]; i++)
        if (strcmp(v, knob->values[i]) == 0)
            return i;
    return -1;
}
