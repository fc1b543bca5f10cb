/* A small frame for the project's FMI 2 test FMUs: fmi2_model.c implements every exported
 * function on top of the hooks a model defines. Variables live in one array per type, indexed
 * by value reference. */
#ifndef TWINLOOP_TEST_FMI2_MODEL_H
#define TWINLOOP_TEST_FMI2_MODEL_H

#include "twinloop/fmi/fmi2_api.h"

#define MODEL_MAX_VARIABLES 32

typedef struct ModelInstance {
  fmi2CallbackFunctions callbacks;
  char instance_name[128];
  fmi2Type type;
  fmi2Real time;
  fmi2Real real[MODEL_MAX_VARIABLES];
  fmi2Integer integer[MODEL_MAX_VARIABLES];
  fmi2Boolean boolean[MODEL_MAX_VARIABLES];
  char* string[MODEL_MAX_VARIABLES];
  /* Event info the model fills in its event hook (model exchange). */
  fmi2EventInfo event;
  /* Co-simulation: what fmi2GetBooleanStatus(fmi2Terminated) and
   * fmi2GetRealStatus(fmi2LastSuccessfulTime) report. */
  fmi2Boolean terminated;
  fmi2Real last_successful_time;
} ModelInstance;

typedef struct ModelHooks {
  const char* guid;
  /* Start values of every variable. */
  void (*set_start_values)(ModelInstance* m);
  /* Checks parameters and computes what depends on them; fmi2Error refuses them. */
  fmi2Status (*exit_initialization)(ModelInstance* m);
  /* Recomputes outputs from states, inputs and parameters; may be NULL. */
  void (*update_outputs)(ModelInstance* m);
  /* Model exchange: the continuous states (value references into `real`) ... */
  int state_count;
  const fmi2ValueReference* state_references;
  /* ... their derivatives ... */
  void (*derivatives)(ModelInstance* m, fmi2Real dx[]);
  /* ... the event indicators ... */
  int event_indicator_count;
  void (*event_indicators)(ModelInstance* m, fmi2Real z[]);
  /* ... and the discrete update at an event (fills m->event). */
  void (*event_update)(ModelInstance* m);
  /* Co-simulation: one communication step. */
  fmi2Status (*do_step)(ModelInstance* m, fmi2Real t, fmi2Real h);
  /* Model exchange: after each integrator step; returns whether to enter event mode (a step
   * event). May be NULL. */
  fmi2Boolean (*completed_integrator_step)(ModelInstance* m);
} ModelHooks;

/* Each model defines this. */
extern const ModelHooks model_hooks;

/* Logs through the environment's logger under the instance's name. */
void model_log(ModelInstance* m, fmi2Status status, const char* category, const char* message);

#endif /* TWINLOOP_TEST_FMI2_MODEL_H */
