#include "twinloop/core/json_text.hpp"
#include "twinloop/core/sim_time.hpp"
#include "twinloop/sim/run.hpp"

namespace twinloop::sim {

std::string recording_csv(const Recording& recording, const std::vector<std::string>& names,
                          const std::vector<std::size_t>& columns) {
  std::string csv = "time";
  for (auto column : columns)
    (csv += ',') += names[column];
  csv += '\n';
  core::JsonText text(csv);
  const std::size_t width = names.size();
  for (std::size_t row = 0; row < recording.time_ns.size(); ++row) {
    text.number(core::to_seconds(recording.time_ns[row]));
    for (auto column : columns)
      text.raw(",").number(recording.values[row * width + column]);
    csv += '\n';
  }
  return csv;
}

}  // namespace twinloop::sim
