/* Bouncing ball, FMI 2 model exchange: state events through one event indicator. */
#include "../common/ball_physics.h"
#include "../common/fmi2_model.h"

enum { H, DER_H, V, DER_V, G, E, LAST_IMPACT, V_MIN };
enum { BOUNCES };
enum { RESTING };

static const fmi2ValueReference states[] = {H, V};

static Ball ball_of(ModelInstance* m) {
  Ball ball = {&m->real[H], &m->real[V], &m->real[LAST_IMPACT], &m->integer[BOUNCES],
               &m->boolean[RESTING], m->real[G], m->real[E], m->real[V_MIN]};
  return ball;
}

static void set_start_values(ModelInstance* m) {
  m->real[H] = 1.0;
  m->real[V] = 0.0;
  m->real[G] = 9.81;
  m->real[E] = 0.7;
  m->real[LAST_IMPACT] = 0.0;
  m->real[V_MIN] = 0.01;
  m->integer[BOUNCES] = 0;
  m->boolean[RESTING] = fmi2False;
}

static void derivatives(ModelInstance* m, fmi2Real dx[]) {
  const Ball ball = ball_of(m);
  ball_derivatives(&ball, dx);
}

static void update_outputs(ModelInstance* m) {
  fmi2Real dx[2];
  derivatives(m, dx);
  m->real[DER_H] = dx[0];
  m->real[DER_V] = dx[1];
}

static void event_indicators(ModelInstance* m, fmi2Real z[]) {
  const Ball ball = ball_of(m);
  z[0] = ball_indicator(&ball);
}

static void event_update(ModelInstance* m) {
  const Ball ball = ball_of(m);
  m->event.valuesOfContinuousStatesChanged = ball_event(&ball, m->time) ? fmi2True : fmi2False;
}

static fmi2Status exit_initialization(ModelInstance* m) {
  if (m->real[G] <= 0.0 || m->real[E] < 0.0 || m->real[E] > 1.0) {
    model_log(m, fmi2Error, "logStatusError", "g must be positive and e within [0, 1]");
    return fmi2Error;
  }
  return fmi2OK;
}

const ModelHooks model_hooks = {
    "{8c4e810f-3df3-4a00-8276-176fa3c9f000}",
    set_start_values,
    exit_initialization,
    update_outputs,
    2,
    states,
    derivatives,
    1,
    event_indicators,
    event_update,
    NULL,
    NULL,
};
