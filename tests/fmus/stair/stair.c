/* Stair, FMI 2 model exchange: a counter that steps up at the time events k * period, and an
 * integer input added to it, y = (counter + offset) * height. No continuous states. With
 * step_event_every = n > 0 it also asks for a step event after every n-th integrator step and
 * counts those events in step_events. */
#include "../common/fmi2_model.h"

enum { PERIOD, HEIGHT, Y, LAST_EVENT_TIME };
enum { COUNTER, OFFSET, STEP_EVENT_EVERY, STEP_EVENTS, COMPLETED_STEPS };
enum { STEP_EVENT_PENDING };

static void set_start_values(ModelInstance* m) {
  m->real[PERIOD] = 0.35;
  m->real[HEIGHT] = 1.0;
  m->real[Y] = 0.0;
  m->real[LAST_EVENT_TIME] = 0.0;
  m->integer[COUNTER] = 0;
  m->integer[OFFSET] = 0;
  m->integer[STEP_EVENT_EVERY] = 0;
  m->integer[STEP_EVENTS] = 0;
  m->integer[COMPLETED_STEPS] = 0;
  m->boolean[STEP_EVENT_PENDING] = fmi2False;
}

static fmi2Boolean completed_integrator_step(ModelInstance* m) {
  m->integer[COMPLETED_STEPS] += 1;
  const int every = m->integer[STEP_EVENT_EVERY];
  if (every <= 0 || m->integer[COMPLETED_STEPS] % every != 0) return fmi2False;
  m->boolean[STEP_EVENT_PENDING] = fmi2True;
  return fmi2True;
}

static fmi2Status exit_initialization(ModelInstance* m) {
  if (m->real[PERIOD] <= 0.0) {
    model_log(m, fmi2Error, "logStatusError", "period must be positive");
    return fmi2Error;
  }
  return fmi2OK;
}

static void update_outputs(ModelInstance* m) {
  m->real[Y] = (m->integer[COUNTER] + m->integer[OFFSET]) * m->real[HEIGHT];
}

static void event_update(ModelInstance* m) {
  if (m->boolean[STEP_EVENT_PENDING]) {
    m->boolean[STEP_EVENT_PENDING] = fmi2False;
    m->integer[STEP_EVENTS] += 1;
  }
  if (m->time >= (m->integer[COUNTER] + 1) * m->real[PERIOD]) {
    m->integer[COUNTER] += 1;
    m->real[LAST_EVENT_TIME] = m->time;
    /* Started late: step up once per update until the counter catches up. */
    m->event.newDiscreteStatesNeeded =
        m->time >= (m->integer[COUNTER] + 1) * m->real[PERIOD] ? fmi2True : fmi2False;
  }
  m->event.nextEventTimeDefined = fmi2True;
  m->event.nextEventTime = (m->integer[COUNTER] + 1) * m->real[PERIOD];
}

const ModelHooks model_hooks = {
    "{5a0d1b6e-9e43-4bc9-8e0a-2f6f7c9d1a22}",
    set_start_values,
    exit_initialization,
    update_outputs,
    0,
    NULL,
    NULL,
    0,
    NULL,
    event_update,
    NULL,
    completed_integrator_step,
};
