#pragma once
// The seed corpus of the OPC UA fuzz target: the sample values of the codec tests for every
// structure, a client handshake as a byte stream, and request sequences for the server core.

#include <cstdint>
#include <string>
#include <vector>

namespace twinloop::opcua::fuzz {

struct Seed {
  std::string name;
  std::vector<std::uint8_t> bytes;
};

std::vector<Seed> seed_corpus();

}  // namespace twinloop::opcua::fuzz
