/* libFuzzer harness for gapbs serialized graphs: sf_parse_gapbs; the first byte chooses .sg
 * (even) or .wsg (odd).
 * Built and run by `make fuzz`; the checks live in targets.h. */
#include "tests/fuzz/targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_gapbs(data, size);
}
