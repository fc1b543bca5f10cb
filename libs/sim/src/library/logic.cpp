// Logic blocks with IEC 61131-3 semantics: the bit functions AND, OR, XOR, NOT, the edge
// detectors R_TRIG and F_TRIG, the bistables SR and RS, the timers TON, TOF and TP and the
// counters CTU, CTD and CTUD. Reference: docs/components.md, section "Logic".
//
// Every signal is a double: a bool input counts as TRUE when it is not 0, a bool output is 0
// or 1 and a counter value is an integral double. As in IEC 61131-3, a function block
// computes its outputs from its inputs in the same call, so every input here has direct
// feedthrough. The block's memory (edge flags, latched outputs, start times, counts) is
// committed by the update kernel; output and update both run one `evaluate` function on the
// same inputs and the same stored state, so what the update kernel stores is exactly the
// state behind the outputs recorded in that step.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

#include "declare.hpp"
#include "library.hpp"

namespace twinloop::sim::library {

namespace {

// ---------------------------------------------------------------------------------------
// Declarations

PortSpec bool_input(std::string name, std::string description) {
  return PortSpec{std::move(name), SignalType::boolean, "", 0.0, true, std::move(description)};
}

PortSpec bool_output(std::string name, std::string description) {
  return PortSpec{std::move(name), SignalType::boolean, "", 0.0, false, std::move(description)};
}

PortSpec int_output(std::string name, std::string description) {
  return PortSpec{std::move(name), SignalType::integer, "", 0.0, false, std::move(description)};
}

PortSpec elapsed_time_output() {
  return PortSpec{"ET",  SignalType::real,
                  "s",   0.0,
                  false, "Elapsed time in seconds, from 0 up to PT (see the type's timing rule)."};
}

ParameterSpec integer_parameter(std::string name, std::int64_t default_value, double min,
                                double max, std::string description) {
  ParameterSpec spec;
  spec.name = std::move(name);
  spec.data_type = ParameterType::integer;
  spec.default_value = default_value;
  spec.min = min;
  spec.max = max;
  spec.description = std::move(description);
  return spec;
}

constexpr std::int64_t min_gate_inputs = 2;
constexpr std::int64_t max_gate_inputs = 32;

// The counters count like IEC DINT counters: CV stays within [count_min, count_max].
constexpr double count_max = 2147483647.0;
constexpr double count_min = -2147483648.0;

// The longest timer preset, 10^9 s (about 31.7 years); PT in nanoseconds fits an int64.
constexpr double max_preset_s = 1e9;

ParameterSpec preset_time_parameter(std::string description) {
  ParameterSpec spec;
  spec.name = "pt";
  spec.data_type = ParameterType::real;
  spec.default_value = 1.0;
  spec.unit = "s";
  spec.min = 0.0;
  spec.max = max_preset_s;
  spec.description = std::move(description);
  return spec;
}

ParameterSpec preset_value_parameter(std::string description) {
  return integer_parameter("pv", 10, count_min, count_max, std::move(description));
}

// and, or, xor: `inputs` bool inputs IN1..INn, one bool output OUT.
ComponentTypeInfo gate(std::string type, std::string description, std::string input_role) {
  ParameterSpec inputs = integer_parameter("inputs", 2, static_cast<double>(min_gate_inputs),
                                           static_cast<double>(max_gate_inputs),
                                           "The number of inputs n; the inputs are IN1..INn.");
  return ComponentTypeInfo{
      std::move(type),
      "logic",
      std::move(description),
      {inputs},
      [input_role](const json& parameters) {
        const auto count = parameters.at("inputs").get<std::int64_t>();
        Ports ports;
        for (std::int64_t i = 1; i <= count; ++i) {
          ports.inputs.push_back(bool_input("IN" + std::to_string(i), input_role));
        }
        ports.outputs.push_back(bool_output("OUT", "The result."));
        return ports;
      }};
}

ComponentTypeInfo not_gate() {
  return ComponentTypeInfo{
      "not", "logic", "Negation: OUT := NOT IN.", {}, [](const json&) {
        return Ports{{bool_input("IN", "The operand.")}, {bool_output("OUT", "NOT IN.")}};
      }};
}

ComponentTypeInfo r_trig() {
  return ComponentTypeInfo{
      "r_trig",
      "logic",
      "Rising edge detector (IEC 61131-3 R_TRIG): Q := CLK AND NOT M; M := CLK, with M FALSE "
      "at the start, so CLK already TRUE in the first step counts as a rising edge.",
      {},
      [](const json&) {
        return Ports{{bool_input("CLK", "The signal watched for a rising edge.")},
                     {bool_output("Q", "TRUE for exactly the step in which CLK rose.")}};
      }};
}

ComponentTypeInfo f_trig() {
  return ComponentTypeInfo{
      "f_trig",
      "logic",
      "Falling edge detector (IEC 61131-3 F_TRIG): Q := NOT CLK AND NOT M; M := NOT CLK, with "
      "M FALSE at the start, so CLK FALSE in the first step counts as a falling edge.",
      {},
      [](const json&) {
        return Ports{{bool_input("CLK", "The signal watched for a falling edge.")},
                     {bool_output("Q", "TRUE for exactly the step in which CLK fell.")}};
      }};
}

ComponentTypeInfo sr() {
  return ComponentTypeInfo{
      "sr",
      "logic",
      "Set-dominant bistable (IEC 61131-3 SR): Q1 := S1 OR (NOT R AND Q1); Q1 starts FALSE.",
      {},
      [](const json&) {
        return Ports{{bool_input("S1", "Set; wins over R."), bool_input("R", "Reset.")},
                     {bool_output("Q1", "The stored bit.")}};
      }};
}

ComponentTypeInfo rs() {
  return ComponentTypeInfo{
      "rs",
      "logic",
      "Reset-dominant bistable (IEC 61131-3 RS): Q1 := NOT R1 AND (S OR Q1); Q1 starts FALSE.",
      {},
      [](const json&) {
        return Ports{{bool_input("S", "Set."), bool_input("R1", "Reset; wins over S.")},
                     {bool_output("Q1", "The stored bit.")}};
      }};
}

ComponentTypeInfo ton() {
  return ComponentTypeInfo{
      "ton",
      "logic",
      "On-delay timer (IEC 61131-3 TON): Q becomes TRUE once IN has been TRUE for PT and falls "
      "with IN. With IN TRUE since the step at time t0, Q is TRUE in every step with "
      "t - t0 >= pt, and ET = min(t - t0, pt); while IN is FALSE, Q is FALSE and ET is 0.",
      {preset_time_parameter("PT, the delay from IN rising to Q rising.")},
      [](const json&) {
        return Ports{{bool_input("IN",
                                 "Starts the delay when it rises; resets the timer when "
                                 "FALSE.")},
                     {bool_output("Q", "IN, delayed by PT on rising."), elapsed_time_output()}};
      }};
}

ComponentTypeInfo tof() {
  return ComponentTypeInfo{
      "tof",
      "logic",
      "Off-delay timer (IEC 61131-3 TOF): Q is TRUE while IN is TRUE and for PT after IN "
      "falls. With IN FALSE since the step at time t0 (after having been TRUE), Q is TRUE in "
      "every step with t - t0 < pt, and ET = min(t - t0, pt); while IN is TRUE, Q is TRUE and "
      "ET is 0. Before IN was ever TRUE, Q is FALSE and ET is 0.",
      {preset_time_parameter("PT, the delay from IN falling to Q falling.")},
      [](const json&) {
        return Ports{{bool_input("IN",
                                 "Q follows it at once when it rises and PT late when it "
                                 "falls.")},
                     {bool_output("Q", "IN, delayed by PT on falling."), elapsed_time_output()}};
      }};
}

ComponentTypeInfo tp() {
  return ComponentTypeInfo{
      "tp",
      "logic",
      "Pulse timer (IEC 61131-3 TP): a rising edge of IN while no pulse is running, in the step "
      "at time t0, makes Q TRUE in every step with t - t0 < pt, whatever IN does meanwhile (not "
      "retriggerable). ET = t - t0 during the pulse; after it, ET stays at pt while IN stays "
      "TRUE and returns to 0 in the first step IN is FALSE.",
      {preset_time_parameter("PT, the length of the pulse.")},
      [](const json&) {
        return Ports{{bool_input("IN", "A rising edge starts a pulse when none is running.")},
                     {bool_output("Q", "The pulse."), elapsed_time_output()}};
      }};
}

ComponentTypeInfo ctu() {
  return ComponentTypeInfo{
      "ctu",
      "logic",
      "Up counter (IEC 61131-3 CTU): CV starts at 0; if R then CV := 0, else a rising edge of "
      "CU adds 1 (up to 2147483647). Q := CV >= PV.",
      {preset_value_parameter("PV, the count at which Q becomes TRUE.")},
      [](const json&) {
        return Ports{{bool_input("CU", "Counts up on each rising edge."),
                      bool_input("R", "Resets CV to 0; wins over CU.")},
                     {bool_output("Q", "CV >= PV."), int_output("CV", "The count.")}};
      }};
}

ComponentTypeInfo ctd() {
  return ComponentTypeInfo{
      "ctd",
      "logic",
      "Down counter (IEC 61131-3 CTD): CV starts at 0; if LD then CV := PV, else a rising edge "
      "of CD subtracts 1 (down to -2147483648). Q := CV <= 0.",
      {preset_value_parameter("PV, the value LD loads into CV.")},
      [](const json&) {
        return Ports{{bool_input("CD", "Counts down on each rising edge."),
                      bool_input("LD", "Loads PV into CV; wins over CD.")},
                     {bool_output("Q", "CV <= 0."), int_output("CV", "The count.")}};
      }};
}

ComponentTypeInfo ctud() {
  return ComponentTypeInfo{
      "ctud",
      "logic",
      "Up-down counter (IEC 61131-3 CTUD): CV starts at 0; if R then CV := 0, else if LD then "
      "CV := PV, else a rising edge of CU alone adds 1 and of CD alone subtracts 1 (rising "
      "edges of both in the same step cancel). QU := CV >= PV; QD := CV <= 0.",
      {preset_value_parameter("PV, the count at which QU becomes TRUE and the value LD loads.")},
      [](const json&) {
        return Ports{{bool_input("CU", "Counts up on each rising edge."),
                      bool_input("CD", "Counts down on each rising edge."),
                      bool_input("R", "Resets CV to 0; wins over LD, CU and CD."),
                      bool_input("LD", "Loads PV into CV; wins over CU and CD.")},
                     {bool_output("QU", "CV >= PV."), bool_output("QD", "CV <= 0."),
                      int_output("CV", "The count.")}};
      }};
}

// ---------------------------------------------------------------------------------------
// Kernels

bool is_true(double signal) {
  return signal != 0.0;
}
double signal_of(bool value) {
  return value ? 1.0 : 0.0;
}

// Times in nanoseconds are kept in two doubles (the upper and lower 32 bits), so they stay
// exact however long a simulation runs; one double is exact only up to 2^53 ns (104 days).
void store_ns(double* slot, std::int64_t ns) {
  slot[0] = static_cast<double>(ns >> 32);
  slot[1] = static_cast<double>(ns & 0xffffffff);
}

std::int64_t load_ns(const double* slot) {
  return static_cast<std::int64_t>(slot[0]) * (std::int64_t{1} << 32) +
         static_cast<std::int64_t>(slot[1]);
}

double seconds(std::int64_t ns) {
  return static_cast<double>(ns) / 1e9;
}

// A block's step as one function: from the inputs at t and the stored state, the outputs
// (into `outputs`) and the state after the step (into `next`). `next` must not alias the
// stored state.
using Evaluate = void (*)(const BlockCall& call, double* next, double* outputs);

template <std::size_t StateSize, Evaluate evaluate>
void output_kernel(const BlockCall& call) {
  std::array<double, StateSize> next{};
  evaluate(call, next.data(), call.outputs);
}

template <std::size_t StateSize, std::size_t OutputCount, Evaluate evaluate>
void update_kernel(const BlockCall& call) {
  std::array<double, StateSize> next{};
  std::array<double, OutputCount> outputs{};
  evaluate(call, next.data(), outputs.data());
  std::copy(next.begin(), next.end(), call.state);
}

template <std::size_t StateSize, std::size_t OutputCount, Evaluate evaluate>
BlockBehaviour stateful(SetupFunction setup) {
  return BlockBehaviour{setup, output_kernel<StateSize, evaluate>,
                        update_kernel<StateSize, OutputCount, evaluate>};
}

// Gates: parameters [n].
BlockSetup gate_setup(const json&, double, std::size_t input_count) {
  return BlockSetup{{static_cast<double>(input_count)}, {}};
}

std::size_t gate_inputs(const BlockCall& call) {
  return static_cast<std::size_t>(call.parameters[0]);
}

void and_output(const BlockCall& call) {
  bool result = true;
  for (std::size_t i = 0; i < gate_inputs(call); ++i)
    result = result && is_true(call.input(i));
  call.outputs[0] = signal_of(result);
}

void or_output(const BlockCall& call) {
  bool result = false;
  for (std::size_t i = 0; i < gate_inputs(call); ++i)
    result = result || is_true(call.input(i));
  call.outputs[0] = signal_of(result);
}

void xor_output(const BlockCall& call) {
  bool odd = false;
  for (std::size_t i = 0; i < gate_inputs(call); ++i)
    odd = odd != is_true(call.input(i));
  call.outputs[0] = signal_of(odd);
}

void not_output(const BlockCall& call) {
  call.outputs[0] = signal_of(!is_true(call.input(0)));
}

BlockSetup no_parameters(const json&, double, std::size_t) {
  return BlockSetup{{}, {}};
}

// Edge detectors and bistables: state [M] or [Q1], FALSE at the start.
BlockSetup one_bit_state(const json&, double, std::size_t) {
  return BlockSetup{{}, {0.0}};
}

void evaluate_r_trig(const BlockCall& call, double* next, double* outputs) {
  const bool clk = is_true(call.input(0));
  outputs[0] = signal_of(clk && !is_true(call.state[0]));
  next[0] = signal_of(clk);
}

void evaluate_f_trig(const BlockCall& call, double* next, double* outputs) {
  const bool clk = is_true(call.input(0));
  outputs[0] = signal_of(!clk && !is_true(call.state[0]));
  next[0] = signal_of(!clk);
}

void evaluate_sr(const BlockCall& call, double* next, double* outputs) {
  const bool q1 = is_true(call.input(0)) || (!is_true(call.input(1)) && is_true(call.state[0]));
  outputs[0] = next[0] = signal_of(q1);
}

void evaluate_rs(const BlockCall& call, double* next, double* outputs) {
  const bool q1 = !is_true(call.input(1)) && (is_true(call.input(0)) || is_true(call.state[0]));
  outputs[0] = next[0] = signal_of(q1);
}

// Timers: parameters [PT in ns, split]; state [previous IN, phase, start time in ns, split].
constexpr std::size_t timer_state_size = 4;

BlockSetup timer_setup(const json& parameters, double, std::size_t) {
  BlockSetup setup{{0.0, 0.0}, std::vector<double>(timer_state_size, 0.0)};
  store_ns(setup.parameters.data(), std::llround(parameters.at("pt").get<double>() * 1e9));
  return setup;
}

struct TimerMemory {
  bool previous_in;
  int phase;
  std::int64_t start_ns;
};

TimerMemory timer_memory(const BlockCall& call) {
  return TimerMemory{is_true(call.state[0]), static_cast<int>(call.state[1]),
                     load_ns(call.state + 2)};
}

void store_timer_memory(double* next, bool in, int phase, std::int64_t start_ns) {
  next[0] = signal_of(in);
  next[1] = static_cast<double>(phase);
  store_ns(next + 2, start_ns);
}

// TON. phase: 1 while IN is TRUE (timing or elapsed), else 0.
void evaluate_ton(const BlockCall& call, double* next, double* outputs) {
  const std::int64_t pt = load_ns(call.parameters);
  const bool in = is_true(call.input(0));
  const TimerMemory memory = timer_memory(call);
  std::int64_t start = memory.start_ns;
  if (in && !memory.previous_in) start = call.time_ns;
  if (in) {
    const std::int64_t elapsed = call.time_ns - start;
    outputs[0] = signal_of(elapsed >= pt);
    outputs[1] = seconds(std::min(elapsed, pt));
  } else {
    outputs[0] = 0.0;
    outputs[1] = 0.0;
  }
  store_timer_memory(next, in, in ? 1 : 0, in ? start : 0);
}

// TOF. phase: 1 from IN falling until IN rises again (delay running or over), else 0.
void evaluate_tof(const BlockCall& call, double* next, double* outputs) {
  const std::int64_t pt = load_ns(call.parameters);
  const bool in = is_true(call.input(0));
  const TimerMemory memory = timer_memory(call);
  int phase = memory.phase;
  std::int64_t start = memory.start_ns;
  if (in) {
    phase = 0;
    start = 0;
    outputs[0] = 1.0;
    outputs[1] = 0.0;
  } else {
    if (memory.previous_in) {
      phase = 1;
      start = call.time_ns;
    }
    if (phase == 1) {
      const std::int64_t elapsed = call.time_ns - start;
      outputs[0] = signal_of(elapsed < pt);
      outputs[1] = seconds(std::min(elapsed, pt));
    } else {
      outputs[0] = 0.0;
      outputs[1] = 0.0;
    }
  }
  store_timer_memory(next, in, phase, start);
}

// TP. phase: 0 idle, 1 pulse running, 2 pulse over while IN is still TRUE.
void evaluate_tp(const BlockCall& call, double* next, double* outputs) {
  const std::int64_t pt = load_ns(call.parameters);
  const bool in = is_true(call.input(0));
  const TimerMemory memory = timer_memory(call);
  int phase = memory.phase;
  std::int64_t start = memory.start_ns;
  if (phase == 0 && in && !memory.previous_in) {
    phase = 1;
    start = call.time_ns;
  }
  if (phase == 1 && call.time_ns - start >= pt) phase = 2;
  if (phase == 2 && !in) phase = 0;
  outputs[0] = signal_of(phase == 1);
  outputs[1] = phase == 1 ? seconds(call.time_ns - start) : phase == 2 ? seconds(pt) : 0.0;
  store_timer_memory(next, in, phase, phase == 1 ? start : 0);
}

// Counters: parameters [PV]; state [M of each counting input, CV].
BlockSetup counter_setup(const json& parameters, double, std::size_t input_count) {
  // ctu and ctd have one counting input (2 inputs), ctud two (4 inputs).
  const std::size_t edges = input_count == 4 ? 2 : 1;
  return BlockSetup{{parameters.at("pv").get<double>()}, std::vector<double>(edges + 1, 0.0)};
}

// Inputs CU, R; outputs Q, CV; state [M(CU), CV].
void evaluate_ctu(const BlockCall& call, double* next, double* outputs) {
  const bool cu = is_true(call.input(0));
  const bool up = cu && !is_true(call.state[0]);
  double cv = call.state[1];
  if (is_true(call.input(1))) {
    cv = 0.0;
  } else if (up && cv < count_max) {
    cv += 1.0;
  }
  outputs[0] = signal_of(cv >= call.parameters[0]);
  outputs[1] = cv;
  next[0] = signal_of(cu);
  next[1] = cv;
}

// Inputs CD, LD; outputs Q, CV; state [M(CD), CV].
void evaluate_ctd(const BlockCall& call, double* next, double* outputs) {
  const bool cd = is_true(call.input(0));
  const bool down = cd && !is_true(call.state[0]);
  double cv = call.state[1];
  if (is_true(call.input(1))) {
    cv = call.parameters[0];
  } else if (down && cv > count_min) {
    cv -= 1.0;
  }
  outputs[0] = signal_of(cv <= 0.0);
  outputs[1] = cv;
  next[0] = signal_of(cd);
  next[1] = cv;
}

// Inputs CU, CD, R, LD; outputs QU, QD, CV; state [M(CU), M(CD), CV].
void evaluate_ctud(const BlockCall& call, double* next, double* outputs) {
  const bool cu = is_true(call.input(0));
  const bool cd = is_true(call.input(1));
  const bool up = cu && !is_true(call.state[0]);
  const bool down = cd && !is_true(call.state[1]);
  double cv = call.state[2];
  if (is_true(call.input(2))) {
    cv = 0.0;
  } else if (is_true(call.input(3))) {
    cv = call.parameters[0];
  } else if (up && !down && cv < count_max) {
    cv += 1.0;
  } else if (down && !up && cv > count_min) {
    cv -= 1.0;
  }
  outputs[0] = signal_of(cv >= call.parameters[0]);
  outputs[1] = signal_of(cv <= 0.0);
  outputs[2] = cv;
  next[0] = signal_of(cu);
  next[1] = signal_of(cd);
  next[2] = cv;
}

}  // namespace

void register_logic(TypeRegistry& registry) {
  registry.add(gate("and", "Conjunction (IEC 61131-3 AND): OUT := IN1 AND IN2 AND ... AND INn.",
                    "An operand; an open input is FALSE."),
               BlockBehaviour{gate_setup, and_output, nullptr});
  registry.add(gate("or", "Disjunction (IEC 61131-3 OR): OUT := IN1 OR IN2 OR ... OR INn.",
                    "An operand; an open input is FALSE."),
               BlockBehaviour{gate_setup, or_output, nullptr});
  registry.add(gate("xor",
                    "Exclusive or (IEC 61131-3 XOR): OUT := IN1 XOR IN2 XOR ... XOR INn, TRUE "
                    "when an odd number of inputs is TRUE.",
                    "An operand; an open input is FALSE."),
               BlockBehaviour{gate_setup, xor_output, nullptr});
  registry.add(not_gate(), BlockBehaviour{no_parameters, not_output, nullptr});
  registry.add(r_trig(), stateful<1, 1, evaluate_r_trig>(one_bit_state));
  registry.add(f_trig(), stateful<1, 1, evaluate_f_trig>(one_bit_state));
  registry.add(sr(), stateful<1, 1, evaluate_sr>(one_bit_state));
  registry.add(rs(), stateful<1, 1, evaluate_rs>(one_bit_state));
  registry.add(ton(), stateful<timer_state_size, 2, evaluate_ton>(timer_setup));
  registry.add(tof(), stateful<timer_state_size, 2, evaluate_tof>(timer_setup));
  registry.add(tp(), stateful<timer_state_size, 2, evaluate_tp>(timer_setup));
  registry.add(ctu(), stateful<2, 2, evaluate_ctu>(counter_setup));
  registry.add(ctd(), stateful<2, 2, evaluate_ctd>(counter_setup));
  registry.add(ctud(), stateful<3, 3, evaluate_ctud>(counter_setup));
}

}  // namespace twinloop::sim::library
