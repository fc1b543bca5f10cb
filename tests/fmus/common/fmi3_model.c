/* The FMI 3 exports of a test FMU, on top of the model's hooks (fmi3_model.h). */
#include "fmi3_model.h"

#include <stdlib.h>
#include <string.h>

fmi3GetVersionFn fmi3GetVersion;
fmi3SetDebugLoggingFn fmi3SetDebugLogging;
fmi3InstantiateModelExchangeFn fmi3InstantiateModelExchange;
fmi3InstantiateCoSimulationFn fmi3InstantiateCoSimulation;
fmi3FreeInstanceFn fmi3FreeInstance;
fmi3EnterInitializationModeFn fmi3EnterInitializationMode;
fmi3ExitInitializationModeFn fmi3ExitInitializationMode;
fmi3EnterEventModeFn fmi3EnterEventMode;
fmi3TerminateFn fmi3Terminate;
fmi3ResetFn fmi3Reset;
fmi3GetStringFn fmi3GetString;
fmi3SetStringFn fmi3SetString;
fmi3GetBinaryFn fmi3GetBinary;
fmi3SetBinaryFn fmi3SetBinary;
fmi3GetNumberOfContinuousStatesFn fmi3GetNumberOfContinuousStates;
fmi3GetNumberOfEventIndicatorsFn fmi3GetNumberOfEventIndicators;
fmi3UpdateDiscreteStatesFn fmi3UpdateDiscreteStates;
fmi3EnterContinuousTimeModeFn fmi3EnterContinuousTimeMode;
fmi3CompletedIntegratorStepFn fmi3CompletedIntegratorStep;
fmi3SetTimeFn fmi3SetTime;
fmi3SetContinuousStatesFn fmi3SetContinuousStates;
fmi3GetContinuousStateDerivativesFn fmi3GetContinuousStateDerivatives;
fmi3GetEventIndicatorsFn fmi3GetEventIndicators;
fmi3GetContinuousStatesFn fmi3GetContinuousStates;
fmi3GetNominalsOfContinuousStatesFn fmi3GetNominalsOfContinuousStates;
fmi3EnterStepModeFn fmi3EnterStepMode;
fmi3DoStepFn fmi3DoStep;

void model_log(ModelInstance* m, fmi3Status status, const char* category, const char* message) {
  if (m->log_message != NULL) m->log_message(m->environment, status, category, message);
}

static size_t elements(fmi3ValueReference vr) {
  return model_hooks.element_count != NULL ? model_hooks.element_count(vr) : 1;
}

/* Checks that the value references and the values they take fit; returns the element count. */
static int check_access(ModelInstance* m, const fmi3ValueReference vr[], size_t nvr,
                        size_t nValues) {
  size_t total = 0;
  for (size_t i = 0; i < nvr; ++i) {
    const size_t n = elements(vr[i]);
    if (vr[i] + n > MODEL_MAX_VARIABLES) {
      model_log(m, fmi3Error, "logStatusError", "value reference out of range");
      return 0;
    }
    total += n;
  }
  if (total != nValues) {
    model_log(m, fmi3Error, "logStatusError", "nValues does not match the variables");
    return 0;
  }
  return 1;
}

static void refresh_outputs(ModelInstance* m) {
  if (model_hooks.update_outputs != NULL) model_hooks.update_outputs(m);
}

#define ACCESSORS(Name, Type, field)                                                          \
  fmi3Get##Name##Fn fmi3Get##Name;                                                            \
  fmi3Set##Name##Fn fmi3Set##Name;                                                            \
  fmi3Status fmi3Get##Name(fmi3Instance instance, const fmi3ValueReference vr[], size_t nvr, \
                           Type values[], size_t nValues) {                                   \
    ModelInstance* m = instance;                                                              \
    if (!check_access(m, vr, nvr, nValues)) return fmi3Error;                                 \
    refresh_outputs(m);                                                                       \
    size_t k = 0;                                                                             \
    for (size_t i = 0; i < nvr; ++i) {                                                        \
      for (size_t j = 0; j < elements(vr[i]); ++j) values[k++] = m->field[vr[i] + j];         \
    }                                                                                         \
    return fmi3OK;                                                                            \
  }                                                                                           \
  fmi3Status fmi3Set##Name(fmi3Instance instance, const fmi3ValueReference vr[], size_t nvr, \
                           const Type values[], size_t nValues) {                             \
    ModelInstance* m = instance;                                                              \
    if (!check_access(m, vr, nvr, nValues)) return fmi3Error;                                 \
    size_t k = 0;                                                                             \
    for (size_t i = 0; i < nvr; ++i) {                                                        \
      for (size_t j = 0; j < elements(vr[i]); ++j) m->field[vr[i] + j] = values[k++];         \
    }                                                                                         \
    return fmi3OK;                                                                            \
  }
ACCESSORS(Float32, fmi3Float32, float32)
ACCESSORS(Float64, fmi3Float64, float64)
ACCESSORS(Int8, fmi3Int8, int8)
ACCESSORS(UInt8, fmi3UInt8, uint8)
ACCESSORS(Int16, fmi3Int16, int16)
ACCESSORS(UInt16, fmi3UInt16, uint16)
ACCESSORS(Int32, fmi3Int32, int32)
ACCESSORS(UInt32, fmi3UInt32, uint32)
ACCESSORS(Int64, fmi3Int64, int64)
ACCESSORS(UInt64, fmi3UInt64, uint64)
ACCESSORS(Boolean, fmi3Boolean, boolean)
#undef ACCESSORS

const char* fmi3GetVersion(void) { return "3.0"; }

fmi3Status fmi3SetDebugLogging(fmi3Instance instance, fmi3Boolean loggingOn, size_t nCategories,
                               const fmi3String categories[]) {
  (void)instance;
  (void)loggingOn;
  (void)nCategories;
  (void)categories;
  return fmi3OK;
}

static ModelInstance* instantiate(fmi3String instanceName, fmi3String instantiationToken,
                                  fmi3String resourcePath, fmi3InstanceEnvironment environment,
                                  fmi3LogMessageCallback logMessage, fmi3Boolean co_simulation) {
  if (instanceName == NULL) return NULL;
  ModelInstance* m = calloc(1, sizeof(ModelInstance));
  if (m == NULL) return NULL;
  m->environment = environment;
  m->log_message = logMessage;
  strncpy(m->instance_name, instanceName, sizeof(m->instance_name) - 1);
  m->co_simulation = co_simulation;
  if (instantiationToken == NULL || strcmp(instantiationToken, model_hooks.instantiation_token)) {
    model_log(m, fmi3Error, "logStatusError", "the instantiation token does not match");
    free(m);
    return NULL;
  }
  if (resourcePath != NULL &&
      (resourcePath[0] != '/' || resourcePath[strlen(resourcePath) - 1] != '/')) {
    model_log(m, fmi3Error, "logStatusError", "resourcePath is not an absolute directory path");
    free(m);
    return NULL;
  }
  model_hooks.set_start_values(m);
  return m;
}

fmi3Instance fmi3InstantiateModelExchange(fmi3String instanceName, fmi3String instantiationToken,
                                          fmi3String resourcePath, fmi3Boolean visible,
                                          fmi3Boolean loggingOn,
                                          fmi3InstanceEnvironment instanceEnvironment,
                                          fmi3LogMessageCallback logMessage) {
  (void)visible;
  (void)loggingOn;
  return instantiate(instanceName, instantiationToken, resourcePath, instanceEnvironment,
                     logMessage, fmi3False);
}

fmi3Instance fmi3InstantiateCoSimulation(
    fmi3String instanceName, fmi3String instantiationToken, fmi3String resourcePath,
    fmi3Boolean visible, fmi3Boolean loggingOn, fmi3Boolean eventModeUsed,
    fmi3Boolean earlyReturnAllowed, const fmi3ValueReference requiredIntermediateVariables[],
    size_t nRequiredIntermediateVariables, fmi3InstanceEnvironment instanceEnvironment,
    fmi3LogMessageCallback logMessage, fmi3IntermediateUpdateCallback intermediateUpdate) {
  (void)visible;
  (void)loggingOn;
  (void)eventModeUsed;
  (void)earlyReturnAllowed;
  (void)requiredIntermediateVariables;
  (void)nRequiredIntermediateVariables;
  (void)intermediateUpdate;
  return instantiate(instanceName, instantiationToken, resourcePath, instanceEnvironment,
                     logMessage, fmi3True);
}

static void free_values(ModelInstance* m) {
  for (int i = 0; i < MODEL_MAX_VARIABLES; ++i) {
    free(m->string[i]);
    free(m->binary[i]);
    m->string[i] = NULL;
    m->binary[i] = NULL;
    m->binary_size[i] = 0;
  }
}

void fmi3FreeInstance(fmi3Instance instance) {
  ModelInstance* m = instance;
  if (m == NULL) return;
  free_values(m);
  free(m);
}

fmi3Status fmi3EnterInitializationMode(fmi3Instance instance, fmi3Boolean toleranceDefined,
                                       fmi3Float64 tolerance, fmi3Float64 startTime,
                                       fmi3Boolean stopTimeDefined, fmi3Float64 stopTime) {
  (void)toleranceDefined;
  (void)tolerance;
  (void)stopTimeDefined;
  (void)stopTime;
  ((ModelInstance*)instance)->time = startTime;
  return fmi3OK;
}

fmi3Status fmi3ExitInitializationMode(fmi3Instance instance) {
  ModelInstance* m = instance;
  fmi3Status status = fmi3OK;
  if (model_hooks.exit_initialization != NULL) status = model_hooks.exit_initialization(m);
  refresh_outputs(m);
  return status;
}

fmi3Status fmi3EnterEventMode(fmi3Instance instance) {
  (void)instance;
  return fmi3OK;
}

fmi3Status fmi3Terminate(fmi3Instance instance) {
  (void)instance;
  return fmi3OK;
}

fmi3Status fmi3Reset(fmi3Instance instance) {
  ModelInstance* m = instance;
  free_values(m);
  model_hooks.set_start_values(m);
  return fmi3OK;
}

fmi3Status fmi3GetString(fmi3Instance instance, const fmi3ValueReference vr[], size_t nvr,
                         fmi3String values[], size_t nValues) {
  ModelInstance* m = instance;
  if (!check_access(m, vr, nvr, nValues)) return fmi3Error;
  for (size_t i = 0; i < nvr; ++i) values[i] = m->string[vr[i]] != NULL ? m->string[vr[i]] : "";
  return fmi3OK;
}

fmi3Status fmi3SetString(fmi3Instance instance, const fmi3ValueReference vr[], size_t nvr,
                         const fmi3String values[], size_t nValues) {
  ModelInstance* m = instance;
  if (!check_access(m, vr, nvr, nValues)) return fmi3Error;
  for (size_t i = 0; i < nvr; ++i) {
    free(m->string[vr[i]]);
    m->string[vr[i]] = NULL;
    if (values[i] == NULL) continue;
    const size_t length = strlen(values[i]);
    m->string[vr[i]] = malloc(length + 1);
    if (m->string[vr[i]] == NULL) return fmi3Error;
    memcpy(m->string[vr[i]], values[i], length + 1);
  }
  refresh_outputs(m);
  return fmi3OK;
}

fmi3Status fmi3GetBinary(fmi3Instance instance, const fmi3ValueReference vr[], size_t nvr,
                         size_t valueSizes[], fmi3Binary values[], size_t nValues) {
  ModelInstance* m = instance;
  if (!check_access(m, vr, nvr, nValues)) return fmi3Error;
  for (size_t i = 0; i < nvr; ++i) {
    valueSizes[i] = m->binary_size[vr[i]];
    values[i] = m->binary[vr[i]];
  }
  return fmi3OK;
}

fmi3Status fmi3SetBinary(fmi3Instance instance, const fmi3ValueReference vr[], size_t nvr,
                         const size_t valueSizes[], const fmi3Binary values[], size_t nValues) {
  ModelInstance* m = instance;
  if (!check_access(m, vr, nvr, nValues)) return fmi3Error;
  for (size_t i = 0; i < nvr; ++i) {
    free(m->binary[vr[i]]);
    m->binary[vr[i]] = NULL;
    m->binary_size[vr[i]] = 0;
    if (valueSizes[i] == 0) continue;
    m->binary[vr[i]] = malloc(valueSizes[i]);
    if (m->binary[vr[i]] == NULL) return fmi3Error;
    memcpy(m->binary[vr[i]], values[i], valueSizes[i]);
    m->binary_size[vr[i]] = valueSizes[i];
  }
  return fmi3OK;
}

fmi3Status fmi3GetNumberOfContinuousStates(fmi3Instance instance, size_t* nContinuousStates) {
  (void)instance;
  *nContinuousStates = (size_t)model_hooks.state_count;
  return fmi3OK;
}

fmi3Status fmi3GetNumberOfEventIndicators(fmi3Instance instance, size_t* nEventIndicators) {
  (void)instance;
  *nEventIndicators = (size_t)model_hooks.event_indicator_count;
  return fmi3OK;
}

fmi3Status fmi3UpdateDiscreteStates(fmi3Instance instance, fmi3Boolean* discreteStatesNeedUpdate,
                                    fmi3Boolean* terminateSimulation,
                                    fmi3Boolean* nominalsOfContinuousStatesChanged,
                                    fmi3Boolean* valuesOfContinuousStatesChanged,
                                    fmi3Boolean* nextEventTimeDefined,
                                    fmi3Float64* nextEventTime) {
  ModelInstance* m = instance;
  m->values_changed = fmi3False;
  if (model_hooks.event_update != NULL) model_hooks.event_update(m);
  *discreteStatesNeedUpdate = fmi3False;
  *terminateSimulation = fmi3False;
  *nominalsOfContinuousStatesChanged = fmi3False;
  *valuesOfContinuousStatesChanged = m->values_changed;
  *nextEventTimeDefined = m->next_event_defined;
  *nextEventTime = m->next_event_time;
  return fmi3OK;
}

fmi3Status fmi3EnterContinuousTimeMode(fmi3Instance instance) {
  (void)instance;
  return fmi3OK;
}

fmi3Status fmi3CompletedIntegratorStep(fmi3Instance instance,
                                       fmi3Boolean noSetFMUStatePriorToCurrentPoint,
                                       fmi3Boolean* enterEventMode,
                                       fmi3Boolean* terminateSimulation) {
  (void)instance;
  (void)noSetFMUStatePriorToCurrentPoint;
  *enterEventMode = fmi3False;
  *terminateSimulation = fmi3False;
  return fmi3OK;
}

fmi3Status fmi3SetTime(fmi3Instance instance, fmi3Float64 time) {
  ((ModelInstance*)instance)->time = time;
  return fmi3OK;
}

fmi3Status fmi3SetContinuousStates(fmi3Instance instance, const fmi3Float64 continuousStates[],
                                   size_t nContinuousStates) {
  ModelInstance* m = instance;
  if (nContinuousStates != (size_t)model_hooks.state_count) return fmi3Error;
  for (size_t i = 0; i < nContinuousStates; ++i) {
    m->float64[model_hooks.state_references[i]] = continuousStates[i];
  }
  return fmi3OK;
}

fmi3Status fmi3GetContinuousStateDerivatives(fmi3Instance instance, fmi3Float64 derivatives[],
                                             size_t nContinuousStates) {
  ModelInstance* m = instance;
  if (nContinuousStates != (size_t)model_hooks.state_count) return fmi3Error;
  if (nContinuousStates > 0) model_hooks.derivatives(m, derivatives);
  return fmi3OK;
}

fmi3Status fmi3GetEventIndicators(fmi3Instance instance, fmi3Float64 eventIndicators[],
                                  size_t nEventIndicators) {
  ModelInstance* m = instance;
  if (nEventIndicators != (size_t)model_hooks.event_indicator_count) return fmi3Error;
  if (nEventIndicators > 0) model_hooks.event_indicators(m, eventIndicators);
  return fmi3OK;
}

fmi3Status fmi3GetContinuousStates(fmi3Instance instance, fmi3Float64 continuousStates[],
                                   size_t nContinuousStates) {
  ModelInstance* m = instance;
  if (nContinuousStates != (size_t)model_hooks.state_count) return fmi3Error;
  for (size_t i = 0; i < nContinuousStates; ++i) {
    continuousStates[i] = m->float64[model_hooks.state_references[i]];
  }
  return fmi3OK;
}

fmi3Status fmi3GetNominalsOfContinuousStates(fmi3Instance instance, fmi3Float64 nominals[],
                                             size_t nContinuousStates) {
  (void)instance;
  for (size_t i = 0; i < nContinuousStates; ++i) nominals[i] = 1.0;
  return fmi3OK;
}

fmi3Status fmi3EnterStepMode(fmi3Instance instance) {
  (void)instance;
  return fmi3OK;
}

fmi3Status fmi3DoStep(fmi3Instance instance, fmi3Float64 currentCommunicationPoint,
                      fmi3Float64 communicationStepSize,
                      fmi3Boolean noSetFMUStatePriorToCurrentPoint,
                      fmi3Boolean* eventHandlingNeeded, fmi3Boolean* terminateSimulation,
                      fmi3Boolean* earlyReturn, fmi3Float64* lastSuccessfulTime) {
  ModelInstance* m = instance;
  (void)noSetFMUStatePriorToCurrentPoint;
  *eventHandlingNeeded = fmi3False;
  *terminateSimulation = fmi3False;
  *earlyReturn = fmi3False;
  *lastSuccessfulTime = currentCommunicationPoint + communicationStepSize;
  if (model_hooks.do_step == NULL) return fmi3Error;
  const fmi3Status status = model_hooks.do_step(m, currentCommunicationPoint,
                                                communicationStepSize, terminateSimulation,
                                                lastSuccessfulTime);
  m->time = *lastSuccessfulTime;
  return status;
}
