// libFuzzer target: text labels (.txt/.meta: one integer per line).
#include "facecluster/io/labels.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace fc::fuzz;
    const InputFile file(data, size, size % 2 == 0 ? ".txt" : ".meta");
    expect_only_documented_errors([&] {
        const fc::Labels labels = fc::load_labels(file.path());
        require(labels.size() <= size, "more labels than bytes (each needs a digit)");
    });
    return 0;
}
