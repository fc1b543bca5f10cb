/* Feedthrough, FMI 3 co-simulation: an input of every FMI 3 value type copied to an output, a
 * Float64 array scaled per element, a 2 x 2 output whose first dimension is a structural
 * parameter, String and Binary parameters measured into outputs, and a parameter that makes
 * the FMU ask to terminate. */
#include <string.h>

#include "../common/fmi3_model.h"

enum {
  TIME,
  F32_IN, F32_OUT, F64_IN, F64_OUT, I8_IN, I8_OUT, U8_IN, U8_OUT, I16_IN, I16_OUT,
  U16_IN, U16_OUT, I32_IN, I32_OUT, U32_IN, U32_OUT, I64_IN, I64_OUT, U64_IN, U64_OUT,
  BOOL_IN, BOOL_OUT, ENUM_IN, ENUM_OUT,
  VEC_IN = 25,      /* 3 elements */
  VEC_OUT = 28,     /* 3 elements */
  SCALE = 31,       /* 3 elements */
  LABEL = 34, LABEL_LENGTH, BLOB, BLOB_SIZE, BLOB_FIRST, TERMINATE_AT, ROWS,
  MATRIX_OUT = 41,  /* ROWS x 2 elements */
};

static size_t element_count(fmi3ValueReference vr) {
  switch (vr) {
    case VEC_IN:
    case VEC_OUT:
    case SCALE: return 3;
    case MATRIX_OUT: return 4;
    default: return 1;
  }
}

static void set_start_values(ModelInstance* m) {
  for (int i = 0; i < 3; ++i) m->float64[SCALE + i] = 1.0;
  m->int64[ENUM_IN] = 1;
  m->float64[TERMINATE_AT] = -1.0;
  m->uint64[ROWS] = 2;
}

static void update_outputs(ModelInstance* m) {
  m->float32[F32_OUT] = m->float32[F32_IN];
  m->float64[F64_OUT] = m->float64[F64_IN];
  m->int8[I8_OUT] = m->int8[I8_IN];
  m->uint8[U8_OUT] = m->uint8[U8_IN];
  m->int16[I16_OUT] = m->int16[I16_IN];
  m->uint16[U16_OUT] = m->uint16[U16_IN];
  m->int32[I32_OUT] = m->int32[I32_IN];
  m->uint32[U32_OUT] = m->uint32[U32_IN];
  m->int64[I64_OUT] = m->int64[I64_IN];
  m->uint64[U64_OUT] = m->uint64[U64_IN];
  m->boolean[BOOL_OUT] = m->boolean[BOOL_IN];
  m->int64[ENUM_OUT] = m->int64[ENUM_IN];
  for (int i = 0; i < 3; ++i) m->float64[VEC_OUT + i] = m->float64[SCALE + i] * m->float64[VEC_IN + i];
  for (int i = 0; i < 4; ++i) m->float64[MATRIX_OUT + i] = (i + 1) * m->float64[F64_IN];
  m->int32[LABEL_LENGTH] = m->string[LABEL] != NULL ? (fmi3Int32)strlen(m->string[LABEL]) : 0;
  m->uint32[BLOB_SIZE] = (fmi3UInt32)m->binary_size[BLOB];
  m->uint8[BLOB_FIRST] = m->binary_size[BLOB] > 0 ? m->binary[BLOB][0] : 0;
}

static fmi3Status do_step(ModelInstance* m, fmi3Float64 t, fmi3Float64 h, fmi3Boolean* terminate,
                          fmi3Float64* last_successful_time) {
  const double end = m->float64[TERMINATE_AT];
  if (end >= 0.0 && t + h > end + 1e-12) {
    model_log(m, fmi3OK, "logEvents", "the scenario ends here");
    *terminate = fmi3True;
    *last_successful_time = end;
  }
  return fmi3OK;
}

const ModelHooks model_hooks = {
    "{e4f5a6b7-c8d9-4e0f-a1b2-c3d4e5f6a7b8}",
    set_start_values,
    NULL,
    update_outputs,
    element_count,
    0,
    NULL,
    NULL,
    0,
    NULL,
    NULL,
    do_step,
};
