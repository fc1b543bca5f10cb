#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace twinloop::api {

// Request counters and latency histograms per route, rendered in the Prometheus text format.
class HttpMetrics {
 public:
  void observe(std::string_view route, std::string_view method, int status,
               std::chrono::nanoseconds latency);
  std::string render() const;

 private:
  static constexpr std::array<double, 14> bucket_bounds{
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};

  struct Histogram {
    std::array<std::uint64_t, bucket_bounds.size()> buckets{};  // not cumulative
    std::uint64_t count = 0;
    double sum_seconds = 0;
  };
  struct RequestKey {
    std::string route;
    std::string method;
    int status = 0;
    auto operator<=>(const RequestKey&) const = default;
  };

  mutable std::mutex mutex_;
  std::map<RequestKey, std::uint64_t> requests_;
  std::map<std::string, Histogram, std::less<>> latencies_;
};

}  // namespace twinloop::api
