/* A small frame for the project's FMI 3 test FMUs: fmi3_model.c implements the exported
 * functions on top of the hooks a model defines. Variables live in one array per type, indexed
 * by value reference; an array variable of n elements takes the slots vr .. vr + n - 1, so the
 * model leaves those value references unused. */
#ifndef TWINLOOP_TEST_FMI3_MODEL_H
#define TWINLOOP_TEST_FMI3_MODEL_H

#include "twinloop/fmi/fmi3_api.h"

#define MODEL_MAX_VARIABLES 64

typedef struct ModelInstance {
  fmi3InstanceEnvironment environment;
  fmi3LogMessageCallback log_message;
  char instance_name[128];
  fmi3Boolean co_simulation;
  fmi3Float64 time;
  fmi3Float32 float32[MODEL_MAX_VARIABLES];
  fmi3Float64 float64[MODEL_MAX_VARIABLES];
  fmi3Int8 int8[MODEL_MAX_VARIABLES];
  fmi3UInt8 uint8[MODEL_MAX_VARIABLES];
  fmi3Int16 int16[MODEL_MAX_VARIABLES];
  fmi3UInt16 uint16[MODEL_MAX_VARIABLES];
  fmi3Int32 int32[MODEL_MAX_VARIABLES];
  fmi3UInt32 uint32[MODEL_MAX_VARIABLES];
  fmi3Int64 int64[MODEL_MAX_VARIABLES];
  fmi3UInt64 uint64[MODEL_MAX_VARIABLES];
  fmi3Boolean boolean[MODEL_MAX_VARIABLES];
  char* string[MODEL_MAX_VARIABLES];
  fmi3Byte* binary[MODEL_MAX_VARIABLES];
  size_t binary_size[MODEL_MAX_VARIABLES];
  /* Filled by the event hook (model exchange). */
  fmi3Boolean values_changed;
  fmi3Boolean next_event_defined;
  fmi3Float64 next_event_time;
} ModelInstance;

typedef struct ModelHooks {
  const char* instantiation_token;
  void (*set_start_values)(ModelInstance* m);
  fmi3Status (*exit_initialization)(ModelInstance* m);
  void (*update_outputs)(ModelInstance* m); /* may be NULL */
  /* Elements of the variable with this value reference; NULL: every variable is a scalar. */
  size_t (*element_count)(fmi3ValueReference vr);
  /* Model exchange. */
  int state_count;
  const fmi3ValueReference* state_references; /* into float64 */
  void (*derivatives)(ModelInstance* m, fmi3Float64 dx[]);
  int event_indicator_count;
  void (*event_indicators)(ModelInstance* m, fmi3Float64 z[]);
  void (*event_update)(ModelInstance* m);
  /* Co-simulation: one step; sets *terminate and *last_successful_time when it ends early. */
  fmi3Status (*do_step)(ModelInstance* m, fmi3Float64 t, fmi3Float64 h, fmi3Boolean* terminate,
                        fmi3Float64* last_successful_time);
} ModelHooks;

extern const ModelHooks model_hooks;

void model_log(ModelInstance* m, fmi3Status status, const char* category, const char* message);

#endif /* TWINLOOP_TEST_FMI3_MODEL_H */
