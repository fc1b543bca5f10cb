#pragma once

#include <array>
#include <cstdint>

namespace twinloop::sim {

// Durations (seconds) in logarithmic buckets 5 % wide from 1 µs to about 4 minutes, so that
// quantiles of a run of any length cost constant memory and time. A quantile is the upper
// edge of its bucket: never below the true value, at most 5 % above it (values under 1 µs
// count as 1 µs). The maximum is exact.
class LatencyHistogram {
 public:
  void add(double seconds);
  // q in [0, 1]; 0 when nothing was added.
  double quantile(double q) const;
  double max() const { return max_; }
  std::int64_t count() const { return count_; }

 private:
  static constexpr std::size_t bucket_count = 400;
  std::array<std::int64_t, bucket_count> buckets_{};
  std::int64_t count_ = 0;
  double max_ = 0.0;
};

}  // namespace twinloop::sim
