// The allocator of the kernels' large arrays: small arrays come from the heap, and must still
// honour the element type's alignment (TPDi's 32-byte row summaries; a 1-face graph once got
// a 16-byte-aligned one, which UBSan reported).
#include "../../src/internal/huge_pages.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace fc {
namespace {

struct alignas(32) Wide {
    double a;
    float b;
};

TEST(HugePageVector, SmallAndLargeArraysHonourTheTypesAlignment) {
    // Many arrays at once: a heap that aligns to 16 bytes hands out a 32-byte-aligned block
    // only about half the time, so one lucky array proves nothing.
    std::vector<internal::HugePageVector<Wide>> arrays;
    for (int copy = 0; copy < 16; ++copy)
        for (const size_t count : {size_t{1}, size_t{3}, size_t{1000}, size_t{70000}})
            arrays.emplace_back(count);
    for (const auto& v : arrays)
        EXPECT_EQ(reinterpret_cast<std::uintptr_t>(v.data()) % alignof(Wide), 0u) << v.size();
    internal::HugePageVector<double> large(size_t{1} << 20);  // 8 MiB: on a 2 MiB boundary
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(large.data()) % (size_t{2} << 20), 0u);
}

}  // namespace
}  // namespace fc
