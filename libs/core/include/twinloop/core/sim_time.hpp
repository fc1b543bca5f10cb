#pragma once

#include <cstdint>

namespace twinloop::core {

// Simulation time is counted in whole nanoseconds inside and shown in seconds outside. The
// division is correctly rounded, so 4'010'000'000 ns is shown as 4.01, the double nearest to
// the decimal a person wrote (multiplying by 1e-9, itself inexact, would give
// 4.010000000000001).
constexpr double to_seconds(std::int64_t nanoseconds) {
  return static_cast<double>(nanoseconds) / 1e9;
}

}  // namespace twinloop::core
