// Algebraic blocks: product, divide, abs, min, max, saturation, deadband, compare, switch.
// Declarations and kernels together; every input has direct feedthrough.
// Reference: docs/components.md, section "Math".
#include <cmath>
#include <optional>
#include <string>

#include "declare.hpp"
#include "library.hpp"

namespace twinloop::sim::library {

namespace {

constexpr std::size_t max_inputs = 32;

PortSpec input(std::string name, SignalType type, std::string description) {
  return PortSpec{std::move(name), type, "", 0.0, true, std::move(description)};
}

PortSpec real_input(std::string name, std::string description) {
  return input(std::move(name), SignalType::real, std::move(description));
}

PortSpec output(std::string name, SignalType type, std::string description) {
  return PortSpec{std::move(name), type, "", 0.0, false, std::move(description)};
}

PortSpec real_output(std::string description) {
  return output("y", SignalType::real, std::move(description));
}

// Setup of the blocks whose only parameters are reals, packed in the order given.
template <const char*... Names>
BlockSetup pack(const json& parameters, double, std::size_t) {
  return BlockSetup{{number(parameters, Names)...}, {}};
}

// ---- product ----------------------------------------------------------------------------

std::optional<std::string> valid_ops(const json& value) {
  const auto& ops = value.get_ref<const std::string&>();
  if (ops.empty() || ops.size() > max_inputs) {
    return "must have 1 to " + std::to_string(max_inputs) + " characters, one per input";
  }
  if (ops.find_first_not_of("*/") != std::string::npos) {
    return "may contain only '*' and '/', got \"" + ops + "\"";
  }
  return std::nullopt;
}

ComponentTypeInfo product_type() {
  ParameterSpec ops = parameter("ops", ParameterType::string, "**", "",
                                "One operator per input, '*' multiplies by it and '/' divides "
                                "by it; the number of operators is the number of inputs u1..un.");
  ops.check = valid_ops;
  return ComponentTypeInfo{
      "product",
      "math",
      "Multiplies and divides its inputs: y = 1 * u1^(+-1) * ... * un^(+-1), in input order. "
      "If an input marked '/' is 0, y = `on_zero`.",
      {ops, parameter("on_zero", ParameterType::real, 0.0, "",
                      "Output when an input marked '/' is 0 (either sign).")},
      [](const json& parameters) {
        const auto& pattern = parameters.at("ops").get_ref<const std::string&>();
        Ports ports;
        for (std::size_t i = 0; i < pattern.size(); ++i) {
          ports.inputs.push_back(real_input("u" + std::to_string(i + 1),
                                            pattern[i] == '*' ? "Multiplied by." : "Divided by."));
        }
        ports.outputs.push_back(real_output("The product."));
        return ports;
      }};
}

BlockBehaviour product_kernels() {
  // Parameters: on_zero, the number of inputs, then 1 ('*') or 0 ('/') per input.
  return BlockBehaviour{
      [](const json& parameters, double, std::size_t input_count) {
        BlockSetup setup;
        setup.parameters = {number(parameters, "on_zero"), static_cast<double>(input_count)};
        for (char op : parameters.at("ops").get<std::string>())
          setup.parameters.push_back(op == '*' ? 1.0 : 0.0);
        return setup;
      },
      [](const BlockCall& call) {
        const auto count = static_cast<std::size_t>(call.parameters[1]);
        double result = 1.0;
        for (std::size_t i = 0; i < count; ++i) {
          const double u = call.input(i);
          if (call.parameters[i + 2] != 0.0) {
            result *= u;
          } else if (u == 0.0) {
            call.outputs[0] = call.parameters[0];
            return;
          } else {
            result /= u;
          }
        }
        call.outputs[0] = result;
      },
      nullptr};
}

// ---- divide -----------------------------------------------------------------------------

ComponentTypeInfo divide_type() {
  return ComponentTypeInfo{
      "divide",
      "math",
      "y = u1 / u2; when u2 is 0 (either sign), y = `on_zero`.",
      {parameter("on_zero", ParameterType::real, 0.0, "", "Output when the divisor u2 is 0.")},
      [](const json&) {
        return Ports{{real_input("u1", "The dividend."), real_input("u2", "The divisor.")},
                     {real_output("u1 / u2, or `on_zero`.")}};
      }};
}

constexpr char on_zero_name[] = "on_zero";

BlockBehaviour divide_kernels() {
  return BlockBehaviour{pack<on_zero_name>,
                        [](const BlockCall& call) {
                          const double divisor = call.input(1);
                          call.outputs[0] =
                              divisor == 0.0 ? call.parameters[0] : call.input(0) / divisor;
                        },
                        nullptr};
}

// ---- abs --------------------------------------------------------------------------------

ComponentTypeInfo abs_type() {
  return ComponentTypeInfo{"abs", "math", "Absolute value: y = |u|.", {}, [](const json&) {
                             return Ports{{real_input("u", "The input.")}, {real_output("|u|.")}};
                           }};
}

BlockBehaviour abs_kernels() {
  return BlockBehaviour{
      pack<>, [](const BlockCall& call) { call.outputs[0] = std::fabs(call.input(0)); }, nullptr};
}

// ---- min, max ---------------------------------------------------------------------------

ComponentTypeInfo extremum_type(const char* type, const char* description,
                                const char* output_description) {
  std::string outputs = output_description;
  return ComponentTypeInfo{
      type,
      "math",
      description,
      {parameter("inputs", ParameterType::integer, 2, "", "The number of inputs u1..un (2 to 32).",
                 2.0, static_cast<double>(max_inputs))},
      [outputs](const json& parameters) {
        const auto count = parameters.at("inputs").get<std::size_t>();
        Ports ports;
        for (std::size_t i = 0; i < count; ++i)
          ports.inputs.push_back(real_input("u" + std::to_string(i + 1), "Compared."));
        ports.outputs.push_back(real_output(outputs));
        return ports;
      }};
}

// Parameters: the number of inputs.
BlockSetup count_inputs(const json&, double, std::size_t input_count) {
  return BlockSetup{{static_cast<double>(input_count)}, {}};
}

BlockBehaviour min_kernels() {
  return BlockBehaviour{count_inputs,
                        [](const BlockCall& call) {
                          const auto count = static_cast<std::size_t>(call.parameters[0]);
                          double result = call.input(0);
                          for (std::size_t i = 1; i < count; ++i)
                            result = std::fmin(result, call.input(i));
                          call.outputs[0] = result;
                        },
                        nullptr};
}

BlockBehaviour max_kernels() {
  return BlockBehaviour{count_inputs,
                        [](const BlockCall& call) {
                          const auto count = static_cast<std::size_t>(call.parameters[0]);
                          double result = call.input(0);
                          for (std::size_t i = 1; i < count; ++i)
                            result = std::fmax(result, call.input(i));
                          call.outputs[0] = result;
                        },
                        nullptr};
}

// ---- saturation -------------------------------------------------------------------------

ComponentTypeInfo saturation_type() {
  return ComponentTypeInfo{
      "saturation",
      "math",
      "Limits the input to [lower, upper]: y = max(lower, min(upper, u)). If lower > upper, "
      "y = lower.",
      {parameter("lower", ParameterType::real, -1.0, "", "The lower limit."),
       parameter("upper", ParameterType::real, 1.0, "", "The upper limit.")},
      [](const json&) {
        return Ports{{real_input("u", "The input.")}, {real_output("The limited input.")}};
      }};
}

constexpr char lower_name[] = "lower";
constexpr char upper_name[] = "upper";

BlockBehaviour saturation_kernels() {
  // Parameters: lower, upper. A NaN input passes through.
  return BlockBehaviour{pack<lower_name, upper_name>,
                        [](const BlockCall& call) {
                          double y = call.input(0);
                          if (y > call.parameters[1]) y = call.parameters[1];
                          if (y < call.parameters[0]) y = call.parameters[0];
                          call.outputs[0] = y;
                        },
                        nullptr};
}

// ---- deadband ---------------------------------------------------------------------------

ComponentTypeInfo deadband_type() {
  return ComponentTypeInfo{
      "deadband",
      "math",
      "Zero inside [start, end], shifted outside: y = u - end above `end`, y = u - start below "
      "`start`, else 0 (tested in that order).",
      {parameter("start", ParameterType::real, -1.0, "", "The lower edge of the dead zone."),
       parameter("end", ParameterType::real, 1.0, "", "The upper edge of the dead zone.")},
      [](const json&) {
        return Ports{{real_input("u", "The input.")},
                     {real_output("The input less the dead zone.")}};
      }};
}

constexpr char start_name[] = "start";
constexpr char end_name[] = "end";

BlockBehaviour deadband_kernels() {
  // Parameters: start, end.
  return BlockBehaviour{pack<start_name, end_name>,
                        [](const BlockCall& call) {
                          const double u = call.input(0);
                          double y = 0.0;
                          if (u > call.parameters[1]) {
                            y = u - call.parameters[1];
                          } else if (u < call.parameters[0]) {
                            y = u - call.parameters[0];
                          } else if (std::isnan(u)) {
                            y = u;
                          }
                          call.outputs[0] = y;
                        },
                        nullptr};
}

// ---- compare ----------------------------------------------------------------------------

// Operator codes, in the packed parameters.
enum Operator { less = 0, less_equal, equal, not_equal, greater_equal, greater };

std::optional<Operator> operator_code(const std::string& text) {
  if (text == "<") return less;
  if (text == "<=") return less_equal;
  if (text == "==") return equal;
  if (text == "!=") return not_equal;
  if (text == ">=") return greater_equal;
  if (text == ">") return greater;
  return std::nullopt;
}

std::optional<std::string> valid_operator(const json& value) {
  const auto& text = value.get_ref<const std::string&>();
  if (!operator_code(text)) {
    return "must be one of \"<\", \"<=\", \"==\", \"!=\", \">=\", \">\", got \"" + text + "\"";
  }
  return std::nullopt;
}

ComponentTypeInfo compare_type() {
  ParameterSpec op = parameter("operator", ParameterType::string, ">", "",
                               "The comparison u1 op u2: \"<\", \"<=\", \"==\", \"!=\", \">=\" "
                               "or \">\".");
  op.check = valid_operator;
  return ComponentTypeInfo{
      "compare",
      "math",
      "Compares u1 with u2. For < <= >= > with hysteresis h the output only switches on when "
      "the comparison holds against u2 shifted by h in its favour (e.g. '>': u1 > u2 + h) and "
      "only switches off when the opposite holds against u2 shifted by h the other way "
      "(u1 <= u2 - h); in between it keeps its previous value (false before the first step). "
      "For == and != h is a tolerance: equal means |u1 - u2| <= h.",
      {op, parameter("hysteresis", ParameterType::real, 0.0, "",
                     "Half-width h of the band around u2 in which the output holds (>= 0).", 0.0)},
      [](const json&) {
        return Ports{{real_input("u1", "Left operand."), real_input("u2", "Right operand.")},
                     {output("y", SignalType::boolean, "The result, 1 (true) or 0 (false).")}};
      }};
}

BlockBehaviour compare_kernels() {
  // Parameters: operator code, hysteresis. State: the previous output (0 or 1).
  return BlockBehaviour{
      [](const json& parameters, double, std::size_t) {
        const auto code = *operator_code(parameters.at("operator").get<std::string>());
        return BlockSetup{{static_cast<double>(code), number(parameters, "hysteresis")}, {0.0}};
      },
      [](const BlockCall& call) {
        const double a = call.input(0);
        const double b = call.input(1);
        const double h = call.parameters[1];
        const bool was_on = call.state[0] != 0.0;
        bool on = was_on;
        switch (static_cast<Operator>(static_cast<int>(call.parameters[0]))) {
          case less:
            if (was_on ? a >= b + h : a < b - h) on = !was_on;
            break;
          case less_equal:
            if (was_on ? a > b + h : a <= b - h) on = !was_on;
            break;
          case greater_equal:
            if (was_on ? a < b - h : a >= b + h) on = !was_on;
            break;
          case greater:
            if (was_on ? a <= b - h : a > b + h) on = !was_on;
            break;
          case equal:
            on = std::fabs(a - b) <= h;
            break;
          case not_equal:
            on = !(std::fabs(a - b) <= h);
            break;
        }
        call.outputs[0] = on ? 1.0 : 0.0;
      },
      [](const BlockCall& call) { call.state[0] = call.outputs[0]; }};
}

// ---- switch -----------------------------------------------------------------------------

ComponentTypeInfo switch_type() {
  return ComponentTypeInfo{
      "switch",
      "math",
      "Selects one of two inputs: y = u2 ? u1 : u3 (the control is the middle input; note that "
      "IEC 61131-3 SEL orders G, IN0, IN1 instead).",
      {},
      [](const json&) {
        return Ports{{real_input("u1", "Passed on while the control u2 is true."),
                      input("u2", SignalType::boolean, "The control."),
                      real_input("u3", "Passed on while the control u2 is false.")},
                     {real_output("u1 or u3.")}};
      }};
}

BlockBehaviour switch_kernels() {
  return BlockBehaviour{pack<>,
                        [](const BlockCall& call) {
                          call.outputs[0] = call.input(1) != 0.0 ? call.input(0) : call.input(2);
                        },
                        nullptr};
}

}  // namespace

void register_math(TypeRegistry& registry) {
  registry.add(product_type(), product_kernels());
  registry.add(divide_type(), divide_kernels());
  registry.add(abs_type(), abs_kernels());
  registry.add(extremum_type("min", "The smallest input: y = min(u1, ..., un).", "The minimum."),
               min_kernels());
  registry.add(extremum_type("max", "The largest input: y = max(u1, ..., un).", "The maximum."),
               max_kernels());
  registry.add(saturation_type(), saturation_kernels());
  registry.add(deadband_type(), deadband_kernels());
  registry.add(compare_type(), compare_kernels());
  registry.add(switch_type(), switch_kernels());
}

}  // namespace twinloop::sim::library
