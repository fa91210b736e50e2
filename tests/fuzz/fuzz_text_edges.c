/* libFuzzer harness for text edge lists (.el, .txt, .wel and the body of LDBC .e files): sf_parse_text_edges.
 * Built and run by `make fuzz`; the checks live in targets.h. */
#include "tests/fuzz/targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_text_edges(data, size);
}
