/* Van der Pol oscillator, FMI 2 model exchange: x0' = x1, x1' = mu (1 - x0^2) x1 - x0. */
#include "../common/fmi2_model.h"

enum { X0, DER_X0, X1, DER_X1, MU };

static const fmi2ValueReference states[] = {X0, X1};

static void set_start_values(ModelInstance* m) {
  m->real[X0] = 2.0;
  m->real[X1] = 0.0;
  m->real[MU] = 1.0;
}

static void derivatives(ModelInstance* m, fmi2Real dx[]) {
  const double x0 = m->real[X0];
  const double x1 = m->real[X1];
  dx[0] = x1;
  dx[1] = m->real[MU] * (1.0 - x0 * x0) * x1 - x0;
}

static void update_outputs(ModelInstance* m) {
  fmi2Real dx[2];
  derivatives(m, dx);
  m->real[DER_X0] = dx[0];
  m->real[DER_X1] = dx[1];
}

const ModelHooks model_hooks = {
    "{0f1c62a4-4d8c-4a9e-9f3b-5d2b7a1e3c01}",
    set_start_values,
    NULL,
    update_outputs,
    2,
    states,
    derivatives,
    0,
    NULL,
    NULL,
    NULL,
    NULL,
};
