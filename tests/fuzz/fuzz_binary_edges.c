/* libFuzzer harness for Gemini/GridGraph binary edge lists: sf_parse_binary_edges; the first
 * byte chooses .bin or .wbin (bit 0) and a vertex count (the other bits).
 * Built and run by `make fuzz`; the checks live in targets.h. */
#include "tests/fuzz/targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_binary_edges(data, size);
}
