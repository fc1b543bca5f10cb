/* The C interface of FMI 2.0 (FMI 2.0.4, sections 2.1 and 3/4): the platform types, the
 * callback structure and one function type per exported function. Written for twinloop from
 * the standard's text; the names are the ones the standard gives, because an FMU's binary
 * exports its functions under them.
 *
 * Both the importer (C++) and the project's test FMUs (C) include this header. An FMU declares
 * its exports with the function types, e.g. `fmi2DoStepFn fmi2DoStep;`. */
#ifndef TWINLOOP_FMI_FMI2_API_H
#define TWINLOOP_FMI_FMI2_API_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef void* fmi2Component;
typedef void* fmi2ComponentEnvironment;
typedef void* fmi2FMUstate;
typedef unsigned int fmi2ValueReference;
typedef double fmi2Real;
typedef int fmi2Integer;
typedef int fmi2Boolean;
typedef char fmi2Char;
typedef const fmi2Char* fmi2String;
typedef char fmi2Byte;

#define fmi2True 1
#define fmi2False 0

typedef enum { fmi2OK, fmi2Warning, fmi2Discard, fmi2Error, fmi2Fatal, fmi2Pending } fmi2Status;

typedef enum { fmi2ModelExchange, fmi2CoSimulation } fmi2Type;

typedef enum {
  fmi2DoStepStatus,
  fmi2PendingStatus,
  fmi2LastSuccessfulTime,
  fmi2Terminated
} fmi2StatusKind;

typedef void (*fmi2CallbackLogger)(fmi2ComponentEnvironment componentEnvironment,
                                   fmi2String instanceName, fmi2Status status,
                                   fmi2String category, fmi2String message, ...);
typedef void* (*fmi2CallbackAllocateMemory)(size_t nobj, size_t size);
typedef void (*fmi2CallbackFreeMemory)(void* obj);
typedef void (*fmi2StepFinished)(fmi2ComponentEnvironment componentEnvironment,
                                 fmi2Status status);

typedef struct {
  fmi2CallbackLogger logger;
  fmi2CallbackAllocateMemory allocateMemory;
  fmi2CallbackFreeMemory freeMemory;
  fmi2StepFinished stepFinished;
  fmi2ComponentEnvironment componentEnvironment;
} fmi2CallbackFunctions;

typedef struct {
  fmi2Boolean newDiscreteStatesNeeded;
  fmi2Boolean terminateSimulation;
  fmi2Boolean nominalsOfContinuousStatesChanged;
  fmi2Boolean valuesOfContinuousStatesChanged;
  fmi2Boolean nextEventTimeDefined;
  fmi2Real nextEventTime;
} fmi2EventInfo;

/* Common functions. */
typedef const char* fmi2GetTypesPlatformFn(void);
typedef const char* fmi2GetVersionFn(void);
typedef fmi2Status fmi2SetDebugLoggingFn(fmi2Component c, fmi2Boolean loggingOn,
                                         size_t nCategories, const fmi2String categories[]);
typedef fmi2Component fmi2InstantiateFn(fmi2String instanceName, fmi2Type fmuType,
                                        fmi2String fmuGUID, fmi2String fmuResourceLocation,
                                        const fmi2CallbackFunctions* functions,
                                        fmi2Boolean visible, fmi2Boolean loggingOn);
typedef void fmi2FreeInstanceFn(fmi2Component c);
typedef fmi2Status fmi2SetupExperimentFn(fmi2Component c, fmi2Boolean toleranceDefined,
                                         fmi2Real tolerance, fmi2Real startTime,
                                         fmi2Boolean stopTimeDefined, fmi2Real stopTime);
typedef fmi2Status fmi2EnterInitializationModeFn(fmi2Component c);
typedef fmi2Status fmi2ExitInitializationModeFn(fmi2Component c);
typedef fmi2Status fmi2TerminateFn(fmi2Component c);
typedef fmi2Status fmi2ResetFn(fmi2Component c);
typedef fmi2Status fmi2GetRealFn(fmi2Component c, const fmi2ValueReference vr[], size_t nvr,
                                 fmi2Real value[]);
typedef fmi2Status fmi2GetIntegerFn(fmi2Component c, const fmi2ValueReference vr[], size_t nvr,
                                    fmi2Integer value[]);
typedef fmi2Status fmi2GetBooleanFn(fmi2Component c, const fmi2ValueReference vr[], size_t nvr,
                                    fmi2Boolean value[]);
typedef fmi2Status fmi2GetStringFn(fmi2Component c, const fmi2ValueReference vr[], size_t nvr,
                                   fmi2String value[]);
typedef fmi2Status fmi2SetRealFn(fmi2Component c, const fmi2ValueReference vr[], size_t nvr,
                                 const fmi2Real value[]);
typedef fmi2Status fmi2SetIntegerFn(fmi2Component c, const fmi2ValueReference vr[], size_t nvr,
                                    const fmi2Integer value[]);
typedef fmi2Status fmi2SetBooleanFn(fmi2Component c, const fmi2ValueReference vr[], size_t nvr,
                                    const fmi2Boolean value[]);
typedef fmi2Status fmi2SetStringFn(fmi2Component c, const fmi2ValueReference vr[], size_t nvr,
                                   const fmi2String value[]);

/* Model Exchange. */
typedef fmi2Status fmi2EnterEventModeFn(fmi2Component c);
typedef fmi2Status fmi2NewDiscreteStatesFn(fmi2Component c, fmi2EventInfo* eventInfo);
typedef fmi2Status fmi2EnterContinuousTimeModeFn(fmi2Component c);
typedef fmi2Status fmi2CompletedIntegratorStepFn(fmi2Component c,
                                                 fmi2Boolean noSetFMUStatePriorToCurrentPoint,
                                                 fmi2Boolean* enterEventMode,
                                                 fmi2Boolean* terminateSimulation);
typedef fmi2Status fmi2SetTimeFn(fmi2Component c, fmi2Real time);
typedef fmi2Status fmi2SetContinuousStatesFn(fmi2Component c, const fmi2Real x[], size_t nx);
typedef fmi2Status fmi2GetDerivativesFn(fmi2Component c, fmi2Real derivatives[], size_t nx);
typedef fmi2Status fmi2GetEventIndicatorsFn(fmi2Component c, fmi2Real eventIndicators[],
                                            size_t ni);
typedef fmi2Status fmi2GetContinuousStatesFn(fmi2Component c, fmi2Real x[], size_t nx);
typedef fmi2Status fmi2GetNominalsOfContinuousStatesFn(fmi2Component c, fmi2Real x_nominal[],
                                                       size_t nx);

/* Co-Simulation. */
typedef fmi2Status fmi2DoStepFn(fmi2Component c, fmi2Real currentCommunicationPoint,
                                fmi2Real communicationStepSize,
                                fmi2Boolean noSetFMUStatePriorToCurrentPoint);
typedef fmi2Status fmi2CancelStepFn(fmi2Component c);
typedef fmi2Status fmi2GetStatusFn(fmi2Component c, const fmi2StatusKind s, fmi2Status* value);
typedef fmi2Status fmi2GetRealStatusFn(fmi2Component c, const fmi2StatusKind s,
                                       fmi2Real* value);
typedef fmi2Status fmi2GetIntegerStatusFn(fmi2Component c, const fmi2StatusKind s,
                                          fmi2Integer* value);
typedef fmi2Status fmi2GetBooleanStatusFn(fmi2Component c, const fmi2StatusKind s,
                                          fmi2Boolean* value);
typedef fmi2Status fmi2GetStringStatusFn(fmi2Component c, const fmi2StatusKind s,
                                         fmi2String* value);

#ifdef __cplusplus
}
#endif

#endif /* TWINLOOP_FMI_FMI2_API_H */
