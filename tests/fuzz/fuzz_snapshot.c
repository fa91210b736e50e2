/* libFuzzer harness for .sfg snapshots: sf_snapshot_read_header, sf_snapshot_read (mapped or
 * read) and sf_snapshot_read_rows; the first byte chooses how (checksums recomputed first, read
 * instead of mapped, rows read alone), the next two the rows, the rest is the file.
 * Built and run by `make fuzz`; the checks live in targets.h. */
#include "tests/fuzz/targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_snapshot(data, size);
}
