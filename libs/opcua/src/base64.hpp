#pragma once
// Base64 (RFC 4648) for the text form of opaque NodeIds.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace twinloop::opcua {

std::string base64_encode(std::span<const std::uint8_t> bytes);
// nullopt when the text is not canonical padded base64.
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);

}  // namespace twinloop::opcua
