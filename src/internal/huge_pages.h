#pragma once
/// An allocator for the large arrays that kernels read at random (TPDi's transition rows,
/// the density tables): 2 MiB-aligned and marked MADV_HUGEPAGE, so that a random row read
/// costs one TLB entry per 2 MiB instead of per 4 KiB. With the kernel's default THP mode
/// ("madvise") the pages are huge only if asked for; at 584K faces the 374 MB of TPDi rows
/// span 91K small pages, far beyond the TLB, and every row read was a page walk.

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace fc::internal {

template <class T>
struct HugePageAllocator {
    using value_type = T;
    static constexpr std::size_t kHugePage = std::size_t{2} << 20;

    HugePageAllocator() = default;
    template <class U>
    HugePageAllocator(const HugePageAllocator<U>&) noexcept {}

    T* allocate(std::size_t count) {
        const std::size_t bytes = count * sizeof(T);
        if (bytes < kHugePage) {  // small arrays: not worth a 2 MiB alignment
            // At T's own alignment, which may exceed malloc's (TPDi's 32-byte row summaries;
            // UBSan caught a 1-face graph's misaligned one). aligned_alloc needs a multiple.
            constexpr std::size_t align = alignof(T) > alignof(std::max_align_t) ? alignof(T)
                                                                                 : alignof(std::max_align_t);
            const std::size_t size = bytes == 0 ? align : (bytes + align - 1) / align * align;
            if (void* p = std::aligned_alloc(align, size)) return static_cast<T*>(p);
            throw std::bad_alloc();
        }
        const std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
        void* p = std::aligned_alloc(kHugePage, rounded);
        if (p == nullptr) throw std::bad_alloc();
        madvise(p, rounded, MADV_HUGEPAGE);  // advice only: failure leaves small pages
        return static_cast<T*>(p);
    }
    void deallocate(T* p, std::size_t) noexcept { std::free(p); }

    /// resize(n) and vector(n) leave the elements uninitialised (default-initialised), so
    /// the parallel loop that fills such an array is the first to touch its pages and the
    /// kernel's page clearing runs on every thread instead of in one serial memset. Give an
    /// explicit value (vector(n, 0)) to have them set.
    template <class U>
    void construct(U* p) noexcept {
        static_assert(std::is_trivially_default_constructible_v<U>);
        ::new (static_cast<void*>(p)) U;
    }
    template <class U, class... Args>
    void construct(U* p, Args&&... args) {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }

    template <class U>
    bool operator==(const HugePageAllocator<U>&) const noexcept { return true; }
};

/// A vector whose storage is huge-page backed once it is 2 MiB or more; vector(n) leaves the
/// elements uninitialised (see construct).
template <class T>
using HugePageVector = std::vector<T, HugePageAllocator<T>>;

}  // namespace fc::internal
