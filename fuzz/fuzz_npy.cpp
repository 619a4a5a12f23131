// libFuzzer target: .npy files through every reader that accepts them (features, labels and
// the generic numeric loader), plus the header parser on the raw bytes.
#include <span>

#include "facecluster/io/features.h"
#include "facecluster/io/labels.h"
#include "facecluster/io/npy.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace fc::fuzz;
    expect_only_documented_errors([&] {
        const fc::NpyHeader h = fc::parse_npy_header({data, size}, "input.npy");
        require(h.count() >= 0 && h.data_offset <= static_cast<int64_t>(size),
                "parsed .npy header with a negative count or an offset past the input");
    });
    const InputFile file(data, size, ".npy");
    expect_only_documented_errors([&] {
        const fc::FeatureMatrix x = fc::load_features(file.path());
        require(x.rows > 0 && x.cols > 0, "loaded an empty feature matrix");
        touch(x.data, static_cast<size_t>(x.rows * x.cols) * sizeof(float));
    });
    expect_only_documented_errors([&] { (void)fc::load_labels(file.path()); });
    expect_only_documented_errors([&] { (void)fc::load_npy_as_double(file.path()); });
    return 0;
}
