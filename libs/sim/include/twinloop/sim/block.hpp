#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

namespace twinloop::sim {

// What a block's kernels see in one step. All signal values are doubles (a bool is 0 or 1,
// an int an integral double), so one flat array holds every signal of a simulation.
struct BlockCall {
  const double* signals;        // every signal of the simulation
  const std::uint32_t* inputs;  // the signal slot of each input, in port order
  double* outputs;              // this block's outputs, in port order
  double* state;                // this block's state
  const double* parameters;     // this block's packed parameters
  std::int64_t time_ns;         // t = k * dt
  double time;                  // the same in seconds
  double dt;                    // the step size in seconds

  double input(std::size_t port) const { return signals[inputs[port]]; }
};

// Computes the outputs at time t from the inputs (of feedthrough ports) and the state.
using OutputKernel = void (*)(const BlockCall& call);
// Advances the state from t to t + dt, given the inputs at t.
using UpdateKernel = void (*)(const BlockCall& call);

// Turns a component's validated parameters into the block's packed parameters and its
// initial state; called once per component when a model is compiled.
struct BlockSetup {
  std::vector<double> parameters;
  std::vector<double> state;
};
using SetupFunction = BlockSetup (*)(const nlohmann::json& parameters, double dt,
                                     std::size_t input_count);

// How a component type executes. Kernels are plain functions: the step loop calls one
// function pointer per block and phase, never a virtual function per signal.
struct BlockBehaviour {
  SetupFunction setup = nullptr;
  OutputKernel output = nullptr;
  UpdateKernel update = nullptr;  // nullptr: the block has no state to advance
};

}  // namespace twinloop::sim
