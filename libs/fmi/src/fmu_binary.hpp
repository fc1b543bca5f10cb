#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "twinloop/fmi/fmi2_api.h"
#include "twinloop/fmi/fmi3_api.h"
#include "twinloop/fmi/fmu.hpp"

namespace twinloop::fmi {

// A shared library opened with dlopen(RTLD_NOW | RTLD_LOCAL), closed on destruction.
class SharedLibrary {
 public:
  explicit SharedLibrary(const std::filesystem::path& file);
  ~SharedLibrary();
  SharedLibrary(const SharedLibrary&) = delete;
  SharedLibrary& operator=(const SharedLibrary&) = delete;

  void* symbol(const char* name) const;

 private:
  void* handle_ = nullptr;
};

// The FMI 2 functions twinloop calls, resolved when the FMU is opened.
struct Fmi2Functions {
  fmi2GetTypesPlatformFn* get_types_platform = nullptr;
  fmi2GetVersionFn* get_version = nullptr;
  fmi2SetDebugLoggingFn* set_debug_logging = nullptr;
  fmi2InstantiateFn* instantiate = nullptr;
  fmi2FreeInstanceFn* free_instance = nullptr;
  fmi2SetupExperimentFn* setup_experiment = nullptr;
  fmi2EnterInitializationModeFn* enter_initialization_mode = nullptr;
  fmi2ExitInitializationModeFn* exit_initialization_mode = nullptr;
  fmi2TerminateFn* terminate = nullptr;
  fmi2ResetFn* reset = nullptr;
  fmi2GetRealFn* get_real = nullptr;
  fmi2GetIntegerFn* get_integer = nullptr;
  fmi2GetBooleanFn* get_boolean = nullptr;
  fmi2GetStringFn* get_string = nullptr;
  fmi2SetRealFn* set_real = nullptr;
  fmi2SetIntegerFn* set_integer = nullptr;
  fmi2SetBooleanFn* set_boolean = nullptr;
  fmi2SetStringFn* set_string = nullptr;
  // Co-Simulation
  fmi2DoStepFn* do_step = nullptr;
  fmi2CancelStepFn* cancel_step = nullptr;
  fmi2GetStatusFn* get_status = nullptr;
  fmi2GetRealStatusFn* get_real_status = nullptr;
  fmi2GetIntegerStatusFn* get_integer_status = nullptr;
  fmi2GetBooleanStatusFn* get_boolean_status = nullptr;
  fmi2GetStringStatusFn* get_string_status = nullptr;
  // Model Exchange
  fmi2EnterEventModeFn* enter_event_mode = nullptr;
  fmi2NewDiscreteStatesFn* new_discrete_states = nullptr;
  fmi2EnterContinuousTimeModeFn* enter_continuous_time_mode = nullptr;
  fmi2CompletedIntegratorStepFn* completed_integrator_step = nullptr;
  fmi2SetTimeFn* set_time = nullptr;
  fmi2SetContinuousStatesFn* set_continuous_states = nullptr;
  fmi2GetDerivativesFn* get_derivatives = nullptr;
  fmi2GetEventIndicatorsFn* get_event_indicators = nullptr;
  fmi2GetContinuousStatesFn* get_continuous_states = nullptr;
  fmi2GetNominalsOfContinuousStatesFn* get_nominals_of_continuous_states = nullptr;
};

// The FMI 3 functions twinloop calls, resolved when the FMU is opened.
struct Fmi3Functions {
  fmi3GetVersionFn* get_version = nullptr;
  fmi3SetDebugLoggingFn* set_debug_logging = nullptr;
  fmi3InstantiateCoSimulationFn* instantiate_co_simulation = nullptr;
  fmi3InstantiateModelExchangeFn* instantiate_model_exchange = nullptr;
  fmi3FreeInstanceFn* free_instance = nullptr;
  fmi3EnterInitializationModeFn* enter_initialization_mode = nullptr;
  fmi3ExitInitializationModeFn* exit_initialization_mode = nullptr;
  fmi3EnterEventModeFn* enter_event_mode = nullptr;
  fmi3TerminateFn* terminate = nullptr;
  fmi3ResetFn* reset = nullptr;
  fmi3GetFloat32Fn* get_float32 = nullptr;
  fmi3SetFloat32Fn* set_float32 = nullptr;
  fmi3GetFloat64Fn* get_float64 = nullptr;
  fmi3SetFloat64Fn* set_float64 = nullptr;
  fmi3GetInt8Fn* get_int8 = nullptr;
  fmi3SetInt8Fn* set_int8 = nullptr;
  fmi3GetUInt8Fn* get_uint8 = nullptr;
  fmi3SetUInt8Fn* set_uint8 = nullptr;
  fmi3GetInt16Fn* get_int16 = nullptr;
  fmi3SetInt16Fn* set_int16 = nullptr;
  fmi3GetUInt16Fn* get_uint16 = nullptr;
  fmi3SetUInt16Fn* set_uint16 = nullptr;
  fmi3GetInt32Fn* get_int32 = nullptr;
  fmi3SetInt32Fn* set_int32 = nullptr;
  fmi3GetUInt32Fn* get_uint32 = nullptr;
  fmi3SetUInt32Fn* set_uint32 = nullptr;
  fmi3GetInt64Fn* get_int64 = nullptr;
  fmi3SetInt64Fn* set_int64 = nullptr;
  fmi3GetUInt64Fn* get_uint64 = nullptr;
  fmi3SetUInt64Fn* set_uint64 = nullptr;
  fmi3GetBooleanFn* get_boolean = nullptr;
  fmi3SetBooleanFn* set_boolean = nullptr;
  fmi3GetStringFn* get_string = nullptr;
  fmi3SetStringFn* set_string = nullptr;
  fmi3GetBinaryFn* get_binary = nullptr;
  fmi3SetBinaryFn* set_binary = nullptr;
  // Co-Simulation
  fmi3EnterStepModeFn* enter_step_mode = nullptr;
  fmi3DoStepFn* do_step = nullptr;
  // Model Exchange
  fmi3GetNumberOfContinuousStatesFn* get_number_of_continuous_states = nullptr;
  fmi3GetNumberOfEventIndicatorsFn* get_number_of_event_indicators = nullptr;
  fmi3UpdateDiscreteStatesFn* update_discrete_states = nullptr;
  fmi3EnterContinuousTimeModeFn* enter_continuous_time_mode = nullptr;
  fmi3CompletedIntegratorStepFn* completed_integrator_step = nullptr;
  fmi3SetTimeFn* set_time = nullptr;
  fmi3SetContinuousStatesFn* set_continuous_states = nullptr;
  fmi3GetContinuousStateDerivativesFn* get_continuous_state_derivatives = nullptr;
  fmi3GetEventIndicatorsFn* get_event_indicators = nullptr;
  fmi3GetContinuousStatesFn* get_continuous_states = nullptr;
  fmi3GetNominalsOfContinuousStatesFn* get_nominals_of_continuous_states = nullptr;
};

struct FmuBinary {
  FmuBinary(const std::filesystem::path& file, FmiVersion version, Interface interface);

  std::filesystem::path file;
  SharedLibrary library;
  Fmi2Functions fmi2;  // filled for FMI 2 FMUs
  Fmi3Functions fmi3;  // filled for FMI 3 FMUs
};

}  // namespace twinloop::fmi
