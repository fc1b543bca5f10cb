/* First-order lag, FMI 2 co-simulation: T y' = K u - y, integrated exactly for an input held
 * over the step. */
#include <math.h>
#include <stdio.h>

#include "../common/fmi2_model.h"

enum { U, Y, K, T };

static void set_start_values(ModelInstance* m) {
  m->real[U] = 0.0;
  m->real[Y] = 0.0;
  m->real[K] = 1.0;
  m->real[T] = 1.0;
}

static fmi2Status exit_initialization(ModelInstance* m) {
  if (!(m->real[T] > 0.0)) {
    char message[128];
    snprintf(message, sizeof message, "the time constant T must be positive, got %g",
             m->real[T]);
    model_log(m, fmi2Error, "logStatusError", message);
    return fmi2Error;
  }
  return fmi2OK;
}

static fmi2Status do_step(ModelInstance* m, fmi2Real t, fmi2Real h) {
  (void)t;
  const double target = m->real[K] * m->real[U];
  m->real[Y] = target + (m->real[Y] - target) * exp(-h / m->real[T]);
  return fmi2OK;
}

const ModelHooks model_hooks = {
    "{3b8f6a1c-7d2e-4f10-b5a9-c1e2d3f4a5b6}",
    set_start_values,
    exit_initialization,
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
