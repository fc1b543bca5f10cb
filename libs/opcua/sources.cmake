# The library's sources in two parts, so the fuzz build (tests/fuzz/libfuzzer) compiles the
# socket-free part without listing it again.
set(TWINLOOP_OPCUA_SOCKET_FREE_SOURCES
  status.cpp types.cpp base64.cpp binary.cpp uatcp.cpp secure_channel.cpp
  address_space.cpp standard_nodes.cpp server_core.cpp discovery_service.cpp session_service.cpp
  attribute_service.cpp view_service.cpp subscription_service.cpp monitored_item_service.cpp)
# Boost.Asio lives in these alone.
set(TWINLOOP_OPCUA_NETWORK_SOURCES chunk_stream.cpp server.cpp client.cpp)
