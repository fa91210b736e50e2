/* libFuzzer harness for .gz inputs: sf_file_read's inflation, then the text parser.
 * Built and run by `make fuzz`; the checks live in targets.h. */
#include "tests/fuzz/targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_gzip(data, size);
}
