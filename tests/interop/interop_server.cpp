// A twinloop OPC UA server with a demo address space, for node-opcua clients to test against.
// Prints "PORT <n>" once it listens and serves until SIGTERM or SIGINT.
//
//   opcua_interop_server [--port N] [--many N] [--min-token-lifetime MS]
#include <pthread.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include "twinloop/opcua/server.hpp"

using namespace twinloop::opcua;

namespace {

struct Options {
  std::uint16_t port = 0;
  int many = 1000;
  int min_token_lifetime_ms = 10'000;
};

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const int value = std::atoi(argv[i + 1]);
    if (flag == "--port") options.port = static_cast<std::uint16_t>(value);
    if (flag == "--many") options.many = value;
    if (flag == "--min-token-lifetime") options.min_token_lifetime_ms = value;
  }
  return options;
}

NodeId demo(std::uint16_t ns, const std::string& name) {
  return NodeId(ns, "Demo." + name);
}

template <class T>
void scalar(Server& server, std::uint16_t ns, const NodeId& folder, const std::string& name,
            BuiltinType type, T value) {
  VariableOptions options;
  options.id = demo(ns, name);
  options.browse_name = name;
  options.data_type = NodeId(static_cast<std::uint32_t>(type));
  options.access_level = access_level::CurrentRead | access_level::CurrentWrite;
  options.value = Variant(std::move(value));
  server.add_variable(folder, std::move(options));
}

template <class T>
void array(Server& server, std::uint16_t ns, const NodeId& folder, const std::string& name,
           BuiltinType type, std::vector<T> values) {
  VariableOptions options;
  options.id = demo(ns, name);
  options.browse_name = name;
  options.data_type = NodeId(static_cast<std::uint32_t>(type));
  options.value_rank = value_rank::OneDimension;
  options.array_dimensions = {0};
  options.access_level = access_level::CurrentRead | access_level::CurrentWrite;
  options.value = Variant(std::move(values));
  server.add_variable(folder, std::move(options));
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  ServerConfig config;
  config.port = options.port;
  config.users = {{"operator", "secret"}};
  config.min_token_lifetime_ms = static_cast<std::uint32_t>(options.min_token_lifetime_ms);
  Server server(config);
  const std::uint16_t ns = server.add_namespace("urn:twinloop:interop");
  const NodeId folder = server.add_folder(NodeId(id::ObjectsFolder), NodeId(ns, "Demo"), "Demo");

  scalar(server, ns, folder, "Boolean", BuiltinType::Boolean, true);
  scalar(server, ns, folder, "SByte", BuiltinType::SByte, std::int8_t{-5});
  scalar(server, ns, folder, "Byte", BuiltinType::Byte, std::uint8_t{5});
  scalar(server, ns, folder, "Int16", BuiltinType::Int16, std::int16_t{-1600});
  scalar(server, ns, folder, "UInt16", BuiltinType::UInt16, std::uint16_t{1600});
  scalar(server, ns, folder, "Int32", BuiltinType::Int32, std::int32_t{-100000});
  scalar(server, ns, folder, "UInt32", BuiltinType::UInt32, std::uint32_t{100000});
  scalar(server, ns, folder, "Int64", BuiltinType::Int64, std::int64_t{-10000000000});
  scalar(server, ns, folder, "UInt64", BuiltinType::UInt64, std::uint64_t{10000000000});
  scalar(server, ns, folder, "Float", BuiltinType::Float, 1.5f);
  scalar(server, ns, folder, "Double", BuiltinType::Double, 2.25);
  scalar(server, ns, folder, "String", BuiltinType::String, std::string("twinloop"));
  scalar(server, ns, folder, "DateTime", BuiltinType::DateTime,
         DateTime::from_unix_nanoseconds(1'700'000'000'000'000'000));
  scalar(server, ns, folder, "ByteString", BuiltinType::ByteString, ByteString({1, 2, 3}));
  scalar(server, ns, folder, "LocalizedText", BuiltinType::LocalizedText,
         LocalizedText("en", "hello"));
  array(server, ns, folder, "DoubleArray", BuiltinType::Double, std::vector<double>{1, 2, 3});
  array(server, ns, folder, "Int32Array", BuiltinType::Int32, std::vector<std::int32_t>{4, 5});
  array(server, ns, folder, "StringArray", BuiltinType::String, std::vector<std::string>{"a", "b"});
  array(server, ns, folder, "BooleanArray", BuiltinType::Boolean, std::vector<bool>{true, false});

  VariableOptions read_only;
  read_only.id = demo(ns, "ReadOnly");
  read_only.browse_name = "ReadOnly";
  read_only.value = Variant(42.0);
  server.add_variable(folder, read_only);

  VariableOptions limited;
  limited.id = demo(ns, "Limited");
  limited.browse_name = "Limited";
  limited.description = "accepts 0..100";
  limited.access_level = access_level::CurrentRead | access_level::CurrentWrite;
  limited.value = Variant(0.0);
  limited.on_write = [](const NodeId&, const DataValue& value) -> StatusCode {
    const auto number = value.value.to_double();
    return number && *number >= 0 && *number <= 100 ? status::Good : status::BadOutOfRange;
  };
  server.add_variable(folder, limited);

  VariableOptions counter_options;
  counter_options.id = demo(ns, "Counter");
  counter_options.browse_name = "Counter";
  counter_options.data_type = NodeId(static_cast<std::uint32_t>(BuiltinType::Int32));
  counter_options.value = Variant(std::int32_t{0});
  const VariableHandle counter = server.add_variable(folder, counter_options);

  const NodeId many = server.add_folder(folder, NodeId(ns, "Demo.Many"), "Many");
  std::vector<VariableHandle> many_handles;
  for (int i = 0; i < options.many; ++i) {
    VariableOptions variable;
    variable.id = NodeId(ns, "Demo.Many." + std::to_string(i));
    variable.browse_name = "V" + std::to_string(i);
    variable.access_level = access_level::CurrentRead | access_level::CurrentWrite;
    variable.value = Variant(static_cast<double>(i));
    many_handles.push_back(server.add_variable(many, variable));
  }

  server.start();
  std::cout << "PORT " << server.port() << std::endl;

  std::atomic<bool> running{true};
  std::thread ticker([&] {
    std::int32_t count = 0;
    while (running) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      server.set_value(counter, Variant(++count));
    }
  });
  int received = 0;
  sigwait(&signals, &received);
  running = false;
  ticker.join();
  server.stop();
  return 0;
}
