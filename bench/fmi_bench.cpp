// FMUs: the cost of one co-simulation step through twinloop's driver against calling the
// FMU's functions directly, and model-exchange steps with the integrators.
#include <benchmark/benchmark.h>
#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "twinloop/core/validation.hpp"
#include "twinloop/fmi/archive.hpp"
#include "twinloop/fmi/component_type.hpp"
#include "twinloop/fmi/driver.hpp"
#include "twinloop/fmi/fmi2_api.h"
#include "twinloop/fmi/fmu.hpp"
#include "twinloop/sim/simulator.hpp"

namespace {

namespace fs = std::filesystem;
using namespace twinloop::fmi;

// The test FMUs, unpacked once into a temporary cache that is removed at exit.
class Cache {
 public:
  Cache() {
    std::string pattern = (fs::temp_directory_path() / "twinloop-fmi-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    root_ = pattern;
  }
  ~Cache() {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }
  fs::path unpack(const std::string& name) const {
    return unpack_to_cache(fs::path(TWINLOOP_TEST_FMU_DIR) / (name + ".fmu"), root_);
  }

 private:
  fs::path root_;
};

const Cache& cache() {
  static const Cache instance;
  return instance;
}

std::shared_ptr<const Fmu> open(const std::string& name) {
  return Fmu::open(cache().unpack(name));
}

void ignore_log(fmi2ComponentEnvironment, fmi2String, fmi2Status, fmi2String, fmi2String, ...) {}

template <typename Function>
Function* symbol(void* library, const char* name) {
  void* address = ::dlsym(library, name);
  if (address == nullptr) throw std::runtime_error(name);
  Function* function = nullptr;
  std::memcpy(&function, &address, sizeof function);
  return function;
}

// The baseline: the PT1 FMU's own functions, called the way a hand-written loop would.
class DirectPt1 {
 public:
  DirectPt1() {
    const fs::path directory = cache().unpack("pt1");
    library_ = ::dlopen((directory / "binaries/linux64/pt1.so").c_str(), RTLD_NOW | RTLD_LOCAL);
    if (library_ == nullptr) throw std::runtime_error(::dlerror());
    instantiate_ = symbol<fmi2InstantiateFn>(library_, "fmi2Instantiate");
    free_instance_ = symbol<fmi2FreeInstanceFn>(library_, "fmi2FreeInstance");
    do_step = symbol<fmi2DoStepFn>(library_, "fmi2DoStep");
    set_real = symbol<fmi2SetRealFn>(library_, "fmi2SetReal");
    get_real = symbol<fmi2GetRealFn>(library_, "fmi2GetReal");
    callbacks_ = {ignore_log, [](std::size_t n, std::size_t size) { return std::calloc(n, size); },
                  [](void* memory) { std::free(memory); }, nullptr, nullptr};
    const std::string uri = "file://" + (directory / "resources").string() + "/";
    component = instantiate_("direct", fmi2CoSimulation, "{3b8f6a1c-7d2e-4f10-b5a9-c1e2d3f4a5b6}",
                             uri.c_str(), &callbacks_, fmi2False, fmi2False);
    symbol<fmi2SetupExperimentFn>(library_, "fmi2SetupExperiment")(component, fmi2False, 0, 0,
                                                                   fmi2False, 0);
    symbol<fmi2EnterInitializationModeFn>(library_, "fmi2EnterInitializationMode")(component);
    symbol<fmi2ExitInitializationModeFn>(library_, "fmi2ExitInitializationMode")(component);
  }
  ~DirectPt1() {
    free_instance_(component);
    ::dlclose(library_);
  }

  fmi2Component component = nullptr;
  fmi2DoStepFn* do_step = nullptr;
  fmi2SetRealFn* set_real = nullptr;
  fmi2GetRealFn* get_real = nullptr;

 private:
  void* library_ = nullptr;
  fmi2CallbackFunctions callbacks_{};
  fmi2InstantiateFn* instantiate_ = nullptr;
  fmi2FreeInstanceFn* free_instance_ = nullptr;
};

void DirectDoStep(benchmark::State& state) {
  DirectPt1 fmu;
  double t = 0;
  for (auto _ : state) {
    fmu.do_step(fmu.component, t, 1e-3, fmi2True);
    t += 1e-3;
  }
}
BENCHMARK(DirectDoStep);

void DriverStep(benchmark::State& state) {
  auto driver = make_driver(open("pt1"));
  driver->initialize();
  double t = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(driver->step(t, 1e-3));
    t += 1e-3;
  }
}
BENCHMARK(DriverStep);

// One engine step as the engine makes it: inputs in, step, outputs out.
void DirectSetStepGet(benchmark::State& state) {
  DirectPt1 fmu;
  const fmi2ValueReference u = 0;
  const fmi2ValueReference y = 1;
  double input = 1.0;
  double output = 0.0;
  double t = 0;
  for (auto _ : state) {
    fmu.set_real(fmu.component, &u, 1, &input);
    fmu.do_step(fmu.component, t, 1e-3, fmi2True);
    fmu.get_real(fmu.component, &y, 1, &output);
    benchmark::DoNotOptimize(output);
    t += 1e-3;
  }
}
BENCHMARK(DirectSetStepGet);

void DriverSetStepGet(benchmark::State& state) {
  auto driver = make_driver(open("pt1"));
  driver->initialize();
  double input = 1.0;
  double output = 0.0;
  double t = 0;
  for (auto _ : state) {
    driver->set_inputs(&input);
    driver->step(t, 1e-3);
    driver->get_outputs(&output);
    benchmark::DoNotOptimize(output);
    t += 1e-3;
  }
}
BENCHMARK(DriverSetStepGet);

// Fifteen inputs and 22 outputs of eleven FMI 3 types through one driver step.
void DriverSetStepGetEveryFmi3Type(benchmark::State& state) {
  auto driver = make_driver(open("feedthrough3"));
  driver->initialize();
  std::vector<double> inputs(driver->ports().inputs.size(), 1.0);
  std::vector<double> outputs(driver->ports().outputs.size());
  double t = 0;
  for (auto _ : state) {
    driver->set_inputs(inputs.data());
    driver->step(t, 1e-3);
    driver->get_outputs(outputs.data());
    benchmark::DoNotOptimize(outputs.data());
    t += 1e-3;
  }
}
BENCHMARK(DriverSetStepGetEveryFmi3Type);

// Ten PT1 instances chained, one step of each per iteration: FMU steps per second.
void TenInstances(benchmark::State& state) {
  const auto fmu = open("pt1");
  std::vector<std::unique_ptr<Driver>> drivers;
  for (int i = 0; i < 10; ++i) {
    DriverOptions options;
    options.instance_name = "pt1_" + std::to_string(i);
    drivers.push_back(make_driver(fmu, options));
    drivers.back()->initialize();
  }
  double signal = 1.0;
  double t = 0;
  for (auto _ : state) {
    double value = signal;
    for (auto& driver : drivers) {
      driver->set_inputs(&value);
      driver->step(t, 1e-3);
      driver->get_outputs(&value);
    }
    benchmark::DoNotOptimize(value);
    t += 1e-3;
  }
  state.counters["fmu_steps_per_s"] = benchmark::Counter(
      10.0 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(TenInstances);

// The engine's side: models of `fmu` components compiled and stepped by sim::Simulator, each
// component a PT1 instance (the resolver knows one FMU, id 1).
class OnePt1 final : public FmuResolver {
 public:
  std::optional<std::filesystem::path> directory(std::int64_t fmu_id) const override {
    if (fmu_id != 1) return std::nullopt;
    return cache().unpack("pt1");
  }
};

std::shared_ptr<const twinloop::sim::Plan> pt1_chain(int count) {
  static const twinloop::sim::TypeRegistry registry = [] {
    twinloop::sim::TypeRegistry types;
    register_fmu_type(types, std::make_shared<FmuCatalogue>(std::make_shared<OnePt1>()));
    return types;
  }();
  std::vector<twinloop::core::Component> components;
  std::vector<twinloop::core::Connection> connections;
  for (int i = 0; i < count; ++i) {
    twinloop::core::Component component;
    component.id = i + 1;
    component.name = "pt1_" + std::to_string(i);
    component.type = "fmu";
    component.parameters = twinloop::core::merge_parameters(*registry.find("fmu"),
                                                            nlohmann::json::object(), {{"fmu", 1}});
    components.push_back(component);
    if (i > 0) {
      twinloop::core::Connection connection;
      connection.id = i;
      connection.source = {i, "y"};
      connection.target = {i + 1, "u"};
      connections.push_back(connection);
    }
  }
  return std::make_shared<const twinloop::sim::Plan>(twinloop::sim::compile(
      components, connections, registry, twinloop::sim::CompileOptions{1'000'000}));
}

// One engine step of a model with one PT1 FMU block: the output kernel (get), the update
// kernel (set, doStep), and the engine's loop around them. Compare with DirectSetStepGet.
void EngineFmuStep(benchmark::State& state) {
  twinloop::sim::Simulator simulator(pt1_chain(1));
  for (auto _ : state) {
    simulator.step();
    benchmark::DoNotOptimize(simulator.signals().data());
  }
}
BENCHMARK(EngineFmuStep);

// Ten chained PT1 FMU blocks in one model: engine steps and FMU steps per second.
void EngineTenFmus(benchmark::State& state) {
  twinloop::sim::Simulator simulator(pt1_chain(10));
  for (auto _ : state) {
    simulator.step();
    benchmark::DoNotOptimize(simulator.signals().data());
  }
  state.counters["engine_steps_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["fmu_steps_per_s"] = benchmark::Counter(
      10.0 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(EngineTenFmus);

// Model exchange: one 1 ms engine step of the Van der Pol oscillator.
void ModelExchangeStep(benchmark::State& state) {
  DriverOptions options;
  options.solver = state.range(0) == 0 ? Solver::rk4 : Solver::dormand_prince;
  auto driver = make_driver(open("van_der_pol"), options);
  driver->initialize();
  double t = 0;
  for (auto _ : state) {
    driver->step(t, 1e-3);
    t += 1e-3;
  }
  state.SetLabel(state.range(0) == 0 ? "rk4" : "dormand_prince");
}
BENCHMARK(ModelExchangeStep)->Arg(0)->Arg(1);

// Model exchange with state events: the bouncing ball over 2.5 s (11 impacts, each located by
// bisection) in 10 ms engine steps, started afresh with reset() every run.
void ModelExchangeBouncingBall(benchmark::State& state) {
  auto driver = make_driver(open("bouncing_ball"));
  for (auto _ : state) {
    driver->initialize();
    for (int k = 0; k < 250; ++k)
      driver->step(k * 0.01, 0.01);
    state.PauseTiming();
    driver->reset();
    state.ResumeTiming();
  }
  state.SetLabel("per 2.5 s simulated");
}
BENCHMARK(ModelExchangeBouncingBall)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
