// libFuzzer target: headerless float32 features (.bin/.f32). The first input byte picks
// --dim (0..255, so 0 and mismatching dims are exercised too); the rest is the file.
#include "facecluster/io/features.h"
#include "facecluster/knn/graph.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace fc::fuzz;
    if (size < 1) return 0;
    const int64_t dim = data[0];
    const InputFile file(data + 1, size - 1, size % 2 == 0 ? ".bin" : ".f32");
    expect_only_documented_errors([&] {
        const fc::FeatureMatrix x = fc::load_features(file.path(), dim);
        require(x.cols == dim && x.rows * dim * 4 == static_cast<int64_t>(size - 1),
                "raw features whose shape does not account for exactly the file's bytes");
        touch(x.data, static_cast<size_t>(x.rows * x.cols) * sizeof(float));
        (void)fc::l2_normalize(x, file.path());  // NaN/Inf/zero rows must be clean errors
    });
    return 0;
}
