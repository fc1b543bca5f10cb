#pragma once

#include <chrono>
#include <cmath>

namespace twinloop::opcua {

using Clock = std::chrono::steady_clock;

// The longest wait any timer of ours is armed with (about 31 years). Durations come off the
// wire as doubles, and converting one beyond the clock's range is undefined behaviour.
inline constexpr double kLongestDurationMs = 1e12;

// OPC UA durations are milliseconds as a double; NaN and negative ones are no wait at all, huge
// ones are capped.
inline Clock::duration from_milliseconds(double milliseconds) {
  if (!(milliseconds > 0)) return Clock::duration::zero();
  return std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double, std::milli>(std::fmin(milliseconds, kLongestDurationMs)));
}

}  // namespace twinloop::opcua
