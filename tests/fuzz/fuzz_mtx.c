/* libFuzzer harness for Matrix Market files: sf_mtx_read_header, sf_parse_mtx
 * and sf_read_mtx_in (the same bytes read by windows).
 * Built and run by `make fuzz`; the checks live in targets.h. */
#include "tests/fuzz/targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_mtx(data, size);
}
