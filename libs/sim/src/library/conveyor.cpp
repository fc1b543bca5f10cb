// Material flow: part_source releases parts, conveyor carries them at the belt speed past its
// light barriers to its end, part_sink counts them. Declarations and kernels together.
// Reference: docs/components.md, section "Machine devices", subsection "Material flow".
//
// A part travels between the blocks as a one-step pulse (a part is handed over in this step)
// with its length and a tag beside it: source.part -> conveyor.part_in, conveyor.part_out ->
// the next conveyor's part_in or a sink's part. Readiness flows back the other way
// (conveyor.entry_free -> source.ready or the previous conveyor's release, sink.ready ->
// conveyor.release). A conveyor's inputs have no feedthrough, so these loops are not
// algebraic.
//
// The parts on a belt live in the block's state, a fixed-capacity array ordered from the end
// of the belt backwards: no allocation in the kernels. A part's position is that of its
// front (downstream) edge, in metres from the belt's entry; it covers [front - length, front].
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "declare.hpp"
#include "library.hpp"
#include "twinloop/core/error.hpp"

namespace twinloop::sim::library {

namespace {

constexpr const char* category = "devices";

// Positions are sums of one travel per step and carry rounding; within this distance (1 um)
// a part counts as having reached a position, so a barrier or the belt end is not seen a step
// late.
constexpr double reach_slack = 1e-6;
// The shortest part; a shorter (or non-finite) length is taken as this.
constexpr double min_part_length = 1e-3;
constexpr double max_belt_length = 10000.0;
constexpr std::int64_t max_capacity = 256;
constexpr std::size_t max_barriers = 16;
constexpr double max_time_s = 1e6;
constexpr double max_count = 2147483647.0;

// ---------------------------------------------------------------------------------------
// Declarations

PortSpec port(std::string name, SignalType type, std::string unit, bool feedthrough,
              std::string description, double default_value = 0.0) {
  return PortSpec{std::move(name), type,        std::move(unit),
                  default_value,   feedthrough, std::move(description)};
}

PortSpec output(std::string name, SignalType type, std::string unit, std::string description) {
  return port(std::move(name), type, std::move(unit), false, std::move(description));
}

// The barrier positions of "0.1, 1.9": numbers separated by commas (blanks allowed), or the
// reason the text is not such a list.
struct BarrierList {
  std::vector<double> positions;
  std::optional<std::string> error;
};

BarrierList parse_barriers(const std::string& text) {
  BarrierList list;
  if (text.find_first_not_of(' ') == std::string::npos) return list;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    const std::size_t end = comma == std::string::npos ? text.size() : comma;
    const std::string entry = text.substr(start, end - start);
    const std::size_t first = entry.find_first_not_of(' ');
    const std::size_t last = entry.find_last_not_of(' ');
    double value = 0.0;
    bool valid = first != std::string::npos;
    if (valid) {
      const char* begin = entry.data() + first;
      const char* stop = entry.data() + last + 1;
      const auto [pointer, error] = std::from_chars(begin, stop, value);
      valid = error == std::errc() && pointer == stop && std::isfinite(value);
    }
    if (!valid) {
      list.error = fmt::format(
          "entry {} (\"{}\") is not a number; give the positions in metres separated by "
          "commas, e.g. \"0.1, 1.9\"",
          list.positions.size() + 1, entry);
      return list;
    }
    if (value < 0.0) {
      list.error = fmt::format("position {} m is before the belt's entry (0)", value);
      return list;
    }
    list.positions.push_back(value);
    if (list.positions.size() > max_barriers) {
      list.error = fmt::format("at most {} barriers", max_barriers);
      return list;
    }
    if (comma == std::string::npos) return list;
    start = comma + 1;
  }
}

ComponentTypeInfo part_source_type() {
  ParameterSpec mode = choice_parameter("mode", "interval", "request",
                                        "\"interval\": a part is due every `interval` from "
                                        "`first_release` on; \"request\": on each rising edge "
                                        "of `request`.");
  ParameterSpec interval =
      parameter("interval", ParameterType::real, 2.0, "s",
                "Interval mode: time between due parts (1 ns to 1e6 s).", 0.0, max_time_s);
  interval.check = [](const json& value) -> std::optional<std::string> {
    if (std::round(value.get<double>() * 1e9) >= 1.0) return std::nullopt;
    return "must be at least 1 ns (1e-9 s)";
  };
  ParameterSpec length =
      parameter("part_length", ParameterType::real, 0.2, "m", "Length of the parts, 1 mm to 10 km.",
                min_part_length, max_belt_length);
  return ComponentTypeInfo{
      "part_source",
      category,
      "Releases parts onto a conveyor. A part becomes due at t = first_release + n * interval "
      "(interval mode, at the first step at or after that time; the times are whole "
      "nanoseconds and do not drift) or on a rising edge of `request` (request mode). A due "
      "part is released in the first step in which `ready` is TRUE, so it waits while the "
      "conveyor's entry is occupied; at most one part waits, due times passing meanwhile are "
      "skipped. `part` is TRUE in the step of a release, and `count` includes that part, so it "
      "can tag the part with its serial number. After `max_parts` releases (0: no limit) "
      "nothing more is released.",
      {mode, interval,
       parameter("first_release", ParameterType::real, 0.0, "s",
                 "Interval mode: when the first part is due.", 0.0, max_time_s),
       length,
       parameter("max_parts", ParameterType::integer, 0, "",
                 "The most parts released in a run; 0 = no limit.", 0.0, max_count)},
      [](const json&) {
        return Ports{
            {port("request", SignalType::boolean, "", true,
                  "Request mode: a rising edge makes a part due."),
             port("ready", SignalType::boolean, "", true,
                  "The receiver can take a part now (connect the conveyor's entry_free); "
                  "TRUE when open.",
                  1.0)},
            {output("part", SignalType::boolean, "", "TRUE in the step a part is released."),
             output("length", SignalType::real, "m", "The length of the parts (part_length)."),
             output("count", SignalType::integer, "",
                    "The number of parts released so far, this step's included."),
             output("waiting", SignalType::boolean, "", "A part is due but `ready` is FALSE.")}};
      }};
}

ComponentTypeInfo conveyor_type() {
  ParameterSpec belt =
      parameter("length", ParameterType::real, 2.0, "m",
                "Length of the belt from entry to end, > 0 (at most 10 km).", 0.0, max_belt_length);
  belt.check = positive;
  ParameterSpec barriers =
      parameter("barriers", ParameterType::string, "0.1, 1.9", "m",
                "Positions of the light barriers from the entry, in metres, separated by "
                "commas (0 to 16 of them, each at most `length`); barrier i is output "
                "barrier<i>.");
  barriers.check = [](const json& value) {
    return parse_barriers(value.get_ref<const std::string&>()).error;
  };
  return ComponentTypeInfo{
      "conveyor",
      category,
      "A belt conveyor carrying parts at the belt speed. A part handed over in step k (part_in) "
      "enters with its front at the entry at t = k*dt, so its front is at speed * (t - k*dt) "
      "while the belt runs at a constant speed; parts never overlap: a part reaching the part "
      "ahead stays against it. When `release` is TRUE, a part whose front reaches the end "
      "leaves the belt (at most one per step), and part_out is TRUE in the next step with its "
      "length and tag: the handover gives up its travel past the end within that step (less "
      "than speed * dt). When `release` is FALSE, the parts stop at the end and queue up "
      "behind it. A part arriving while the entry is occupied queues up in front of it; one "
      "arriving while the belt holds `capacity` parts is refused and counted. A light barrier "
      "sees a part while the part covers its position. Positions within 1 um count as "
      "reached.",
      {belt, barriers,
       parameter("capacity", ParameterType::integer, 16, "",
                 "The most parts on the belt (1 to 256): the size of the part array in the "
                 "block's state.",
                 1.0, static_cast<double>(max_capacity))},
      [](const json& parameters) {
        Ports ports{{port("speed", SignalType::real, "m/s", false,
                          "Belt speed; negative values and NaN count as 0 (the belt runs forward "
                          "only)."),
                     port("part_in", SignalType::boolean, "", false,
                          "A part is handed over to the entry in this step."),
                     port("part_length", SignalType::real, "m", false,
                          "The length of the part handed over (at least 1 mm).", 0.2),
                     port("tag", SignalType::integer, "", false,
                          "A number carried with the part handed over (e.g. the source's count)."),
                     port("release", SignalType::boolean, "", false,
                          "TRUE: parts leave at the end; FALSE: they stop there (a stopper, or the "
                          "next station not ready). TRUE when open.",
                          1.0)},
                    {}};
        const auto list = parse_barriers(parameters.at("barriers").get<std::string>());
        for (std::size_t i = 0; i < list.positions.size(); ++i) {
          ports.outputs.push_back(
              output("barrier" + std::to_string(i + 1), SignalType::boolean, "",
                     fmt::format("Light barrier at {} m: a part covers it.", list.positions[i])));
        }
        ports.outputs.push_back(
            output("parts", SignalType::integer, "", "The number of parts on the belt."));
        ports.outputs.push_back(output("entry_free", SignalType::boolean, "",
                                       "A part handed over now would enter at once: the belt "
                                       "has room and the last part is fully on it."));
        ports.outputs.push_back(
            output("at_end", SignalType::boolean, "", "A part stands with its front at the end."));
        ports.outputs.push_back(
            output("part_out", SignalType::boolean, "", "A part left the end in the last update."));
        ports.outputs.push_back(
            output("out_length", SignalType::real, "m", "The length of the part that left last."));
        ports.outputs.push_back(
            output("out_tag", SignalType::integer, "", "The tag of the part that left last."));
        ports.outputs.push_back(output("refused", SignalType::integer, "",
                                       "Parts refused at the entry because the belt was full."));
        return ports;
      }};
}

ComponentTypeInfo part_sink_type() {
  return ComponentTypeInfo{
      "part_sink",
      category,
      "Takes the parts leaving a conveyor and counts them, in the step they arrive. With a "
      "capacity, `ready` turns FALSE when it is full (connect it to the conveyor's `release`, "
      "and the parts queue up on the belt); a part arriving while it is full is lost and "
      "counted in `lost`. While `reset` is TRUE the sink is emptied (count 0).",
      {parameter("capacity", ParameterType::integer, 0, "",
                 "The most parts it holds; 0 = no limit.", 0.0, max_count)},
      [](const json&) {
        return Ports{{port("part", SignalType::boolean, "", true, "A part arrives in this step."),
                      port("tag", SignalType::integer, "", true, "The tag of the arriving part."),
                      port("reset", SignalType::boolean, "", true,
                           "Empty the sink (an operator clearing the bin).")},
                     {output("count", SignalType::integer, "",
                             "Parts received since the start or the last reset."),
                      output("ready", SignalType::boolean, "", "Not full."),
                      output("last_tag", SignalType::integer, "", "The tag of the last part."),
                      output("lost", SignalType::integer, "",
                             "Parts that arrived while the sink was full.")}};
      }};
}

// ---------------------------------------------------------------------------------------
// Kernels

// ---- part_source ------------------------------------------------------------------------
// Parameters [request mode, interval ns, first release ns, max parts (0: no limit), part
// length];
// state [next due time ns, pending, count, previous request].
// Outputs and state come from one evaluation on the same inputs and stored state, run by both
// kernels, so the update stores exactly the state behind the recorded outputs.

struct SourceStep {
  double next_due;
  bool pending;
  double count;
  bool released;
};

SourceStep evaluate_source(const BlockCall& call) {
  const double* p = call.parameters;
  const double* s = call.state;
  SourceStep step{s[0], is_true(s[1]), s[2], false};
  const bool exhausted = p[3] > 0.0 && step.count >= p[3];
  if (is_true(p[0])) {
    if (is_true(call.input(0)) && !is_true(s[3])) step.pending = true;
  } else {
    const auto now = static_cast<double>(call.time_ns);
    if (now >= step.next_due) {
      step.pending = true;
      // The next due time after now: due times that passed while a part waited are skipped.
      step.next_due += (std::floor((now - step.next_due) / p[1]) + 1.0) * p[1];
    }
  }
  if (exhausted) step.pending = false;
  if (step.pending && is_true(call.input(1))) {
    step.pending = false;
    step.released = true;
    step.count += 1.0;
  }
  return step;
}

BlockSetup source_setup(const json& parameters, double, std::size_t) {
  const bool request = parameters.at("mode").get<std::string>() == "request";
  const double first = std::round(number(parameters, "first_release") * 1e9);
  return BlockSetup{{signal_of(request), std::round(number(parameters, "interval") * 1e9), first,
                     number(parameters, "max_parts"), number(parameters, "part_length")},
                    {first, 0.0, 0.0, 0.0}};
}

void source_output(const BlockCall& call) {
  const SourceStep step = evaluate_source(call);
  call.outputs[0] = signal_of(step.released);
  call.outputs[1] = call.parameters[4];
  call.outputs[2] = step.count;
  call.outputs[3] = signal_of(step.pending);
}

void source_update(const BlockCall& call) {
  const SourceStep step = evaluate_source(call);
  call.state[0] = step.next_due;
  call.state[1] = signal_of(step.pending);
  call.state[2] = step.count;
  call.state[3] = call.input(0);
}

// ---- conveyor ---------------------------------------------------------------------------
// Parameters [belt length, capacity, barrier count, barrier positions...].
// State [part count, left in the last update (0/1), length and tag of the part that left
// last, refused count, then per part: front, length, tag], parts from the end backwards.

enum ConveyorState { parts_on_belt = 0, part_left, left_length, left_tag, refused_count, parts };
enum ConveyorInput { belt_speed = 0, part_in, part_length_in, tag_in, release_in };
constexpr std::size_t part_size = 3;

double front(const double* state, std::size_t part) {
  return state[parts + part * part_size];
}
double rear(const double* state, std::size_t part) {
  return state[parts + part * part_size] - state[parts + part * part_size + 1];
}

BlockSetup conveyor_setup(const json& parameters, double, std::size_t) {
  const double length = number(parameters, "length");
  const auto list = parse_barriers(parameters.at("barriers").get<std::string>());
  for (double position : list.positions) {
    if (position > length) {
      core::throw_unprocessable(fmt::format(
          "conveyor: parameter 'barriers': the barrier at {} m is beyond the end of the belt "
          "(length {} m)",
          position, length));
    }
  }
  const double capacity = number(parameters, "capacity");
  BlockSetup setup;
  setup.parameters = {length, capacity, static_cast<double>(list.positions.size())};
  setup.parameters.insert(setup.parameters.end(), list.positions.begin(), list.positions.end());
  setup.state.assign(parts + static_cast<std::size_t>(capacity) * part_size, 0.0);
  return setup;
}

bool entry_free(const BlockCall& call) {
  const auto count = static_cast<std::size_t>(call.state[parts_on_belt]);
  if (count >= static_cast<std::size_t>(call.parameters[1])) return false;
  return count == 0 || rear(call.state, count - 1) >= -reach_slack;
}

void conveyor_output(const BlockCall& call) {
  const double* s = call.state;
  const auto count = static_cast<std::size_t>(s[parts_on_belt]);
  const auto barriers = static_cast<std::size_t>(call.parameters[2]);
  for (std::size_t b = 0; b < barriers; ++b) {
    const double position = call.parameters[3 + b];
    bool seen = false;
    // Parts are ordered from the end backwards: stop at the first one wholly behind.
    for (std::size_t i = 0; i < count && !seen; ++i) {
      if (front(s, i) < position - reach_slack) break;
      seen = rear(s, i) <= position + reach_slack;
    }
    call.outputs[b] = signal_of(seen);
  }
  double* out = call.outputs + barriers;
  out[0] = static_cast<double>(count);
  out[1] = signal_of(entry_free(call));
  out[2] = signal_of(count > 0 && front(s, 0) >= call.parameters[0] - reach_slack);
  out[3] = s[part_left];
  out[4] = s[left_length];
  out[5] = s[left_tag];
  out[6] = s[refused_count];
}

void conveyor_update(const BlockCall& call) {
  double* s = call.state;
  const double belt_length = call.parameters[0];
  const auto capacity = static_cast<std::size_t>(call.parameters[1]);
  const bool arriving = is_true(call.input(part_in));
  const bool accepted = arriving && static_cast<std::size_t>(s[parts_on_belt]) < capacity;
  const double speed = call.input(belt_speed);
  const double travel = speed > 0.0 ? speed * call.dt : 0.0;  // also NaN: 0
  const bool release = is_true(call.input(release_in));

  auto count = static_cast<std::size_t>(s[parts_on_belt]);
  s[part_left] = 0.0;
  double limit = release ? std::numeric_limits<double>::infinity() : belt_length;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < count; ++i) {
    double* part = s + parts + i * part_size;
    const double moved = std::min(part[0] + travel, limit);
    if (i == 0 && release && moved >= belt_length - reach_slack) {
      s[part_left] = 1.0;
      s[left_length] = part[1];
      s[left_tag] = part[2];
      limit = belt_length;  // one handover per step: the next part waits at the end
      continue;
    }
    double* slot = s + parts + kept * part_size;
    slot[0] = moved;
    slot[1] = part[1];
    slot[2] = part[2];
    limit = slot[0] - slot[1];
    ++kept;
  }
  count = kept;
  if (accepted) {
    double length = call.input(part_length_in);
    if (!(length >= min_part_length)) length = min_part_length;  // also NaN
    double* slot = s + parts + count * part_size;
    slot[0] = std::min(travel, limit);
    slot[1] = length;
    slot[2] = call.input(tag_in);
    ++count;
  } else if (arriving) {
    s[refused_count] += 1.0;
  }
  s[parts_on_belt] = static_cast<double>(count);
}

// ---- part_sink --------------------------------------------------------------------------
// Parameters [capacity (0: no limit)]; state [count, last tag, lost].

struct SinkStep {
  double count;
  double last_tag;
  double lost;
};

SinkStep evaluate_sink(const BlockCall& call) {
  const double capacity = call.parameters[0];
  SinkStep step{call.state[0], call.state[1], call.state[2]};
  if (is_true(call.input(2))) step.count = 0.0;
  if (is_true(call.input(0))) {
    if (capacity > 0.0 && step.count >= capacity) {
      step.lost = std::min(step.lost + 1.0, max_count);
    } else {
      step.count = std::min(step.count + 1.0, max_count);
      step.last_tag = call.input(1);
    }
  }
  return step;
}

BlockSetup sink_setup(const json& parameters, double, std::size_t) {
  return BlockSetup{{number(parameters, "capacity")}, {0.0, 0.0, 0.0}};
}

void sink_output(const BlockCall& call) {
  const SinkStep step = evaluate_sink(call);
  const double capacity = call.parameters[0];
  call.outputs[0] = step.count;
  call.outputs[1] = signal_of(capacity == 0.0 || step.count < capacity);
  call.outputs[2] = step.last_tag;
  call.outputs[3] = step.lost;
}

void sink_update(const BlockCall& call) {
  const SinkStep step = evaluate_sink(call);
  call.state[0] = step.count;
  call.state[1] = step.last_tag;
  call.state[2] = step.lost;
}

}  // namespace

void register_conveyor(TypeRegistry& registry) {
  registry.add(part_source_type(), BlockBehaviour{source_setup, source_output, source_update});
  registry.add(conveyor_type(), BlockBehaviour{conveyor_setup, conveyor_output, conveyor_update});
  registry.add(part_sink_type(), BlockBehaviour{sink_setup, sink_output, sink_update});
}

}  // namespace twinloop::sim::library
