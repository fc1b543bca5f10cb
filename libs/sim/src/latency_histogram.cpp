#include "twinloop/sim/latency_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace twinloop::sim {

namespace {

constexpr double smallest = 1e-6;
constexpr double growth = 1.05;
const double log_growth = std::log(growth);

}  // namespace

void LatencyHistogram::add(double seconds) {
  std::size_t bucket = 0;
  if (seconds > smallest) {
    const double steps = std::ceil(std::log(seconds / smallest) / log_growth);
    bucket = static_cast<std::size_t>(std::min(steps, static_cast<double>(bucket_count - 1)));
  }
  ++buckets_[bucket];
  ++count_;
  max_ = std::max(max_, seconds);
}

double LatencyHistogram::quantile(double q) const {
  if (count_ == 0) return 0.0;
  const auto rank =
      static_cast<std::int64_t>(std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(count_)));
  std::int64_t seen = 0;
  for (std::size_t bucket = 0; bucket < bucket_count; ++bucket) {
    seen += buckets_[bucket];
    if (seen >= std::max<std::int64_t>(rank, 1)) {
      // The last bucket also holds everything beyond its edge; the maximum bounds it.
      const double edge = smallest * std::pow(growth, static_cast<double>(bucket));
      return std::min(edge, std::max(max_, smallest));
    }
  }
  return max_;
}

}  // namespace twinloop::sim
