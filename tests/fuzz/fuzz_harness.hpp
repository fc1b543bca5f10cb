#pragma once
// What the OPC UA fuzz target does with one input, without libFuzzer, so the regression inputs
// in tests/fuzz/regressions run as an ordinary unit test too. The first byte picks the part
// under test:
//   0: one built-in type or service structure decoded, re-encoded, decoded again; the two
//      encodings must agree
//   1: the bytes as a TCP stream into the frame reader and the secure channel
//   2: service requests (2-byte length, then NodeId, RequestHeader and fields) against a fresh
//      server core with an activated session
// Aborts on a broken invariant; opcua::Error for rejected input is expected and caught.

#include <cstdint>
#include <span>

namespace twinloop::opcua::fuzz {

void run_one_input(std::span<const std::uint8_t> input);

// How many kinds of value mode 0 can decode; seeds pick them by index.
std::size_t decodable_kinds();

}  // namespace twinloop::opcua::fuzz
