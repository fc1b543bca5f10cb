#include "twinloop/opcua/status.hpp"

#include <array>
#include <cstdio>
#include <utility>

namespace twinloop::opcua {
namespace {

struct NamedCode {
  std::uint32_t value;
  std::string_view name;
};

#define TWINLOOP_OPCUA_NAME_STATUS(name, code) NamedCode{code, #name},
constexpr std::array kNames{TWINLOOP_OPCUA_STATUS_CODES(TWINLOOP_OPCUA_NAME_STATUS)};
#undef TWINLOOP_OPCUA_NAME_STATUS

}  // namespace

std::string StatusCode::name() const {
  for (const auto& entry : kNames) {
    if (entry.value == code()) return std::string(entry.name);
  }
  std::array<char, 11> hex{};
  std::snprintf(hex.data(), hex.size(), "0x%08X", static_cast<unsigned>(value));
  return hex.data();
}

Error::Error(StatusCode status, const std::string& detail)
    : std::runtime_error(status.name() + ": " + detail), status_(status) {}

}  // namespace twinloop::opcua
