/* libFuzzer harness for LDBC graphs (.e with .v and .properties beside it): sf_read_ldbc and sf_ldbc_property;
 * the input is the three files separated by NUL bytes.
 * Built and run by `make fuzz`; the checks live in targets.h. */
#include "tests/fuzz/targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_ldbc(data, size);
}
