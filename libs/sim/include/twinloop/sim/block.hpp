#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace twinloop::sim {

// An object a block needs for each run of a plan, beside its state in the flat arrays: an
// FMU instance, say. Made when a simulator is made from the plan and destroyed with it (or
// at a reset); its kernels reach it through BlockCall::instance.
class BlockInstance {
 public:
  virtual ~BlockInstance() = default;
};

// What a step reports besides its signals. A kernel asks for the run to end cleanly after
// the current step (an FMU that asks to terminate) by calling request_end.
class StepEvents {
 public:
  void request_end(std::string reason) {
    if (!end_requested_) {
      end_requested_ = true;
      end_reason_ = std::move(reason);
    }
  }
  bool end_requested() const { return end_requested_; }
  const std::string& end_reason() const { return end_reason_; }

 private:
  bool end_requested_ = false;
  std::string end_reason_;
};

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
  double dt;                    // the step size in seconds (the block's sample time)
  BlockInstance* instance;      // the block's per-run object; nullptr for most types
  StepEvents* events;

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
using SetupFunction =
    std::function<BlockSetup(const nlohmann::json& parameters, double dt, std::size_t input_count)>;
// Makes a block's per-run object for the component's parameters, step (its sample time) and
// name (an FMU instance is named after its component); throws core::Error (unprocessable) when
// it cannot, saying why.
using InstanceFactory = std::function<std::unique_ptr<BlockInstance>(
    const nlohmann::json& parameters, double dt, const std::string& component_name)>;

// How a component type executes. Kernels are plain functions: the step loop calls one
// function pointer per block and phase, never a virtual function per signal. Setup and
// instantiation run outside the step loop and may carry context (a type made for one FMU).
struct BlockBehaviour {
  BlockBehaviour() = default;
  BlockBehaviour(SetupFunction setup_function, OutputKernel output_kernel,
                 UpdateKernel update_kernel = nullptr, InstanceFactory instance_factory = {})
      : setup(std::move(setup_function)),
        output(output_kernel),
        update(update_kernel),
        instantiate(std::move(instance_factory)) {}

  SetupFunction setup;
  OutputKernel output = nullptr;
  UpdateKernel update = nullptr;  // nullptr: the block has no state to advance
  InstanceFactory instantiate;    // empty: the block needs no per-run object
};

}  // namespace twinloop::sim
