#pragma once

#include <utility>

#include "twinloop/fmi/model_description.hpp"

namespace twinloop::fmi {

bool is_float(VariableType type);
// The integer types and Enumeration.
bool is_integer(VariableType type);
// The values a variable of `type` can hold, as doubles: the integer types' limits, ±FLT_MAX
// for Float32, 0 and 1 for Boolean; Enumeration is Int32 in FMI 2 and Int64 in FMI 3.
std::pair<double, double> value_range(VariableType type, FmiVersion version);

}  // namespace twinloop::fmi
