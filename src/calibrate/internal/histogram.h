#pragma once
// Fixed-bin histograms of distances: quantiles and a two-component (Otsu) split in O(bins)
// memory whatever n is. Counts are integers, so merging per-thread histograms gives the same
// result in any order (bit-identical for any thread count).

#include <cstdint>
#include <functional>
#include <vector>

namespace fc::internal {

class Histogram {
public:
    /// `bins` equal bins over [lo, hi]; values outside are clamped to the end bins.
    Histogram(double lo, double hi, int64_t bins);

    void add(double x);  ///< NaN is ignored
    void merge(const Histogram& other);

    int64_t total() const { return total_; }
    int64_t bins() const { return static_cast<int64_t>(counts_.size()); }
    double lo() const { return lo_; }
    double hi() const { return hi_; }
    double bin_width() const { return (hi_ - lo_) / static_cast<double>(counts_.size()); }
    const std::vector<int64_t>& counts() const { return counts_; }

    /// Value below which a fraction q in [0, 1] of the mass lies (linear within a bin);
    /// NaN when empty.
    double quantile(double q) const;

    /// Two-component split of Otsu (1979): the bin edge t maximising the between-class
    /// variance of {x < t} and {x >= t}. NaN when empty or when all mass is in one bin.
    double otsu_threshold() const;

    /// Otsu's separability eta = between-class / total variance at threshold t, in [0, 1]
    /// (1: two point masses; near 0: one blob).
    double separation(double t) const;

    /// Mass fraction below t, and the median of the values below / at or above t.
    double fraction_below(double t) const;
    double median_below(double t) const;
    double median_above(double t) const;

private:
    int64_t bin_of(double x) const;
    double centre(int64_t b) const { return lo_ + (static_cast<double>(b) + 0.5) * bin_width(); }
    // Quantile q of the mass in bins [first, last).
    double quantile_in(double q, int64_t first, int64_t last) const;

    double lo_, hi_;
    std::vector<int64_t> counts_;
    int64_t total_ = 0;
};

/// Histogram of value(i, j) for i in [0, rows), j in [0, cols), built in parallel.
Histogram parallel_histogram(int64_t rows, int64_t cols, double lo, double hi, int64_t bins,
                             int num_threads, const std::function<double(int64_t, int64_t)>& value);

}  // namespace fc::internal
