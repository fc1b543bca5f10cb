// The expression block: y = a formula of named inputs, parsed and evaluated by muparser.
// Reference: docs/components.md, section "Math", "expression".
//
// The inputs are the variables the formula uses, in alphabetical order, so every error in
// a formula (syntax, an unknown function, too many variables) is found when the parameter is
// validated, where the message can name the parameter and the position.
//
// A muparser parser is an object with bound variables, and a block's packed parameters are
// only doubles. So each distinct formula is compiled once into a process-wide, append-only
// table and the block's parameters hold its index. Programs are never freed (the engine has
// no hook that tells a block its plan is gone); identical formulas share one program, which
// keeps the table as small as the number of distinct formulas. One program may be evaluated
// by several simulations on their own threads at once: a mutex per program serialises the
// evaluations (muparser keeps its evaluation stack in the parser object).
#include <fmt/format.h>
#include <muParser.h>

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <numbers>
#include <optional>
#include <string>
#include <vector>

#include "declare.hpp"
#include "library.hpp"
#include "twinloop/core/error.hpp"

namespace twinloop::sim::library {

namespace {

constexpr std::size_t max_variables = 32;
constexpr std::size_t max_formula_length = 1000;

// What a formula is made of, or why it is refused.
struct Analysis {
  std::vector<std::string> variables;  // alphabetical
  std::optional<std::string> error;
};

// muparser's assignment operators (=, +=, -=, *=, /=) would write to the inputs; a block
// computes its output only. Returns the position (from 0) of the first assignment.
std::optional<std::size_t> assignment_position(const std::string& formula) {
  for (std::size_t i = 0; i < formula.size(); ++i) {
    if (formula[i] != '=') continue;
    if (i + 1 < formula.size() && formula[i + 1] == '=') {
      ++i;  // ==
      continue;
    }
    const char before = i > 0 ? formula[i - 1] : ' ';
    if (before == '!' || before == '<' || before == '>') continue;
    return before == '+' || before == '-' || before == '*' || before == '/' ? i - 1 : i;
  }
  return std::nullopt;
}

// Storage for the variables muparser meets while parsing a formula whose names are not yet
// known (a deque: the addresses stay put as it grows).
double* create_variable(const char*, void* storage) {
  auto& values = *static_cast<std::deque<double>*>(storage);
  values.push_back(0.0);
  return &values.back();
}

// muparser 2.3.3 defines _pi and _e with 12 decimals only; a double holds 16.
void define_constants(mu::Parser& parser) {
  parser.DefineConst("_pi", std::numbers::pi);
  parser.DefineConst("_e", std::numbers::e);
}

std::string describe(const mu::ParserError& error) {
  std::string message = error.GetMsg();
  if (error.GetPos() >= 0 && message.find("position") == std::string::npos) {
    message += fmt::format(" at position {}", error.GetPos());
  }
  return message + " (positions count characters from 0)";
}

Analysis analyse(const std::string& formula) {
  Analysis result;
  if (formula.size() > max_formula_length) {
    result.error = fmt::format("must have at most {} characters", max_formula_length);
    return result;
  }
  if (const auto position = assignment_position(formula)) {
    result.error = fmt::format(
        "assignment at position {} is not allowed: the formula computes the output only "
        "(compare with ==)",
        *position);
    return result;
  }
  try {
    std::deque<double> storage;
    mu::Parser parser;
    define_constants(parser);
    parser.SetVarFactory(create_variable, &storage);
    parser.SetExpr(formula);
    int results = 0;
    parser.Eval(results);
    if (results != 1) {
      result.error =
          fmt::format("must give one value, but it has {} comma-separated expressions", results);
      return result;
    }
    for (const auto& [name, address] : parser.GetUsedVar())
      result.variables.push_back(name);
  } catch (const mu::ParserError& error) {
    result.error = describe(error);
    return result;
  }
  if (result.variables.size() > max_variables) {
    result.error = fmt::format("uses {} variables; at most {} are allowed", result.variables.size(),
                               max_variables);
  }
  return result;
}

// One compiled formula with its variables bound to `values_` (input i to values_[i]).
class Program {
 public:
  Program(const std::string& formula, const std::vector<std::string>& variables) {
    define_constants(parser_);
    for (std::size_t i = 0; i < variables.size(); ++i)
      parser_.DefineVar(variables[i], &values_[i]);
    parser_.SetExpr(formula);
    parser_.Eval();  // parses now, so that evaluations in the step loop do not allocate
  }

  double evaluate(const BlockCall& call, std::size_t count) {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < count; ++i)
      values_[i] = call.input(i);
    return parser_.Eval();
  }

 private:
  std::mutex mutex_;
  std::array<double, max_variables> values_{};
  mu::Parser parser_;
};

// The process-wide table of programs. Slots are written once, under the mutex, before their
// index is handed out; the kernels read them without the mutex (a slot never changes again,
// and the plan that carries the index is published to the simulation's thread after it).
class ProgramTable {
 public:
  static constexpr std::uint32_t chunk_size = 1024;
  static constexpr std::uint32_t chunk_count = 64;

  std::uint32_t intern(const std::string& formula, const std::vector<std::string>& variables) {
    std::lock_guard lock(mutex_);
    if (const auto found = index_of_.find(formula); found != index_of_.end()) return found->second;
    if (size_ == chunk_size * chunk_count) {
      core::throw_unprocessable(fmt::format(
          "expression: this server process has compiled {} distinct formulas, the most it keeps; "
          "restart it to compile new ones",
          size_));
    }
    auto& chunk = chunks_[size_ / chunk_size];
    if (!chunk) chunk = std::make_unique<Chunk>();
    (*chunk)[size_ % chunk_size] = std::make_unique<Program>(formula, variables);
    index_of_.emplace(formula, size_);
    return size_++;
  }

  Program& at(std::uint32_t index) { return *(*chunks_[index / chunk_size])[index % chunk_size]; }

 private:
  using Chunk = std::array<std::unique_ptr<Program>, chunk_size>;
  std::mutex mutex_;
  std::map<std::string, std::uint32_t> index_of_;
  std::array<std::unique_ptr<Chunk>, chunk_count> chunks_;
  std::uint32_t size_ = 0;
};

ProgramTable& programs() {
  static ProgramTable table;
  return table;
}

ComponentTypeInfo expression_type() {
  ParameterSpec formula;
  formula.name = "formula";
  formula.data_type = ParameterType::string;
  formula.default_value = "u1 + u2";
  formula.description =
      "The formula in muparser syntax (operators + - * / ^, comparisons and && || giving 1 or "
      "0, c ? a : b, functions such as sin, sqrt, exp, ln, abs, min, max, constants _pi and "
      "_e). Each variable it uses is an input.";
  formula.check = [](const json& value) { return analyse(value.get<std::string>()).error; };
  return ComponentTypeInfo{
      "expression",
      "math",
      "y = a formula of its inputs, evaluated in double precision by muparser. The inputs are "
      "the formula's variables, named as in the formula and listed alphabetically; all feed "
      "through. IEEE arithmetic applies: 1/0 is inf, sqrt(-1) is NaN.",
      {formula},
      [](const json& parameters) {
        Ports ports;
        for (const auto& name : analyse(parameters.at("formula").get<std::string>()).variables)
          ports.inputs.push_back(
              PortSpec{name, SignalType::real, "", 0.0, true, "A variable of the formula."});
        ports.outputs.push_back(
            PortSpec{"y", SignalType::real, "", 0.0, false, "The value of the formula."});
        return ports;
      }};
}

BlockBehaviour expression_kernels() {
  // Parameters: the program's index, the number of inputs.
  return BlockBehaviour{
      [](const json& parameters, double, std::size_t input_count) {
        const auto formula = parameters.at("formula").get<std::string>();
        const Analysis analysis = analyse(formula);
        if (analysis.error) {
          core::throw_unprocessable(
              fmt::format("expression: parameter 'formula': {}", *analysis.error));
        }
        const std::uint32_t index = programs().intern(formula, analysis.variables);
        return BlockSetup{{static_cast<double>(index), static_cast<double>(input_count)}, {}};
      },
      [](const BlockCall& call) {
        auto& program = programs().at(static_cast<std::uint32_t>(call.parameters[0]));
        call.outputs[0] = program.evaluate(call, static_cast<std::size_t>(call.parameters[1]));
      },
      nullptr};
}

}  // namespace

void register_expression(TypeRegistry& registry) {
  registry.add(expression_type(), expression_kernels());
}

}  // namespace twinloop::sim::library
