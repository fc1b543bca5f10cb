/* Faulty, FMI 2 co-simulation: fails once a step passes fail_at. mode 0 returns fmi2Error
 * after logging why; mode 1 returns fmi2Discard and asks to terminate at fail_at; mode 2
 * returns fmi2Discard without asking to terminate. */
#include <stdio.h>

#include "../common/fmi2_model.h"

enum { Y, FAIL_AT };
enum { MODE };

static void set_start_values(ModelInstance* m) {
  m->real[Y] = 0.0;
  m->real[FAIL_AT] = 1.0;
  m->integer[MODE] = 0;
}

static fmi2Status do_step(ModelInstance* m, fmi2Real t, fmi2Real h) {
  const double fail_at = m->real[FAIL_AT];
  if (t + h <= fail_at + 1e-12) {
    m->real[Y] = t + h;
    return fmi2OK;
  }
  if (m->integer[MODE] == 0) {
    char message[128];
    snprintf(message, sizeof message,
             "simulated failure: the shaft broke at t = %g (#r1#, 100## sure, #x9# #r77#)",
             fail_at);
    model_log(m, fmi2Error, "logStatusError", message);
    return fmi2Error;
  }
  m->real[Y] = fail_at;
  m->last_successful_time = fail_at;
  m->terminated = m->integer[MODE] == 1 ? fmi2True : fmi2False;
  model_log(m, fmi2Discard, "logStatusDiscard", "the end of the test track was reached");
  return fmi2Discard;
}

const ModelHooks model_hooks = {
    "{7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918}",
    set_start_values,
    NULL,
    NULL,
    0,
    NULL,
    NULL,
    0,
    NULL,
    NULL,
    do_step,
    NULL,
};
