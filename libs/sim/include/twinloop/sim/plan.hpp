#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "twinloop/core/component_type.hpp"
#include "twinloop/core/model.hpp"
#include "twinloop/sim/block.hpp"
#include "twinloop/sim/type_registry.hpp"

namespace twinloop::sim {

// One block in execution order, with offsets into the plan's flat arrays.
struct PlannedBlock {
  OutputKernel output = nullptr;
  UpdateKernel update = nullptr;
  std::uint32_t first_input = 0;      // into Plan::input_slots
  std::uint32_t first_output = 0;     // into the signal array
  std::uint32_t first_state = 0;      // into the state array
  std::uint32_t first_parameter = 0;  // into Plan::parameters
  std::uint32_t component = 0;        // index into Plan::components
  std::uint32_t period = 1;           // runs in steps k with k % period == 0
};

// A port of the model, named "component.port". For an output, `slot` is its place in the
// signal array; for an input, its place in Plan::input_slots.
struct PlannedSignal {
  std::string name;
  core::SignalType data_type = core::SignalType::real;
  std::uint32_t slot = 0;
};

// A model compiled for execution: everything the step loop needs in flat arrays, ordered so
// that each block's feedthrough inputs are computed before it within a step. Immutable; many
// simulations may share one plan.
struct Plan {
  std::int64_t step_ns = 0;
  std::vector<PlannedBlock> blocks;        // in execution order
  std::vector<std::uint32_t> input_slots;  // per block, per input port
  std::vector<double> parameters;          // packed per block
  std::vector<double> initial_state;       // per block
  std::vector<double> initial_signals;     // outputs, then the defaults of open inputs
  std::vector<PlannedSignal> signals;      // every output, in component and port order
  std::vector<PlannedSignal> inputs;       // every input, in component and port order
  std::vector<std::string> components;     // names, in the model's order
};

struct CompileOptions {
  std::int64_t step_ns = 0;  // the step size, > 0
};

// Compiles a model. Throws core::Error(unprocessable): "algebraic-loop" naming the components
// on a cycle of feedthrough connections in order, a port/type problem, or a sample time that is
// not a whole multiple of the step size; core::Error (bad_request) for a step size that is not
// positive.
Plan compile(const std::vector<core::Component>& components,
             const std::vector<core::Connection>& connections, const TypeRegistry& registry,
             const CompileOptions& options);

// The packed parameters of a compiled component (`component` indexes Plan::components) for
// new, validated parameter values, to tune a simulation while it runs. Throws core::Error
// (unprocessable) when the new values would change what was compiled: the ports, the sample
// time or the size of the packed parameters.
std::vector<double> pack_parameters(const Plan& plan, std::uint32_t component,
                                    const TypeRegistry& registry, const core::Component& compiled,
                                    const nlohmann::json& parameters);

// The index into Plan::blocks of a component's block.
std::uint32_t block_of(const Plan& plan, std::uint32_t component);

}  // namespace twinloop::sim
