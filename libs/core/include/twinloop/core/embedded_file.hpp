#pragma once

#include <string_view>

namespace twinloop::core {

// A file compiled into the binary (migrations, the OpenAPI document).
struct EmbeddedFile {
  std::string_view name;
  std::string_view content;
};

}  // namespace twinloop::core
