/* Feedthrough, FMI 2 co-simulation: every input type copied to an output, with a parameter of
 * each type (gain, offset, invert, label). */
#include <string.h>

#include "../common/fmi2_model.h"

enum { REAL_IN, REAL_OUT, GAIN };
enum { INT_IN, INT_OUT, OFFSET, ENUM_IN, ENUM_OUT, LABEL_LENGTH };
enum { BOOL_IN, BOOL_OUT, INVERT };
enum { LABEL };

static void set_start_values(ModelInstance* m) {
  m->real[GAIN] = 1.0;
  m->integer[OFFSET] = 0;
  m->integer[ENUM_IN] = 1;
  m->boolean[INVERT] = fmi2False;
}

static void update_outputs(ModelInstance* m) {
  m->real[REAL_OUT] = m->real[GAIN] * m->real[REAL_IN];
  m->integer[INT_OUT] = m->integer[INT_IN] + m->integer[OFFSET];
  m->integer[ENUM_OUT] = m->integer[ENUM_IN];
  m->boolean[BOOL_OUT] = m->boolean[INVERT] ? !m->boolean[BOOL_IN] : m->boolean[BOOL_IN];
  m->integer[LABEL_LENGTH] = m->string[LABEL] != NULL ? (fmi2Integer)strlen(m->string[LABEL]) : 0;
}

static fmi2Status do_step(ModelInstance* m, fmi2Real t, fmi2Real h) {
  (void)m;
  (void)t;
  (void)h;
  return fmi2OK;
}

const ModelHooks model_hooks = {
    "{d3c1a7e2-0b4f-4c55-9a61-7e8f9a0b1c2d}",
    set_start_values,
    NULL,
    update_outputs,
    0,
    NULL,
    NULL,
    0,
    NULL,
    NULL,
    do_step,
    NULL,
};
