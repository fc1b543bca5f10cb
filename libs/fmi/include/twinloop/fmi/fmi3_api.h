/* The C interface of FMI 3.0 (FMI 3.0.1, section 2.2 and chapters 3/4): the platform types, the
 * callback types and one function type per exported function that twinloop calls. Written for
 * twinloop from the standard's text; the names are the ones the standard gives, because an
 * FMU's binary exports its functions under them. Scheduled Execution and clocks are not
 * declared: twinloop does not drive them (docs/fmi.md).
 *
 * Both the importer (C++) and the project's test FMUs (C) include this header. An FMU declares
 * its exports with the function types, e.g. `fmi3DoStepFn fmi3DoStep;`. */
#ifndef TWINLOOP_FMI_FMI3_API_H
#define TWINLOOP_FMI_FMI3_API_H

#include <stddef.h>
#include <stdint.h>
#ifndef __cplusplus
#include <stdbool.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef void* fmi3Instance;
typedef void* fmi3InstanceEnvironment;
typedef void* fmi3FMUState;
typedef uint32_t fmi3ValueReference;
typedef float fmi3Float32;
typedef double fmi3Float64;
typedef int8_t fmi3Int8;
typedef uint8_t fmi3UInt8;
typedef int16_t fmi3Int16;
typedef uint16_t fmi3UInt16;
typedef int32_t fmi3Int32;
typedef uint32_t fmi3UInt32;
typedef int64_t fmi3Int64;
typedef uint64_t fmi3UInt64;
typedef bool fmi3Boolean;
typedef char fmi3Char;
typedef const fmi3Char* fmi3String;
typedef uint8_t fmi3Byte;
typedef const fmi3Byte* fmi3Binary;
typedef bool fmi3Clock;

#define fmi3True true
#define fmi3False false

typedef enum { fmi3OK, fmi3Warning, fmi3Discard, fmi3Error, fmi3Fatal } fmi3Status;

typedef void (*fmi3LogMessageCallback)(fmi3InstanceEnvironment instanceEnvironment,
                                       fmi3Status status, fmi3String category,
                                       fmi3String message);
typedef void (*fmi3IntermediateUpdateCallback)(
    fmi3InstanceEnvironment instanceEnvironment, fmi3Float64 intermediateUpdateTime,
    fmi3Boolean intermediateVariableSetRequested, fmi3Boolean intermediateVariableGetAllowed,
    fmi3Boolean intermediateStepFinished, fmi3Boolean canReturnEarly,
    fmi3Boolean* earlyReturnRequested, fmi3Float64* earlyReturnTime);

/* Common functions. */
typedef const char* fmi3GetVersionFn(void);
typedef fmi3Status fmi3SetDebugLoggingFn(fmi3Instance instance, fmi3Boolean loggingOn,
                                         size_t nCategories, const fmi3String categories[]);
typedef fmi3Instance fmi3InstantiateModelExchangeFn(fmi3String instanceName,
                                                    fmi3String instantiationToken,
                                                    fmi3String resourcePath, fmi3Boolean visible,
                                                    fmi3Boolean loggingOn,
                                                    fmi3InstanceEnvironment instanceEnvironment,
                                                    fmi3LogMessageCallback logMessage);
typedef fmi3Instance fmi3InstantiateCoSimulationFn(
    fmi3String instanceName, fmi3String instantiationToken, fmi3String resourcePath,
    fmi3Boolean visible, fmi3Boolean loggingOn, fmi3Boolean eventModeUsed,
    fmi3Boolean earlyReturnAllowed, const fmi3ValueReference requiredIntermediateVariables[],
    size_t nRequiredIntermediateVariables, fmi3InstanceEnvironment instanceEnvironment,
    fmi3LogMessageCallback logMessage, fmi3IntermediateUpdateCallback intermediateUpdate);
typedef void fmi3FreeInstanceFn(fmi3Instance instance);
typedef fmi3Status fmi3EnterInitializationModeFn(fmi3Instance instance,
                                                 fmi3Boolean toleranceDefined,
                                                 fmi3Float64 tolerance, fmi3Float64 startTime,
                                                 fmi3Boolean stopTimeDefined,
                                                 fmi3Float64 stopTime);
typedef fmi3Status fmi3ExitInitializationModeFn(fmi3Instance instance);
typedef fmi3Status fmi3EnterEventModeFn(fmi3Instance instance);
typedef fmi3Status fmi3TerminateFn(fmi3Instance instance);
typedef fmi3Status fmi3ResetFn(fmi3Instance instance);

/* Getters and setters: one value reference may stand for an array variable, whose elements
 * are passed serialised (row-major); nValues counts the elements of all variables. */
#define TWINLOOP_FMI3_ACCESSORS(Name, Type)                                                     \
  typedef fmi3Status fmi3Get##Name##Fn(fmi3Instance instance,                                   \
                                       const fmi3ValueReference valueReferences[],              \
                                       size_t nValueReferences, Type values[], size_t nValues); \
  typedef fmi3Status fmi3Set##Name##Fn(                                                         \
      fmi3Instance instance, const fmi3ValueReference valueReferences[],                        \
      size_t nValueReferences, const Type values[], size_t nValues);
TWINLOOP_FMI3_ACCESSORS(Float32, fmi3Float32)
TWINLOOP_FMI3_ACCESSORS(Float64, fmi3Float64)
TWINLOOP_FMI3_ACCESSORS(Int8, fmi3Int8)
TWINLOOP_FMI3_ACCESSORS(UInt8, fmi3UInt8)
TWINLOOP_FMI3_ACCESSORS(Int16, fmi3Int16)
TWINLOOP_FMI3_ACCESSORS(UInt16, fmi3UInt16)
TWINLOOP_FMI3_ACCESSORS(Int32, fmi3Int32)
TWINLOOP_FMI3_ACCESSORS(UInt32, fmi3UInt32)
TWINLOOP_FMI3_ACCESSORS(Int64, fmi3Int64)
TWINLOOP_FMI3_ACCESSORS(UInt64, fmi3UInt64)
TWINLOOP_FMI3_ACCESSORS(Boolean, fmi3Boolean)
TWINLOOP_FMI3_ACCESSORS(String, fmi3String)
#undef TWINLOOP_FMI3_ACCESSORS

typedef fmi3Status fmi3GetBinaryFn(fmi3Instance instance,
                                   const fmi3ValueReference valueReferences[],
                                   size_t nValueReferences, size_t valueSizes[],
                                   fmi3Binary values[], size_t nValues);
typedef fmi3Status fmi3SetBinaryFn(fmi3Instance instance,
                                   const fmi3ValueReference valueReferences[],
                                   size_t nValueReferences, const size_t valueSizes[],
                                   const fmi3Binary values[], size_t nValues);

typedef fmi3Status fmi3GetNumberOfContinuousStatesFn(fmi3Instance instance,
                                                     size_t* nContinuousStates);
typedef fmi3Status fmi3GetNumberOfEventIndicatorsFn(fmi3Instance instance,
                                                    size_t* nEventIndicators);

/* Model Exchange (and the event mode shared with Co-Simulation). */
typedef fmi3Status fmi3UpdateDiscreteStatesFn(fmi3Instance instance,
                                              fmi3Boolean* discreteStatesNeedUpdate,
                                              fmi3Boolean* terminateSimulation,
                                              fmi3Boolean* nominalsOfContinuousStatesChanged,
                                              fmi3Boolean* valuesOfContinuousStatesChanged,
                                              fmi3Boolean* nextEventTimeDefined,
                                              fmi3Float64* nextEventTime);
typedef fmi3Status fmi3EnterContinuousTimeModeFn(fmi3Instance instance);
typedef fmi3Status fmi3CompletedIntegratorStepFn(fmi3Instance instance,
                                                 fmi3Boolean noSetFMUStatePriorToCurrentPoint,
                                                 fmi3Boolean* enterEventMode,
                                                 fmi3Boolean* terminateSimulation);
typedef fmi3Status fmi3SetTimeFn(fmi3Instance instance, fmi3Float64 time);
typedef fmi3Status fmi3SetContinuousStatesFn(fmi3Instance instance,
                                             const fmi3Float64 continuousStates[],
                                             size_t nContinuousStates);
typedef fmi3Status fmi3GetContinuousStateDerivativesFn(fmi3Instance instance,
                                                       fmi3Float64 derivatives[],
                                                       size_t nContinuousStates);
typedef fmi3Status fmi3GetEventIndicatorsFn(fmi3Instance instance,
                                            fmi3Float64 eventIndicators[],
                                            size_t nEventIndicators);
typedef fmi3Status fmi3GetContinuousStatesFn(fmi3Instance instance,
                                             fmi3Float64 continuousStates[],
                                             size_t nContinuousStates);
typedef fmi3Status fmi3GetNominalsOfContinuousStatesFn(fmi3Instance instance,
                                                       fmi3Float64 nominals[],
                                                       size_t nContinuousStates);

/* Co-Simulation. */
typedef fmi3Status fmi3EnterStepModeFn(fmi3Instance instance);
typedef fmi3Status fmi3DoStepFn(fmi3Instance instance, fmi3Float64 currentCommunicationPoint,
                                fmi3Float64 communicationStepSize,
                                fmi3Boolean noSetFMUStatePriorToCurrentPoint,
                                fmi3Boolean* eventHandlingNeeded,
                                fmi3Boolean* terminateSimulation, fmi3Boolean* earlyReturn,
                                fmi3Float64* lastSuccessfulTime);

#ifdef __cplusplus
}
#endif

#endif /* TWINLOOP_FMI_FMI3_API_H */
