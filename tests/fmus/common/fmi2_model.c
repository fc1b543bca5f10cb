/* The FMI 2 exports of a test FMU, on top of the model's hooks (fmi2_model.h). Compiled with
 * TWINLOOP_TEST_FMU_OMIT_DO_STEP it lacks fmi2DoStep, for the "missing function" test. */
#include "fmi2_model.h"

#include <stdlib.h>
#include <string.h>

fmi2GetTypesPlatformFn fmi2GetTypesPlatform;
fmi2GetVersionFn fmi2GetVersion;
fmi2SetDebugLoggingFn fmi2SetDebugLogging;
fmi2InstantiateFn fmi2Instantiate;
fmi2FreeInstanceFn fmi2FreeInstance;
fmi2SetupExperimentFn fmi2SetupExperiment;
fmi2EnterInitializationModeFn fmi2EnterInitializationMode;
fmi2ExitInitializationModeFn fmi2ExitInitializationMode;
fmi2TerminateFn fmi2Terminate;
fmi2ResetFn fmi2Reset;
fmi2GetRealFn fmi2GetReal;
fmi2GetIntegerFn fmi2GetInteger;
fmi2GetBooleanFn fmi2GetBoolean;
fmi2GetStringFn fmi2GetString;
fmi2SetRealFn fmi2SetReal;
fmi2SetIntegerFn fmi2SetInteger;
fmi2SetBooleanFn fmi2SetBoolean;
fmi2SetStringFn fmi2SetString;
fmi2EnterEventModeFn fmi2EnterEventMode;
fmi2NewDiscreteStatesFn fmi2NewDiscreteStates;
fmi2EnterContinuousTimeModeFn fmi2EnterContinuousTimeMode;
fmi2CompletedIntegratorStepFn fmi2CompletedIntegratorStep;
fmi2SetTimeFn fmi2SetTime;
fmi2SetContinuousStatesFn fmi2SetContinuousStates;
fmi2GetDerivativesFn fmi2GetDerivatives;
fmi2GetEventIndicatorsFn fmi2GetEventIndicators;
fmi2GetContinuousStatesFn fmi2GetContinuousStates;
fmi2GetNominalsOfContinuousStatesFn fmi2GetNominalsOfContinuousStates;
#ifndef TWINLOOP_TEST_FMU_OMIT_DO_STEP
fmi2DoStepFn fmi2DoStep;
#endif
fmi2CancelStepFn fmi2CancelStep;
fmi2GetStatusFn fmi2GetStatus;
fmi2GetRealStatusFn fmi2GetRealStatus;
fmi2GetIntegerStatusFn fmi2GetIntegerStatus;
fmi2GetBooleanStatusFn fmi2GetBooleanStatus;
fmi2GetStringStatusFn fmi2GetStringStatus;

void model_log(ModelInstance* m, fmi2Status status, const char* category, const char* message) {
  if (m->callbacks.logger != NULL) {
    m->callbacks.logger(m->callbacks.componentEnvironment, m->instance_name, status, category,
                        "%s", message);
  }
}

static fmi2Status check_references(ModelInstance* m, const fmi2ValueReference vr[], size_t nvr) {
  for (size_t i = 0; i < nvr; ++i) {
    if (vr[i] >= MODEL_MAX_VARIABLES) {
      model_log(m, fmi2Error, "logStatusError", "value reference out of range");
      return fmi2Error;
    }
  }
  return fmi2OK;
}

static void refresh_outputs(ModelInstance* m) {
  if (model_hooks.update_outputs != NULL) model_hooks.update_outputs(m);
}

const char* fmi2GetTypesPlatform(void) { return "default"; }
const char* fmi2GetVersion(void) { return "2.0"; }

/* Says which categories it was asked for, so that a test can see them arrive. */
fmi2Status fmi2SetDebugLogging(fmi2Component c, fmi2Boolean loggingOn, size_t nCategories,
                               const fmi2String categories[]) {
  ModelInstance* m = c;
  char message[256] = "debug logging";
  strcat(message, loggingOn ? " on:" : " off:");
  for (size_t i = 0; i < nCategories; ++i) {
    if (strlen(message) + strlen(categories[i]) + 2 >= sizeof message) return fmi2Error;
    strcat(message, " ");
    strcat(message, categories[i]);
  }
  model_log(m, fmi2OK, "logAll", message);
  return fmi2OK;
}

fmi2Component fmi2Instantiate(fmi2String instanceName, fmi2Type fmuType, fmi2String fmuGUID,
                              fmi2String fmuResourceLocation,
                              const fmi2CallbackFunctions* functions, fmi2Boolean visible,
                              fmi2Boolean loggingOn) {
  (void)visible;
  (void)loggingOn;
  if (functions == NULL || functions->allocateMemory == NULL || instanceName == NULL) return NULL;
  ModelInstance* m = functions->allocateMemory(1, sizeof(ModelInstance));
  if (m == NULL) return NULL;
  m->callbacks = *functions;
  strncpy(m->instance_name, instanceName, sizeof(m->instance_name) - 1);
  m->type = fmuType;
  if (fmuGUID == NULL || strcmp(fmuGUID, model_hooks.guid) != 0) {
    model_log(m, fmi2Error, "logStatusError", "the GUID does not match this binary");
    functions->freeMemory(m);
    return NULL;
  }
  if (fmuResourceLocation == NULL || strncmp(fmuResourceLocation, "file://", 7) != 0) {
    model_log(m, fmi2Error, "logStatusError", "fmuResourceLocation is not a file URI");
    functions->freeMemory(m);
    return NULL;
  }
  model_hooks.set_start_values(m);
  return m;
}

static void free_strings(ModelInstance* m) {
  for (int i = 0; i < MODEL_MAX_VARIABLES; ++i) {
    free(m->string[i]);
    m->string[i] = NULL;
  }
}

void fmi2FreeInstance(fmi2Component c) {
  ModelInstance* m = c;
  if (m == NULL) return;
  free_strings(m);
  m->callbacks.freeMemory(m);
}

fmi2Status fmi2SetupExperiment(fmi2Component c, fmi2Boolean toleranceDefined,
                               fmi2Real tolerance, fmi2Real startTime,
                               fmi2Boolean stopTimeDefined, fmi2Real stopTime) {
  (void)toleranceDefined;
  (void)tolerance;
  (void)stopTimeDefined;
  (void)stopTime;
  ((ModelInstance*)c)->time = startTime;
  return fmi2OK;
}

fmi2Status fmi2EnterInitializationMode(fmi2Component c) {
  (void)c;
  return fmi2OK;
}

fmi2Status fmi2ExitInitializationMode(fmi2Component c) {
  ModelInstance* m = c;
  fmi2Status status = fmi2OK;
  if (model_hooks.exit_initialization != NULL) status = model_hooks.exit_initialization(m);
  refresh_outputs(m);
  return status;
}

fmi2Status fmi2Terminate(fmi2Component c) {
  (void)c;
  return fmi2OK;
}

fmi2Status fmi2Reset(fmi2Component c) {
  ModelInstance* m = c;
  free_strings(m);
  model_hooks.set_start_values(m);
  return fmi2OK;
}

#define ACCESSORS(Name, Type, field)                                                          \
  fmi2Status fmi2Get##Name(fmi2Component c, const fmi2ValueReference vr[], size_t nvr,        \
                           Type value[]) {                                                    \
    ModelInstance* m = c;                                                                     \
    if (check_references(m, vr, nvr) != fmi2OK) return fmi2Error;                             \
    refresh_outputs(m);                                                                       \
    for (size_t i = 0; i < nvr; ++i) value[i] = m->field[vr[i]];                              \
    return fmi2OK;                                                                            \
  }                                                                                           \
  fmi2Status fmi2Set##Name(fmi2Component c, const fmi2ValueReference vr[], size_t nvr,        \
                           const Type value[]) {                                              \
    ModelInstance* m = c;                                                                     \
    if (check_references(m, vr, nvr) != fmi2OK) return fmi2Error;                             \
    for (size_t i = 0; i < nvr; ++i) m->field[vr[i]] = value[i];                              \
    return fmi2OK;                                                                            \
  }
ACCESSORS(Real, fmi2Real, real)
ACCESSORS(Integer, fmi2Integer, integer)
ACCESSORS(Boolean, fmi2Boolean, boolean)
#undef ACCESSORS

fmi2Status fmi2GetString(fmi2Component c, const fmi2ValueReference vr[], size_t nvr,
                         fmi2String value[]) {
  ModelInstance* m = c;
  if (check_references(m, vr, nvr) != fmi2OK) return fmi2Error;
  for (size_t i = 0; i < nvr; ++i) value[i] = m->string[vr[i]] != NULL ? m->string[vr[i]] : "";
  return fmi2OK;
}

fmi2Status fmi2SetString(fmi2Component c, const fmi2ValueReference vr[], size_t nvr,
                         const fmi2String value[]) {
  ModelInstance* m = c;
  if (check_references(m, vr, nvr) != fmi2OK) return fmi2Error;
  for (size_t i = 0; i < nvr; ++i) {
    free(m->string[vr[i]]);
    m->string[vr[i]] = NULL;
    if (value[i] == NULL) continue;
    const size_t length = strlen(value[i]);
    m->string[vr[i]] = malloc(length + 1);
    if (m->string[vr[i]] == NULL) return fmi2Error;
    memcpy(m->string[vr[i]], value[i], length + 1);
  }
  return fmi2OK;
}

fmi2Status fmi2EnterEventMode(fmi2Component c) {
  (void)c;
  return fmi2OK;
}

fmi2Status fmi2NewDiscreteStates(fmi2Component c, fmi2EventInfo* eventInfo) {
  ModelInstance* m = c;
  m->event.newDiscreteStatesNeeded = fmi2False;
  m->event.terminateSimulation = fmi2False;
  m->event.nominalsOfContinuousStatesChanged = fmi2False;
  m->event.valuesOfContinuousStatesChanged = fmi2False;
  if (model_hooks.event_update != NULL) model_hooks.event_update(m);
  *eventInfo = m->event;
  return fmi2OK;
}

fmi2Status fmi2EnterContinuousTimeMode(fmi2Component c) {
  (void)c;
  return fmi2OK;
}

fmi2Status fmi2CompletedIntegratorStep(fmi2Component c,
                                       fmi2Boolean noSetFMUStatePriorToCurrentPoint,
                                       fmi2Boolean* enterEventMode,
                                       fmi2Boolean* terminateSimulation) {
  ModelInstance* m = c;
  (void)noSetFMUStatePriorToCurrentPoint;
  *enterEventMode = model_hooks.completed_integrator_step != NULL
                        ? model_hooks.completed_integrator_step(m)
                        : fmi2False;
  *terminateSimulation = fmi2False;
  return fmi2OK;
}

fmi2Status fmi2SetTime(fmi2Component c, fmi2Real time) {
  ((ModelInstance*)c)->time = time;
  return fmi2OK;
}

fmi2Status fmi2SetContinuousStates(fmi2Component c, const fmi2Real x[], size_t nx) {
  ModelInstance* m = c;
  if (nx != (size_t)model_hooks.state_count) return fmi2Error;
  for (size_t i = 0; i < nx; ++i) m->real[model_hooks.state_references[i]] = x[i];
  return fmi2OK;
}

fmi2Status fmi2GetDerivatives(fmi2Component c, fmi2Real derivatives[], size_t nx) {
  ModelInstance* m = c;
  if (nx != (size_t)model_hooks.state_count) return fmi2Error;
  if (nx > 0) model_hooks.derivatives(m, derivatives);
  return fmi2OK;
}

fmi2Status fmi2GetEventIndicators(fmi2Component c, fmi2Real eventIndicators[], size_t ni) {
  ModelInstance* m = c;
  if (ni != (size_t)model_hooks.event_indicator_count) return fmi2Error;
  if (ni > 0) model_hooks.event_indicators(m, eventIndicators);
  return fmi2OK;
}

fmi2Status fmi2GetContinuousStates(fmi2Component c, fmi2Real x[], size_t nx) {
  ModelInstance* m = c;
  if (nx != (size_t)model_hooks.state_count) return fmi2Error;
  for (size_t i = 0; i < nx; ++i) x[i] = m->real[model_hooks.state_references[i]];
  return fmi2OK;
}

fmi2Status fmi2GetNominalsOfContinuousStates(fmi2Component c, fmi2Real x_nominal[], size_t nx) {
  (void)c;
  for (size_t i = 0; i < nx; ++i) x_nominal[i] = 1.0;
  return fmi2OK;
}

#ifndef TWINLOOP_TEST_FMU_OMIT_DO_STEP
fmi2Status fmi2DoStep(fmi2Component c, fmi2Real currentCommunicationPoint,
                      fmi2Real communicationStepSize,
                      fmi2Boolean noSetFMUStatePriorToCurrentPoint) {
  ModelInstance* m = c;
  (void)noSetFMUStatePriorToCurrentPoint;
  if (model_hooks.do_step == NULL) return fmi2Error;
  const fmi2Status status =
      model_hooks.do_step(m, currentCommunicationPoint, communicationStepSize);
  if (status == fmi2OK || status == fmi2Warning) {
    m->time = currentCommunicationPoint + communicationStepSize;
  }
  return status;
}
#endif

fmi2Status fmi2CancelStep(fmi2Component c) {
  (void)c;
  return fmi2Error;
}

fmi2Status fmi2GetStatus(fmi2Component c, const fmi2StatusKind s, fmi2Status* value) {
  (void)c;
  (void)s;
  (void)value;
  return fmi2Discard;
}

fmi2Status fmi2GetRealStatus(fmi2Component c, const fmi2StatusKind s, fmi2Real* value) {
  ModelInstance* m = c;
  if (s != fmi2LastSuccessfulTime) return fmi2Discard;
  *value = m->last_successful_time;
  return fmi2OK;
}

fmi2Status fmi2GetIntegerStatus(fmi2Component c, const fmi2StatusKind s, fmi2Integer* value) {
  (void)c;
  (void)s;
  (void)value;
  return fmi2Discard;
}

fmi2Status fmi2GetBooleanStatus(fmi2Component c, const fmi2StatusKind s, fmi2Boolean* value) {
  ModelInstance* m = c;
  if (s != fmi2Terminated) return fmi2Discard;
  *value = m->terminated;
  return fmi2OK;
}

fmi2Status fmi2GetStringStatus(fmi2Component c, const fmi2StatusKind s, fmi2String* value) {
  (void)c;
  (void)s;
  (void)value;
  return fmi2Discard;
}
