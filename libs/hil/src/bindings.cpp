#include "twinloop/hil/bindings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "twinloop/core/error.hpp"
#include "twinloop/opcua/client.hpp"
#include "twinloop/sim/latency_histogram.hpp"

namespace twinloop::hil {

namespace {

using opcua::BuiltinType;
using opcua::Variant;
using Clock = std::chrono::steady_clock;

constexpr std::array bindable_types = {
    BuiltinType::Boolean, BuiltinType::SByte, BuiltinType::Byte,   BuiltinType::Int16,
    BuiltinType::UInt16,  BuiltinType::Int32, BuiltinType::UInt32, BuiltinType::Int64,
    BuiltinType::UInt64,  BuiltinType::Float, BuiltinType::Double};

bool is_bindable(BuiltinType type) {
  return std::find(bindable_types.begin(), bindable_types.end(), type) != bindable_types.end();
}

// The bindable built-in type a node's DataType attribute names, if it names one.
std::optional<BuiltinType> builtin_of(const opcua::NodeId& data_type) {
  const auto* number = data_type.numeric();
  if (data_type.namespace_index != 0 || number == nullptr || *number > 255) return std::nullopt;
  const auto type = static_cast<BuiltinType>(*number);
  if (!is_bindable(type)) return std::nullopt;
  return type;
}

// Rounded and held within T's range; NaN is 0.
template <class T>
T saturated(double value) {
  if (std::isnan(value)) return T{0};
  constexpr auto low = static_cast<double>(std::numeric_limits<T>::lowest());
  constexpr auto high = static_cast<double>(std::numeric_limits<T>::max());
  const double rounded = std::round(value);
  if (rounded <= low) return std::numeric_limits<T>::lowest();
  if (rounded >= high) return std::numeric_limits<T>::max();
  return static_cast<T>(rounded);
}

Variant variant_of(BuiltinType type, double value) {
  switch (type) {
    case BuiltinType::Boolean:
      return Variant(value != 0.0);
    case BuiltinType::SByte:
      return Variant(saturated<std::int8_t>(value));
    case BuiltinType::Byte:
      return Variant(saturated<std::uint8_t>(value));
    case BuiltinType::Int16:
      return Variant(saturated<std::int16_t>(value));
    case BuiltinType::UInt16:
      return Variant(saturated<std::uint16_t>(value));
    case BuiltinType::Int32:
      return Variant(saturated<std::int32_t>(value));
    case BuiltinType::UInt32:
      return Variant(saturated<std::uint32_t>(value));
    case BuiltinType::Int64:
      return Variant(saturated<std::int64_t>(value));
    case BuiltinType::UInt64:
      return Variant(saturated<std::uint64_t>(value));
    case BuiltinType::Float:
      return Variant(static_cast<float>(value));
    default:
      return Variant(value);
  }
}

// What the engine keeps for an input of `type` fed `value` (every signal is a double).
double as_input(core::SignalType type, double value) {
  switch (type) {
    case core::SignalType::boolean:
      return value != 0.0 ? 1.0 : 0.0;
    case core::SignalType::integer:
      return std::round(value);
    case core::SignalType::real:
      break;
  }
  return value;
}

std::string describe(const BindingConfig& binding) {
  return fmt::format("binding {} ({} {} {})", binding.id, binding.signal,
                     binding.direction == Direction::read ? "<-" : "->", binding.node.to_string());
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

std::optional<FaultPolicy> fault_policy_named(std::string_view name) {
  if (name == "hold") return FaultPolicy::hold;
  if (name == "pause") return FaultPolicy::pause;
  if (name == "fail") return FaultPolicy::fail;
  return std::nullopt;
}

std::string_view to_string(FaultPolicy policy) {
  switch (policy) {
    case FaultPolicy::pause:
      return "pause";
    case FaultPolicy::fail:
      return "fail";
    case FaultPolicy::hold:
      break;
  }
  return "hold";
}

std::optional<Direction> direction_named(std::string_view name) {
  if (name == "read") return Direction::read;
  if (name == "write") return Direction::write;
  return std::nullopt;
}

std::string_view to_string(Direction direction) {
  return direction == Direction::read ? "read" : "write";
}

std::optional<BuiltinType> bindable_type_named(std::string_view name) {
  for (const auto type : bindable_types) {
    if (opcua::builtin_type_name(type) == name) return type;
  }
  return std::nullopt;
}

std::string_view to_string(EndpointStatus::State state) {
  switch (state) {
    case EndpointStatus::State::connected:
      return "connected";
    case EndpointStatus::State::reconnecting:
      return "reconnecting";
    case EndpointStatus::State::stopped:
      return "stopped";
    case EndpointStatus::State::connecting:
      break;
  }
  return "connecting";
}

// One endpoint of a run: its connection thread, and the exchange that the run's thread does
// through the connection that thread made.
class BindingExchange::Link {
 public:
  Link(EndpointConfig config, double step_wall_seconds, sim::SimulationRun*& run)
      : config_(std::move(config)), step_wall_seconds_(step_wall_seconds), run_(run) {
    status_.endpoint_id = config_.id;
    status_.name = config_.name;
    status_.url = config_.url;
    read_request_.timestamps_to_return = opcua::TimestampsToReturn::Neither;
  }
  ~Link() { stop(); }

  std::int64_t endpoint_id() const { return config_.id; }

  void add_read(const BindingConfig& binding, std::uint32_t input, core::SignalType type) {
    reads_.push_back(ReadBinding{binding, input, type, std::nullopt});
    opcua::ReadValueId node;
    node.node_id = binding.node;
    read_request_.nodes_to_read.push_back(node);
    ++status_.bindings;
  }
  void add_write(const BindingConfig& binding, std::uint32_t slot) {
    writes_.push_back(WriteBinding{binding, slot, 0.0});
    opcua::WriteValue value;
    value.node_id = binding.node;
    write_values_.push_back(value);
    ++status_.bindings;
  }

  void start() {
    std::lock_guard lock(mutex_);
    if (connector_.joinable()) return;
    connector_ = std::thread([this] { connect_until_stopped(); });
  }

  void stop() {
    finish_write();  // the run's last values reach the PLC
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      status_.state = EndpointStatus::State::stopped;
    }
    wake_.notify_all();
    if (connector_.joinable()) connector_.join();
    std::shared_ptr<Connection> last;
    {
      std::lock_guard lock(mutex_);
      last = std::move(current_);
      retired_.reset();
    }
    if (last) close_quietly(*last);
  }

  // Before step `step`; false pauses the run.
  bool before(std::int64_t step) {
    exchanging_ = step % config_.exchange_every == 0;
    if (!exchanging_) return true;
    started_at_ = Clock::now();
    connection_ = current();
    finish_write();
    if (!connection_) return on_fault();
    if (reads_.empty()) return true;
    try {
      connection_->client->read(read_request_, read_response_);
    } catch (const std::exception& error) {
      lose(connection_, error.what());
      return on_fault();
    }
    const auto& results = read_response_.results;
    for (std::size_t i = 0; i < reads_.size(); ++i) {
      auto& binding = reads_[i];
      if (i >= results.size() || !results[i].status.is_good()) {
        note_error(fmt::format("{}: the read answered {}", describe(binding.config),
                               i < results.size() ? results[i].status.name() : "nothing"));
        continue;
      }
      const auto raw = results[i].value.to_double();
      if (!raw) {
        note_error(fmt::format("{}: the node's value is no number", describe(binding.config)));
        continue;
      }
      binding.value = as_input(binding.type, *raw * binding.config.scale + binding.config.offset);
    }
    return true;
  }

  void apply(sim::Simulator& simulator) {
    if (!exchanging_ || !connection_) return;
    for (const auto& binding : reads_) {
      if (binding.value) simulator.set_override(binding.input, *binding.value);
    }
  }

  void capture(const sim::Simulator& simulator) {
    if (!exchanging_ || !connection_) return;
    const auto signals = simulator.signals();
    for (auto& binding : writes_)
      binding.value = signals[binding.slot] * binding.config.scale + binding.config.offset;
  }

  // Sends the Write of the step just computed; its answer is awaited at the next exchange (or
  // the run's end), so its round trip overlaps the wait for the next step.
  void after() {
    if (!exchanging_ || !connection_) return;
    const auto connection = std::move(connection_);
    if (!writes_.empty()) {
      for (std::size_t i = 0; i < writes_.size(); ++i) {
        write_values_[i].value.value = variant_of(connection->write_types[i], writes_[i].value);
      }
      try {
        pending_write_ = connection->client->write_start(write_values_);
        pending_connection_ = connection;
      } catch (const std::exception& error) {
        lose(connection, error.what());
        // A lost endpoint under `pause` or `fail` stops the run before the next step does
        // anything with it; only `fail` has to say so at once.
        if (config_.fault_policy == FaultPolicy::fail) on_fault();
        return;
      }
    }
    const double took = seconds_since(started_at_);
    std::lock_guard lock(mutex_);
    ++status_.cycles;
    status_.last_exchange_seconds = took;
    latency_.add(took);
    if (step_wall_seconds_ > 0.0 && took > step_wall_seconds_) ++status_.overruns;
  }

  // Waits for the answer to the Write sent last, if one is on its way.
  void finish_write() {
    if (!pending_write_) return;
    const auto connection = std::move(pending_connection_);
    try {
      const auto results = connection->client->write_finish(pending_write_);
      for (std::size_t i = 0; i < writes_.size(); ++i) {
        if (i < results.size() && results[i].is_good()) continue;
        note_error(fmt::format("{}: the write answered {}", describe(writes_[i].config),
                               i < results.size() ? results[i].name() : "nothing"));
      }
    } catch (const std::exception& error) {
      lose(connection, error.what());
    }
    pending_write_ = {};
  }

  EndpointStatus status() const {
    std::lock_guard lock(mutex_);
    EndpointStatus status = status_;
    status.p50_exchange_seconds = latency_.quantile(0.5);
    status.p99_exchange_seconds = latency_.quantile(0.99);
    status.max_exchange_seconds = latency_.max();
    return status;
  }

 private:
  struct ReadBinding {
    BindingConfig config;
    std::uint32_t input = 0;  // into Plan::inputs
    core::SignalType type = core::SignalType::real;
    std::optional<double> value;  // as last read, scaled
  };
  struct WriteBinding {
    BindingConfig config;
    std::uint32_t slot = 0;  // in the signal array
    double value = 0.0;      // as last captured, scaled
  };
  // A session with the endpoint whose nodes were checked; `write_types` per write binding.
  struct Connection {
    std::unique_ptr<opcua::Client> client;
    std::vector<BuiltinType> write_types;
  };

  std::shared_ptr<Connection> current() {
    std::unique_lock lock(mutex_);
    // The first exchange waits for the first attempt, which its timeouts bound: a run that
    // starts with its PLC there exchanges from its first step on.
    wake_.wait(lock, [&] { return first_attempt_done_ || stopping_; });
    return current_;
  }

  // The endpoint is not connected now: the run goes on, pauses or fails as configured.
  bool on_fault() {
    connection_.reset();
    switch (config_.fault_policy) {
      case FaultPolicy::hold:
        return true;
      case FaultPolicy::pause: {
        std::lock_guard lock(mutex_);
        // Connected again meanwhile: the connection thread looked for a pause to end already.
        if (current_) return true;
        paused_by_fault_ = true;
        return false;
      }
      case FaultPolicy::fail:
        break;
    }
    std::lock_guard lock(mutex_);
    throw std::runtime_error(
        fmt::format("endpoint '{}' ({}): {}", config_.name, config_.url, status_.last_error));
  }

  void note_error(std::string message) {
    std::lock_guard lock(mutex_);
    ++status_.errors;
    status_.last_error = std::move(message);
  }

  // `failed` failed during an exchange: the connection thread dials again.
  void lose(const std::shared_ptr<Connection>& failed, const std::string& error) {
    {
      std::lock_guard lock(mutex_);
      ++status_.errors;
      status_.last_error = fmt::format("the exchange failed: {}", error);
      if (current_ == failed) {
        retired_ = std::move(current_);
        status_.state = EndpointStatus::State::reconnecting;
      }
    }
    if (connection_ == failed) connection_.reset();
    wake_.notify_all();
  }

  std::shared_ptr<Connection> connect() {
    opcua::ClientConfig client_config;
    client_config.application_name = "twinloop bindings";
    client_config.application_uri = "urn:twinloop:bindings";
    client_config.user = config_.user;
    client_config.connect_timeout = config_.connect_timeout;
    client_config.request_timeout = config_.request_timeout;
    client_config.reconnect = false;  // this link dials again itself, with its own backoff
    auto connection = std::make_shared<Connection>();
    connection->client = std::make_unique<opcua::Client>(client_config);
    connection->client->connect(config_.url);
    connection->write_types = check_nodes(*connection->client);
    return connection;
  }

  // Each binding's node exists, has a DataType the binding can convert to and from, and the
  // access its direction needs. Returns the types to write as, per write binding.
  std::vector<BuiltinType> check_nodes(opcua::Client& client) {
    std::vector<const BindingConfig*> all;
    for (const auto& binding : reads_)
      all.push_back(&binding.config);
    for (const auto& binding : writes_)
      all.push_back(&binding.config);
    std::vector<opcua::ReadValueId> attributes;
    for (const auto* binding : all) {
      for (const auto attribute : {opcua::attribute::DataType, opcua::attribute::UserAccessLevel}) {
        opcua::ReadValueId id;
        id.node_id = binding->node;
        id.attribute_id = attribute;
        attributes.push_back(id);
      }
    }
    const auto results = client.read(attributes, opcua::TimestampsToReturn::Neither);
    if (results.size() != attributes.size()) {
      throw std::runtime_error(fmt::format("the server answered {} of {} attribute reads",
                                           results.size(), attributes.size()));
    }
    std::vector<BuiltinType> write_types;
    for (std::size_t i = 0; i < all.size(); ++i) {
      const auto& binding = *all[i];
      const auto& data_type = results[2 * i];
      const auto& access = results[2 * i + 1];
      if (data_type.status == opcua::status::BadNodeIdUnknown) {
        throw std::runtime_error(fmt::format("{}: the server has no node {}", describe(binding),
                                             binding.node.to_string()));
      }
      const auto* data_type_id = std::get_if<opcua::NodeId>(&data_type.value.storage());
      if (!data_type.status.is_good() || data_type_id == nullptr) {
        throw std::runtime_error(fmt::format("{}: the node is no variable (its DataType reads {})",
                                             describe(binding), data_type.status.name()));
      }
      const auto node_type = builtin_of(*data_type_id);
      if (node_type && binding.data_type && *node_type != *binding.data_type) {
        throw std::runtime_error(fmt::format(
            "{}: the node holds {}, the binding converts to {}", describe(binding),
            opcua::builtin_type_name(*node_type), opcua::builtin_type_name(*binding.data_type)));
      }
      if (!node_type && !binding.data_type) {
        throw std::runtime_error(
            fmt::format("{}: the node's DataType {} is not Boolean or a number; give the binding "
                        "a data_type to convert to",
                        describe(binding), data_type_id->to_string()));
      }
      const auto* level = std::get_if<std::uint8_t>(&access.value.storage());
      const std::uint8_t needed = binding.direction == Direction::read ? 0x01 : 0x02;
      if (access.status.is_good() && level != nullptr && (*level & needed) == 0) {
        throw std::runtime_error(
            fmt::format("{}: the node may not be {} by this session", describe(binding),
                        binding.direction == Direction::read ? "read" : "written"));
      }
      if (binding.direction == Direction::write)
        write_types.push_back(node_type.value_or(*binding.data_type));
    }
    return write_types;
  }

  static void close_quietly(Connection& connection) {
    try {
      connection.client->disconnect();
    } catch (const std::exception&) {
      // Closing a session the server has dropped already has nothing left to do.
    }
  }

  void connect_until_stopped() {
    auto delay = config_.reconnect_min_delay;
    bool ever_connected = false;
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      if (current_) {
        wake_.wait(lock, [&] { return stopping_ || !current_; });
        continue;
      }
      auto retired = std::move(retired_);
      lock.unlock();
      if (retired) close_quietly(*retired);
      retired.reset();
      std::shared_ptr<Connection> made;
      std::string error;
      try {
        made = connect();
      } catch (const std::exception& failure) {
        error = failure.what();
      }
      lock.lock();
      first_attempt_done_ = true;
      if (made && !stopping_) {
        if (ever_connected) ++status_.reconnects;
        ever_connected = true;
        current_ = std::move(made);
        status_.state = EndpointStatus::State::connected;
        delay = config_.reconnect_min_delay;
        const bool resume = std::exchange(paused_by_fault_, false);
        lock.unlock();
        wake_.notify_all();
        if (resume) resume_run();
        lock.lock();
        continue;
      }
      if (!made) {
        ++status_.errors;
        status_.last_error = error;
        status_.state = ever_connected ? EndpointStatus::State::reconnecting
                                       : EndpointStatus::State::connecting;
      }
      wake_.notify_all();
      wake_.wait_for(lock, delay, [&] { return stopping_; });
      delay = std::min(delay * 2, config_.reconnect_max_delay);
    }
  }

  // Resumes the run that this endpoint's loss paused. The run's thread pauses it just after
  // its exchange said so, which may be a moment after this thread has reconnected.
  void resume_run() {
    if (run_ == nullptr) return;
    const auto give_up = Clock::now() + config_.request_timeout * 2 + std::chrono::seconds(1);
    while (Clock::now() < give_up) {
      {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
      }
      const auto state = run_->statistics().state;
      if (state == sim::RunState::paused) {
        run_->resume();
        return;
      }
      if (state != sim::RunState::running) return;
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  }

  const EndpointConfig config_;
  const double step_wall_seconds_;
  sim::SimulationRun*& run_;

  // The run's thread only.
  std::vector<ReadBinding> reads_;
  std::vector<WriteBinding> writes_;
  opcua::ReadRequest read_request_;
  opcua::ReadResponse read_response_;
  std::vector<opcua::WriteValue> write_values_;
  std::shared_ptr<Connection> connection_;  // of the step being exchanged
  opcua::Client::PendingWrite pending_write_;
  std::shared_ptr<Connection> pending_connection_;  // that pending_write_ went to
  bool exchanging_ = false;
  Clock::time_point started_at_{};

  mutable std::mutex mutex_;  // guards what follows
  std::condition_variable wake_;
  std::shared_ptr<Connection> current_;  // connected and checked; null while not
  std::shared_ptr<Connection> retired_;  // lost, for the connection thread to close
  bool first_attempt_done_ = false;
  bool paused_by_fault_ = false;
  bool stopping_ = false;
  EndpointStatus status_;
  sim::LatencyHistogram latency_;
  std::thread connector_;
};

BindingExchange::BindingExchange(std::shared_ptr<const sim::Plan> plan,
                                 std::vector<EndpointConfig> endpoints,
                                 std::vector<BindingConfig> bindings, double step_wall_seconds) {
  for (auto& endpoint : endpoints) {
    endpoint.exchange_every = std::max<std::int64_t>(1, endpoint.exchange_every);
    links_.push_back(std::make_unique<Link>(std::move(endpoint), step_wall_seconds, run_));
  }
  for (const auto& binding : bindings) {
    const auto link = std::find_if(links_.begin(), links_.end(), [&](const auto& candidate) {
      return candidate->endpoint_id() == binding.endpoint_id;
    });
    if (link == links_.end()) {
      core::throw_unprocessable(
          fmt::format("{}: its endpoint {} is not there", describe(binding), binding.endpoint_id));
    }
    if (binding.direction == Direction::read) {
      const auto& inputs = plan->inputs;
      const auto input = std::find_if(inputs.begin(), inputs.end(), [&](const auto& entry) {
        return entry.name == binding.signal;
      });
      if (input == inputs.end()) {
        core::throw_unprocessable(fmt::format("{}: the model has no input '{}' to read into",
                                              describe(binding), binding.signal));
      }
      (*link)->add_read(binding, static_cast<std::uint32_t>(input - inputs.begin()),
                        input->data_type);
    } else {
      const auto& signals = plan->signals;
      const auto signal = std::find_if(signals.begin(), signals.end(), [&](const auto& entry) {
        return entry.name == binding.signal;
      });
      if (signal == signals.end()) {
        core::throw_unprocessable(fmt::format("{}: the model has no output '{}' to write",
                                              describe(binding), binding.signal));
      }
      (*link)->add_write(binding, signal->slot);
    }
  }
}

BindingExchange::~BindingExchange() = default;

void BindingExchange::attach(sim::SimulationRun& run) {
  run_ = &run;
}

void BindingExchange::run_starting() {
  for (auto& link : links_)
    link->start();
}

bool BindingExchange::exchange_before(std::int64_t step) {
  bool proceed = true;
  for (auto& link : links_)
    proceed = link->before(step) && proceed;
  return proceed;
}

void BindingExchange::apply(sim::Simulator& simulator) {
  for (auto& link : links_)
    link->apply(simulator);
}

void BindingExchange::capture(const sim::Simulator& simulator) {
  for (auto& link : links_)
    link->capture(simulator);
}

void BindingExchange::exchange_after(std::int64_t /*step*/) {
  for (auto& link : links_)
    link->after();
}

void BindingExchange::run_ended() {
  for (auto& link : links_)
    link->stop();
}

std::vector<EndpointStatus> BindingExchange::status() const {
  std::vector<EndpointStatus> all;
  for (const auto& link : links_)
    all.push_back(link->status());
  return all;
}

}  // namespace twinloop::hil
