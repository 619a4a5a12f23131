// libFuzzer target: big-ann-benchmarks .fbin features (int32 n, int32 d, then n*d float32).
#include "facecluster/io/features.h"
#include "facecluster/knn/graph.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace fc::fuzz;
    const InputFile file(data, size, ".fbin");
    expect_only_documented_errors([&] {
        const fc::FeatureMatrix x = fc::load_features(file.path());
        require(x.rows > 0 && x.cols > 0 && 8 + x.rows * x.cols * 4 == static_cast<int64_t>(size),
                ".fbin features whose shape does not account for exactly the file's bytes");
        touch(x.data, static_cast<size_t>(x.rows * x.cols) * sizeof(float));
        (void)fc::l2_normalize(x, file.path());
    });
    return 0;
}
