#include "metrics.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace twinloop::api {

namespace {

// Label values escape backslash, double quote and newline (Prometheus text format).
std::string label_value(std::string_view text) {
  std::string escaped;
  for (char c : text) {
    if (c == '\\' || c == '"') {
      escaped += '\\';
      escaped += c;
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

}  // namespace

void HttpMetrics::observe(std::string_view route, std::string_view method, int status,
                          std::chrono::nanoseconds latency) {
  const double seconds = std::chrono::duration<double>(latency).count();
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(bucket_bounds.begin(), bucket_bounds.end(), seconds) -
      bucket_bounds.begin());
  std::lock_guard lock(mutex_);
  ++requests_[RequestKey{std::string(route), std::string(method), status}];
  auto found = latencies_.find(route);
  if (found == latencies_.end()) found = latencies_.emplace(std::string(route), Histogram{}).first;
  Histogram& histogram = found->second;
  if (bucket < histogram.buckets.size()) ++histogram.buckets[bucket];
  ++histogram.count;
  histogram.sum_seconds += seconds;
}

std::string HttpMetrics::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  out +=
      "# HELP twinloop_http_requests_total HTTP requests answered, by route, method and "
      "status.\n# TYPE twinloop_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    out +=
        fmt::format("twinloop_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                    label_value(key.route), label_value(key.method), key.status, count);
  }
  out +=
      "# HELP twinloop_http_request_duration_seconds Time from a request's arrival to its "
      "response being written.\n# TYPE twinloop_http_request_duration_seconds histogram\n";
  for (const auto& [route, histogram] : latencies_) {
    const std::string label = label_value(route);
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < bucket_bounds.size(); ++i) {
      cumulative += histogram.buckets[i];
      out += fmt::format(
          "twinloop_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", label,
          bucket_bounds[i], cumulative);
    }
    out += fmt::format(
        "twinloop_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", label,
        histogram.count);
    out += fmt::format("twinloop_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", label,
                       histogram.sum_seconds);
    out += fmt::format("twinloop_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", label,
                       histogram.count);
  }
  return out;
}

}  // namespace twinloop::api
