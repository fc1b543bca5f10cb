/* Bouncing ball, FMI 3 model exchange: the same ball as the FMI 2 one (ball_physics.h). */
#include "../common/ball_physics.h"
#include "../common/fmi3_model.h"

enum { TIME, H, DER_H, V, DER_V, G, E, LAST_IMPACT, V_MIN, BOUNCES, RESTING, Z };

static const fmi3ValueReference states[] = {H, V};

static Ball ball_of(ModelInstance* m) {
  Ball ball = {&m->float64[H],     &m->float64[V],   &m->float64[LAST_IMPACT],
               &m->int32[BOUNCES], &m->int32[RESTING], m->float64[G],
               m->float64[E],      m->float64[V_MIN]};
  return ball;
}

static void set_start_values(ModelInstance* m) {
  m->float64[H] = 1.0;
  m->float64[V] = 0.0;
  m->float64[G] = 9.81;
  m->float64[E] = 0.7;
  m->float64[V_MIN] = 0.01;
}

static void derivatives(ModelInstance* m, fmi3Float64 dx[]) {
  const Ball ball = ball_of(m);
  ball_derivatives(&ball, dx);
}

static void event_indicators(ModelInstance* m, fmi3Float64 z[]) {
  const Ball ball = ball_of(m);
  z[0] = ball_indicator(&ball);
}

static void update_outputs(ModelInstance* m) {
  fmi3Float64 dx[2];
  derivatives(m, dx);
  m->float64[DER_H] = dx[0];
  m->float64[DER_V] = dx[1];
  event_indicators(m, &m->float64[Z]);
}

static void event_update(ModelInstance* m) {
  const Ball ball = ball_of(m);
  m->values_changed = ball_event(&ball, m->time) ? fmi3True : fmi3False;
}

const ModelHooks model_hooks = {
    "{1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d}",
    set_start_values,
    NULL,
    update_outputs,
    NULL,
    2,
    states,
    derivatives,
    1,
    event_indicators,
    event_update,
    NULL,
};
