// `twinloop opcua endpoints|browse|read|write|subscribe`: an OPC UA client on the command line,
// for people debugging a PLC connection.
#include <CLI/CLI.hpp>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <thread>

#include "twinloop/opcua/client.hpp"

namespace twinloop::app {
namespace {

namespace ua = twinloop::opcua;

constexpr int exit_failure = 1;
constexpr int exit_usage = 2;

// A mistake in what the user typed: printed with the argument it concerns, exit code 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Options {
  std::string url;
  std::vector<std::string> nodes;
  std::string node;  // write's one node
  std::string value;
  std::string type;
  std::string user;
  std::string password;
  int timeout_ms = 5000;
  int depth = 1;
  double interval_ms = 250;
  int count = 0;
  double duration_s = 0;
};

ua::NodeId parse_node(const std::string& text) {
  auto node = ua::NodeId::parse(text);
  if (!node) {
    throw UsageError("NODE '" + text +
                     "' is not a NodeId (examples: i=2258, ns=1;s=Line.Motor.speed)");
  }
  return *node;
}

ua::ClientConfig client_config(const Options& options) {
  ua::ClientConfig config;
  config.application_name = "twinloop opcua";
  config.connect_timeout = std::chrono::milliseconds(options.timeout_ms);
  config.request_timeout = std::chrono::milliseconds(options.timeout_ms);
  config.reconnect = false;
  if (!options.user.empty()) config.user = ua::UserCredentials{options.user, options.password};
  return config;
}

std::string quote(const std::string& text) {
  return "\"" + text + "\"";
}

std::string scalar_text(const ua::Variant& value);

template <class T>
std::string element_text(const T& element) {
  return scalar_text(ua::Variant(element));
}

std::string scalar_text(const ua::Variant& value) {
  return std::visit(
      [&](const auto& stored) -> std::string {
        using T = std::decay_t<decltype(stored)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return "null";
        } else if constexpr (std::is_same_v<T, bool>) {
          return stored ? "true" : "false";
        } else if constexpr (std::is_same_v<T, std::int8_t> || std::is_same_v<T, std::uint8_t>) {
          return std::to_string(static_cast<int>(stored));
        } else if constexpr (std::is_integral_v<T>) {
          return std::to_string(stored);
        } else if constexpr (std::is_floating_point_v<T>) {
          char buffer[64];
          auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, stored);
          return error == std::errc{} ? std::string(buffer, end) : "?";
        } else if constexpr (std::is_same_v<T, std::string>) {
          return quote(stored);
        } else if constexpr (std::is_same_v<T, ua::DateTime>) {
          return stored.to_iso8601();
        } else if constexpr (std::is_same_v<T, ua::Guid>) {
          return stored.to_string();
        } else if constexpr (std::is_same_v<T, ua::ByteString>) {
          std::string hex = "0x";
          for (std::uint8_t byte : stored.data) {
            static constexpr char digits[] = "0123456789abcdef";
            hex += digits[byte >> 4];
            hex += digits[byte & 0xF];
          }
          return hex;
        } else if constexpr (std::is_same_v<T, ua::XmlElement>) {
          return stored.text;
        } else if constexpr (std::is_same_v<T, ua::NodeId>) {
          return stored.to_string();
        } else if constexpr (std::is_same_v<T, ua::StatusCode>) {
          return stored.name();
        } else if constexpr (std::is_same_v<T, ua::QualifiedName>) {
          return std::to_string(stored.namespace_index) + ":" + stored.name;
        } else if constexpr (std::is_same_v<T, ua::LocalizedText>) {
          return (stored.locale.empty() ? "" : stored.locale + ":") + quote(stored.text);
        } else if constexpr (std::is_same_v<T, ua::Box<ua::ExpandedNodeId>>) {
          return stored->to_string();
        } else if constexpr (std::is_same_v<T, ua::Box<ua::ExtensionObject>>) {
          return "<structure " + stored->type_id.to_string() + ", " +
                 std::to_string(stored->body.size()) + " bytes>";
        } else if constexpr (std::is_same_v<T, ua::Box<ua::DataValue>>) {
          return scalar_text(stored->value);
        } else if constexpr (std::is_same_v<T, ua::Box<ua::Variant>>) {
          return scalar_text(*stored);
        } else if constexpr (std::is_same_v<T, ua::Box<ua::DiagnosticInfo>>) {
          return "<diagnostic info>";
        } else {
          std::string text = "[";
          for (std::size_t i = 0; i < stored.size(); ++i) {
            if (i > 0) text += ", ";
            using Element = typename T::value_type;
            if constexpr (std::is_same_v<Element, bool>) {
              text += stored[i] ? "true" : "false";
            } else {
              text += element_text(static_cast<const Element&>(stored[i]));
            }
          }
          return text + "]";
        }
      },
      value.storage());
}

std::string value_line(const std::string& node, const ua::DataValue& value) {
  std::string line = node + " = ";
  if (value.status.is_bad()) return line + value.status.name();
  line += scalar_text(value.value);
  if (!value.value.is_null())
    line += " (" + std::string(ua::builtin_type_name(value.value.type())) + ")";
  if (value.status != ua::status::Good) line += " " + value.status.name();
  if (value.source_timestamp.ticks != 0) line += " @ " + value.source_timestamp.to_iso8601();
  return line;
}

std::optional<ua::BuiltinType> type_by_name(const std::string& name) {
  for (int id = 1; id <= 25; ++id) {
    const auto type = static_cast<ua::BuiltinType>(id);
    if (ua::builtin_type_name(type) == name) return type;
  }
  return std::nullopt;
}

template <class T>
T parse_number(const std::string& text) {
  T value{};
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || text.empty()) {
    throw UsageError("VALUE '" + text + "' is not a " +
                     std::string(ua::builtin_type_name(ua::BuiltinTypeOf<T>::value)));
  }
  return value;
}

ua::Variant parse_scalar(ua::BuiltinType type, const std::string& text) {
  using ua::BuiltinType;
  switch (type) {
    case BuiltinType::Boolean:
      if (text == "true" || text == "1") return ua::Variant(true);
      if (text == "false" || text == "0") return ua::Variant(false);
      throw UsageError("VALUE '" + text + "' is not a Boolean (true, false, 1 or 0)");
    case BuiltinType::SByte:
      return ua::Variant(parse_number<std::int8_t>(text));
    case BuiltinType::Byte:
      return ua::Variant(parse_number<std::uint8_t>(text));
    case BuiltinType::Int16:
      return ua::Variant(parse_number<std::int16_t>(text));
    case BuiltinType::UInt16:
      return ua::Variant(parse_number<std::uint16_t>(text));
    case BuiltinType::Int32:
      return ua::Variant(parse_number<std::int32_t>(text));
    case BuiltinType::UInt32:
      return ua::Variant(parse_number<std::uint32_t>(text));
    case BuiltinType::Int64:
      return ua::Variant(parse_number<std::int64_t>(text));
    case BuiltinType::UInt64:
      return ua::Variant(parse_number<std::uint64_t>(text));
    case BuiltinType::Float:
      return ua::Variant(parse_number<float>(text));
    case BuiltinType::Double:
      return ua::Variant(parse_number<double>(text));
    case BuiltinType::String:
      return ua::Variant(text);
    case BuiltinType::LocalizedText:
      return ua::Variant(ua::LocalizedText("", text));
    case BuiltinType::NodeId:
      return ua::Variant(parse_node(text));
    default:
      throw UsageError("writing values of type " + std::string(ua::builtin_type_name(type)) +
                       " from the command line is not supported");
  }
}

template <class T>
ua::Variant collect(const std::vector<ua::Variant>& elements) {
  std::vector<T> values;
  for (const auto& element : elements)
    values.push_back(*element.scalar<T>());
  return ua::Variant(std::move(values));
}

// "[1, 2, 3]" is an array of the type; anything else a scalar.
ua::Variant parse_value(ua::BuiltinType type, const std::string& text) {
  if (text.size() < 2 || text.front() != '[' || text.back() != ']') return parse_scalar(type, text);
  std::vector<ua::Variant> elements;
  std::string inner = text.substr(1, text.size() - 2);
  std::size_t start = 0;
  while (start <= inner.size() && !inner.empty()) {
    const auto comma = inner.find(',', start);
    std::string element =
        inner.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    element.erase(0, element.find_first_not_of(' '));
    element.erase(element.find_last_not_of(' ') + 1);
    elements.push_back(parse_scalar(type, element));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  using ua::BuiltinType;
  switch (type) {
    case BuiltinType::Boolean:
      return collect<bool>(elements);
    case BuiltinType::SByte:
      return collect<std::int8_t>(elements);
    case BuiltinType::Byte:
      return collect<std::uint8_t>(elements);
    case BuiltinType::Int16:
      return collect<std::int16_t>(elements);
    case BuiltinType::UInt16:
      return collect<std::uint16_t>(elements);
    case BuiltinType::Int32:
      return collect<std::int32_t>(elements);
    case BuiltinType::UInt32:
      return collect<std::uint32_t>(elements);
    case BuiltinType::Int64:
      return collect<std::int64_t>(elements);
    case BuiltinType::UInt64:
      return collect<std::uint64_t>(elements);
    case BuiltinType::Float:
      return collect<float>(elements);
    case BuiltinType::Double:
      return collect<double>(elements);
    case BuiltinType::String:
      return collect<std::string>(elements);
    default:
      throw UsageError("arrays of this type cannot be written from the command line");
  }
}

// The built-in type a variable's values are written as: --type, or its DataType attribute.
ua::BuiltinType write_type(ua::Client& client, const ua::NodeId& node, const std::string& type) {
  if (!type.empty()) {
    auto named = type_by_name(type);
    if (!named) throw UsageError("--type '" + type + "' is not a built-in type name (e.g. Double)");
    return *named;
  }
  const ua::DataValue data_type = client.read(node, ua::attribute::DataType);
  if (data_type.status.is_bad()) {
    throw ua::Error(data_type.status, "reading the DataType of " + node.to_string());
  }
  const auto* id = data_type.value.scalar<ua::NodeId>();
  if (id && id->namespace_index == 0 && id->numeric() && *id->numeric() >= 1 &&
      *id->numeric() <= 25) {
    return static_cast<ua::BuiltinType>(*id->numeric());
  }
  if (id && *id == ua::NodeId(ua::id::Duration)) return ua::BuiltinType::Double;
  throw UsageError("the DataType of " + node.to_string() + " is " +
                   (id ? id->to_string() : std::string("unknown")) + "; name one with --type");
}

const char* node_class_name(ua::NodeClass node_class) {
  switch (node_class) {
    case ua::NodeClass::Object:
      return "Object";
    case ua::NodeClass::Variable:
      return "Variable";
    case ua::NodeClass::Method:
      return "Method";
    case ua::NodeClass::ObjectType:
      return "ObjectType";
    case ua::NodeClass::VariableType:
      return "VariableType";
    case ua::NodeClass::ReferenceType:
      return "ReferenceType";
    case ua::NodeClass::DataType:
      return "DataType";
    case ua::NodeClass::View:
      return "View";
    default:
      return "Unspecified";
  }
}

int endpoints(const Options& options) {
  ua::Client client(client_config(options));
  for (const auto& endpoint : client.get_endpoints(options.url)) {
    const std::string policy = endpoint.security_policy_uri.substr(
        endpoint.security_policy_uri.find('#') == std::string::npos
            ? 0
            : endpoint.security_policy_uri.find('#') + 1);
    static constexpr const char* modes[] = {"Invalid", "None", "Sign", "SignAndEncrypt"};
    const auto mode = static_cast<std::size_t>(endpoint.security_mode);
    std::printf("%s  security %s/%s  level %d\n", endpoint.endpoint_url.c_str(), policy.c_str(),
                mode < 4 ? modes[mode] : "?", endpoint.security_level);
    for (const auto& token : endpoint.user_identity_tokens) {
      static constexpr const char* kinds[] = {"anonymous", "username", "certificate", "issued"};
      const auto kind = static_cast<std::size_t>(token.token_type);
      std::printf("  login %s (policy id %s)\n", kind < 4 ? kinds[kind] : "?",
                  token.policy_id.c_str());
    }
  }
  return 0;
}

void browse_tree(ua::Client& client, const ua::NodeId& node, int depth, int indent) {
  for (const auto& reference : client.browse(node)) {
    std::printf("%*s%s  %s  %s\n", indent * 2, "", reference.browse_name.name.c_str(),
                reference.node_id.to_string().c_str(), node_class_name(reference.node_class));
    if (depth > 1 && reference.node_id.is_local()) {
      browse_tree(client, reference.node_id.node_id, depth - 1, indent + 1);
    }
  }
}

int browse(const Options& options) {
  const ua::NodeId start =
      options.nodes.empty() ? ua::NodeId(ua::id::ObjectsFolder) : parse_node(options.nodes[0]);
  ua::Client client(client_config(options));
  client.connect(options.url);
  browse_tree(client, start, options.depth, 0);
  client.disconnect();
  return 0;
}

int read(const Options& options) {
  std::vector<ua::ReadValueId> nodes;
  for (const auto& text : options.nodes) {
    ua::ReadValueId item;
    item.node_id = parse_node(text);
    nodes.push_back(item);
  }
  ua::Client client(client_config(options));
  client.connect(options.url);
  const auto values = client.read(nodes);
  bool all_good = true;
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::printf("%s\n", value_line(options.nodes[i], values[i]).c_str());
    all_good = all_good && !values[i].status.is_bad();
  }
  client.disconnect();
  return all_good ? 0 : exit_failure;
}

int write(const Options& options) {
  const ua::NodeId node = parse_node(options.node);
  ua::Client client(client_config(options));
  client.connect(options.url);
  const ua::Variant value = parse_value(write_type(client, node, options.type), options.value);
  const ua::StatusCode result = client.write(node, value);
  std::printf("%s <- %s: %s\n", options.node.c_str(), scalar_text(value).c_str(),
              result.name().c_str());
  client.disconnect();
  return result.is_bad() ? exit_failure : 0;
}

std::atomic<bool> interrupted{false};

int subscribe(const Options& options) {
  std::vector<ua::NodeId> nodes;
  for (const auto& text : options.nodes)
    nodes.push_back(parse_node(text));
  ua::ClientConfig config = client_config(options);
  config.reconnect = true;  // a subscription may outlive a dropped connection
  ua::Client client(config);
  client.connect(options.url);
  std::mutex mutex;
  std::condition_variable changed;
  int received = 0;
  const ua::IntegerId subscription =
      client.create_subscription({.publishing_interval_ms = options.interval_ms});
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    ua::MonitorOptions monitor;
    monitor.sampling_interval_ms = options.interval_ms;
    monitor.queue_size = 10;
    const std::string name = options.nodes[i];
    client.monitor(subscription, nodes[i], monitor, [&, name](const ua::DataValue& value) {
      std::lock_guard lock(mutex);
      std::printf("%s\n", value_line(name, value).c_str());
      std::fflush(stdout);
      ++received;
      changed.notify_all();
    });
  }
  interrupted = false;
  std::signal(SIGINT, [](int) { interrupted = true; });
  std::signal(SIGTERM, [](int) { interrupted = true; });
  const auto until =
      options.duration_s > 0
          ? std::chrono::steady_clock::now() +
                std::chrono::milliseconds(static_cast<long long>(options.duration_s * 1000))
          : std::chrono::steady_clock::time_point::max();
  std::unique_lock lock(mutex);
  while (!interrupted && std::chrono::steady_clock::now() < until &&
         (options.count == 0 || received < options.count)) {
    changed.wait_for(lock, std::chrono::milliseconds(100));
  }
  lock.unlock();
  client.disconnect();
  return 0;
}

}  // namespace

std::function<int()> add_opcua_command(CLI::App& app) {
  auto options = std::make_shared<Options>();
  auto* opcua = app.add_subcommand("opcua", "An OPC UA client for checking a PLC connection");
  opcua->require_subcommand(1);
  const auto common = [&options](CLI::App* command) {
    command->add_option("URL", options->url, "Server endpoint, e.g. opc.tcp://127.0.0.1:4840")
        ->required();
    command->add_option("--user", options->user, "User name (anonymous without it)");
    command->add_option("--password", options->password, "Password for --user")
        ->envname("TWINLOOP_OPCUA_PASSWORD");
    command->add_option("--timeout", options->timeout_ms, "Connect and request timeout in ms")
        ->check(CLI::Range(1, 3'600'000))
        ->capture_default_str();
  };
  auto* endpoints_command = opcua->add_subcommand("endpoints", "List the server's endpoints");
  common(endpoints_command);
  auto* browse_command = opcua->add_subcommand("browse", "List the nodes below a node");
  common(browse_command);
  browse_command->add_option("NODE", options->nodes, "Where to start (default i=85, Objects)")
      ->expected(0, 1);
  browse_command->add_option("--depth", options->depth, "Levels to descend")
      ->check(CLI::Range(1, 32))
      ->capture_default_str();
  auto* read_command = opcua->add_subcommand("read", "Read the values of nodes in one request");
  common(read_command);
  read_command->add_option("NODE", options->nodes, "NodeIds, e.g. ns=1;s=Line.speed")->required();
  auto* write_command = opcua->add_subcommand("write", "Write a value to a node");
  common(write_command);
  write_command->add_option("NODE", options->node, "The NodeId to write")->required();
  write_command->add_option("VALUE", options->value, "The value; [a, b, c] for an array")
      ->required();
  write_command->add_option("--type", options->type,
                            "Built-in type of the value (default: the node's DataType)");
  auto* subscribe_command =
      opcua->add_subcommand("subscribe", "Print every change of nodes until Ctrl-C");
  common(subscribe_command);
  subscribe_command->add_option("NODE", options->nodes, "NodeIds to monitor")->required();
  subscribe_command->add_option("--interval", options->interval_ms, "Sampling and publishing ms")
      ->check(CLI::Range(1.0, 3'600'000.0))
      ->capture_default_str();
  subscribe_command->add_option("--count", options->count, "Stop after this many changes")
      ->check(CLI::NonNegativeNumber);
  subscribe_command->add_option("--duration", options->duration_s, "Stop after this many seconds")
      ->check(CLI::NonNegativeNumber);

  return [=]() -> int {
    try {
      if (endpoints_command->parsed()) return endpoints(*options);
      if (browse_command->parsed()) return browse(*options);
      if (read_command->parsed()) return read(*options);
      if (write_command->parsed()) return write(*options);
      if (subscribe_command->parsed()) return subscribe(*options);
    } catch (const UsageError& error) {
      std::fprintf(stderr, "twinloop opcua: %s\n", error.what());
      return exit_usage;
    } catch (const ua::Error& error) {
      std::fprintf(stderr, "twinloop opcua: %s\n", error.what());
      return exit_failure;
    }
    return exit_usage;
  };
}

}  // namespace twinloop::app
