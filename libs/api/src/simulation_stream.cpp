// WS /api/v1/simulations/{id}/stream: a simulation's live signals and state changes.
#include <fmt/format.h>

#include <charconv>
#include <string>
#include <vector>

#include "request_body.hpp"
#include "router.hpp"
#include "routes.hpp"
#include "simulations.hpp"
#include "twinloop/core/error.hpp"
#include "twinloop/core/json_text.hpp"
#include "twinloop/core/sim_time.hpp"

namespace twinloop::api {

namespace {

using nlohmann::json;

constexpr int default_rate = 20;
constexpr int max_rate = 60;
constexpr std::int64_t default_history = 500;
constexpr std::int64_t min_history = 3;
constexpr std::int64_t max_history = 10'000;

// What a client watches: signals (indices into Plan::signals), frames per second, and the
// most samples one frame carries.
struct Selection {
  std::vector<std::uint32_t> signals;
  std::vector<std::string> names;
  int rate = default_rate;
  std::int64_t history = default_history;
};

// Reports a problem with one part of the selection, named as a query parameter (before the
// upgrade) or as a JSON pointer (in a message).
class SelectionProblems {
 public:
  explicit SelectionProblems(bool from_query) : from_query_(from_query) {}

  [[noreturn]] void fail(core::ErrorKind kind, std::string_view field, std::string detail) const {
    core::FieldProblem problem;
    problem.detail = detail;
    if (from_query_) {
      problem.query_parameter = std::string(field);
    } else {
      problem.pointer = fmt::format("/{}", field);
    }
    throw core::Error(kind, std::move(detail), {std::move(problem)});
  }

 private:
  bool from_query_;
};

void select_signals(Selection& selection, const Simulation& simulation,
                    const std::vector<std::string>& names, const SelectionProblems& problems) {
  const auto& signals = simulation.run->plan().signals;
  selection.signals.clear();
  selection.names.clear();
  for (const auto& name : names) {
    std::uint32_t index = 0;
    while (index < signals.size() && signals[index].name != name)
      ++index;
    if (index == signals.size()) {
      problems.fail(core::ErrorKind::unprocessable, "signals",
                    fmt::format("the model has no output signal '{}' (signals are named "
                                "component.port, outputs only)",
                                name));
    }
    selection.signals.push_back(index);
    selection.names.push_back(name);
  }
}

void check_rate(double rate, const SelectionProblems& problems) {
  if (!(rate >= 1 && rate <= max_rate) || rate != static_cast<int>(rate)) {
    problems.fail(core::ErrorKind::unprocessable, "rate",
                  fmt::format("rate is frames per second, a whole number from 1 to {}", max_rate));
  }
}

void check_history(double history, const SelectionProblems& problems) {
  if (!(history >= min_history && history <= max_history) ||
      history != static_cast<double>(static_cast<std::int64_t>(history))) {
    problems.fail(core::ErrorKind::unprocessable, "history",
                  fmt::format("history is the most samples per frame, a whole number from {} "
                              "to {}",
                              min_history, max_history));
  }
}

double query_number(const Call& call, std::string_view name, double fallback,
                    const SelectionProblems& problems) {
  const auto text = call.query_parameter(name);
  if (!text) return fallback;
  double value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc{} || end != text->data() + text->size()) {
    problems.fail(core::ErrorKind::bad_request, name,
                  fmt::format("{} must be a number, not '{}'", name, *text));
  }
  return value;
}

Selection selection_from_query(const Simulation& simulation, const Call& call) {
  const SelectionProblems problems(true);
  Selection selection;
  std::vector<std::string> names = simulation.recorded;
  if (const auto wanted = call.query_parameter("signals")) {
    names.clear();
    std::string_view rest = *wanted;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      names.emplace_back(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
  }
  select_signals(selection, simulation, names, problems);
  const double rate = query_number(call, "rate", default_rate, problems);
  check_rate(rate, problems);
  selection.rate = static_cast<int>(rate);
  const double history = query_number(call, "history", default_history, problems);
  check_history(history, problems);
  selection.history = static_cast<std::int64_t>(history);
  return selection;
}

// A client message {"signals": [...], "rate": n, "history": n} changes what is selected.
Selection selection_from_message(const Simulation& simulation, const Selection& current,
                                 const json& message) {
  const SelectionProblems problems(false);
  if (!message.is_object()) {
    core::throw_bad_request("a message is a JSON object such as {\"signals\": [\"c.y\"]}", "");
  }
  const FieldReader fields(message);
  fields.allow_only({"signals", "rate", "history"});
  Selection selection = current;
  if (const json* signals = fields.array("signals")) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < signals->size(); ++i) {
      if (!(*signals)[i].is_string()) {
        core::throw_bad_request("signal names are strings", fmt::format("/signals/{}", i));
      }
      names.push_back((*signals)[i].get<std::string>());
    }
    select_signals(selection, simulation, names, problems);
  }
  if (const auto rate = fields.nullable_number("rate"); rate && *rate) {
    check_rate(**rate, problems);
    selection.rate = static_cast<int>(**rate);
  }
  if (const auto history = fields.nullable_number("history"); history && *history) {
    check_history(**history, problems);
    selection.history = static_cast<std::int64_t>(**history);
  }
  return selection;
}

class SimulationStream final : public Stream {
 public:
  SimulationStream(std::shared_ptr<Simulation> simulation, Selection selection)
      : simulation_(std::move(simulation)), selection_(std::move(selection)) {
    open_tap();
  }

  ~SimulationStream() override { simulation_->run->close_tap(tap_); }

  SimulationStream(const SimulationStream&) = delete;
  SimulationStream& operator=(const SimulationStream&) = delete;

  std::chrono::milliseconds interval() const override {
    return std::chrono::milliseconds(1000 / selection_.rate);
  }

  bool poll(std::vector<std::string>& messages) override {
    if (!greeted_) {
      messages.push_back(hello());
      greeted_ = true;
    }
    const auto samples = simulation_->run->take_tap(tap_);
    const auto& statistics = samples.statistics;
    if (!samples.time_ns.empty()) messages.push_back(data(samples, statistics));
    if (statistics.state != last_state_) {
      last_state_ = statistics.state;
      messages.push_back(
          json{{"type", "state"}, {"simulation", simulation_json(*simulation_, statistics)}}
              .dump());
    }
    // A simulation that has ended sends nothing more. Deleting one stops it, so its stream
    // too ends with the final samples and state.
    return !has_ended(statistics.state);
  }

  void receive(std::string_view message, std::vector<std::string>& replies) override {
    try {
      const json parsed = json::parse(message);
      selection_ = selection_from_message(*simulation_, selection_, parsed);
    } catch (const json::parse_error&) {
      replies.push_back(
          json{{"type", "error"}, {"status", 400}, {"detail", "the message is not valid JSON"}}
              .dump());
      return;
    } catch (const core::Error& error) {
      json reply{{"type", "error"},
                 {"status", error.kind() == core::ErrorKind::bad_request ? 400 : 422},
                 {"detail", error.what()}};
      if (!error.fields().empty()) reply["pointer"] = error.fields().front().pointer;
      replies.push_back(reply.dump());
      return;
    }
    simulation_->run->close_tap(tap_);
    open_tap();
    replies.push_back(hello());
  }

 private:
  void open_tap() {
    // One row is kept for the latest step, which take_tap adds when thinning skipped it.
    tap_ = simulation_->run->open_tap(selection_.signals,
                                      static_cast<std::size_t>(selection_.history - 1));
  }

  std::string hello() {
    const auto statistics = simulation_->run->statistics();
    last_state_ = statistics.state;
    return json{{"type", "hello"},
                {"simulation", simulation_json(*simulation_, statistics)},
                {"signals", selection_.names},
                {"rate", selection_.rate},
                {"history", selection_.history}}
        .dump();
  }

  std::string data(const sim::LiveSamples& samples, const sim::RunStatistics& statistics) const {
    std::string text;
    text.reserve(64 + samples.values.size() * 12);
    core::JsonText out(text);
    out.raw("{").key("type", true).string("data");
    out.key("state").string(sim::to_string(statistics.state));
    out.key("time").number(core::to_seconds(statistics.time_ns));
    out.key("steps").number(statistics.steps_done);
    out.key("t").raw("[");
    for (std::size_t row = 0; row < samples.time_ns.size(); ++row) {
      if (row > 0) out.raw(",");
      out.number(core::to_seconds(samples.time_ns[row]));
    }
    out.raw("]").key("values").raw("{");
    const std::size_t width = selection_.signals.size();
    for (std::size_t column = 0; column < width; ++column) {
      out.key(selection_.names[column], column == 0).raw("[");
      for (std::size_t row = 0; row < samples.time_ns.size(); ++row) {
        if (row > 0) out.raw(",");
        out.number(samples.values[row * width + column]);
      }
      out.raw("]");
    }
    out.raw("}}");
    return text;
  }

  std::shared_ptr<Simulation> simulation_;
  Selection selection_;
  std::uint64_t tap_ = 0;
  bool greeted_ = false;
  sim::RunState last_state_ = sim::RunState::created;
};

}  // namespace

std::unique_ptr<Stream> open_simulation_stream(const Services& services, const Call& call) {
  auto simulation = living_simulation(services, call.id(), "stream");
  auto selection = selection_from_query(*simulation, call);
  return std::make_unique<SimulationStream>(std::move(simulation), std::move(selection));
}

}  // namespace twinloop::api
