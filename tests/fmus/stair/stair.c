/* Stair, FMI 2 model exchange: a counter that steps up at the time events k * period, and an
 * integer input added to it, y = (counter + offset) * height. No continuous states. */
#include "../common/fmi2_model.h"

enum { PERIOD, HEIGHT, Y, LAST_EVENT_TIME };
enum { COUNTER, OFFSET };

static void set_start_values(ModelInstance* m) {
  m->real[PERIOD] = 0.35;
  m->real[HEIGHT] = 1.0;
  m->real[Y] = 0.0;
  m->real[LAST_EVENT_TIME] = 0.0;
  m->integer[COUNTER] = 0;
  m->integer[OFFSET] = 0;
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
};
