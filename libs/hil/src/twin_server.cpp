#include "twinloop/hil/twin_server.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace twinloop::hil {

namespace {

using opcua::BuiltinType;
using opcua::NodeId;
using opcua::Variant;

NodeId data_type_of(core::SignalType type) {
  switch (type) {
    case core::SignalType::boolean:
      return NodeId(static_cast<std::uint32_t>(BuiltinType::Boolean));
    case core::SignalType::integer:
      return NodeId(static_cast<std::uint32_t>(BuiltinType::Int32));
    case core::SignalType::real:
      break;
  }
  return NodeId(static_cast<std::uint32_t>(BuiltinType::Double));
}

// The engine keeps every signal as a double; OPC UA clients see the port's own type.
Variant variant_of(core::SignalType type, double value) {
  switch (type) {
    case core::SignalType::boolean:
      return Variant(value != 0.0);
    case core::SignalType::integer:
      return Variant(
          static_cast<std::int32_t>(std::clamp(std::round(value), -2147483648.0, 2147483647.0)));
    case core::SignalType::real:
      break;
  }
  return Variant(value);
}

// "component.port" -> ("component", "port"); component names have no dot.
std::pair<std::string, std::string> split_signal(const std::string& name) {
  const auto dot = name.find('.');
  return {name.substr(0, dot), dot == std::string::npos ? std::string{} : name.substr(dot + 1)};
}

}  // namespace

TwinPublication::TwinPublication(TwinServer& server, std::shared_ptr<const sim::Plan> plan)
    : server_(server), plan_(std::move(plan)), writes_(std::make_shared<Writes>()) {
  writes_->pending.resize(plan_->inputs.size());
  writes_->driven.resize(plan_->inputs.size(), false);
  applied_.resize(plan_->inputs.size());
  captured_.resize(plan_->signals.size() + plan_->inputs.size(), 0.0);
  for (std::size_t i = 0; i < plan_->signals.size(); ++i) {
    const auto& signal = plan_->signals[i];
    values_.push_back(variant_of(signal.data_type, plan_->initial_signals[signal.slot]));
  }
  for (const auto& input : plan_->inputs) {
    values_.push_back(
        variant_of(input.data_type, plan_->initial_signals[plan_->input_slots[input.slot]]));
  }
}

TwinPublication::~TwinPublication() {
  server_.withdraw(*this);
}

opcua::WriteCallback TwinPublication::write_callback(std::uint32_t input) const {
  return [writes = writes_, input](const NodeId&, const opcua::DataValue& value) {
    const auto number = value.value.to_double();
    if (!number || !std::isfinite(*number))
      return opcua::StatusCode(opcua::status::BadTypeMismatch);
    std::lock_guard lock(writes->mutex);
    writes->pending[input] = std::optional<double>(*number);
    writes->driven[input] = true;
    writes->any_pending = true;
    return opcua::StatusCode(opcua::status::Good);
  };
}

void TwinPublication::run_starting() {
  started_.store(true);
  server_.activate(*this);
}

void TwinPublication::apply(sim::Simulator& simulator) {
  std::lock_guard lock(writes_->mutex);
  if (!writes_->any_pending) return;
  for (std::uint32_t input = 0; input < writes_->pending.size(); ++input) {
    auto& pending = writes_->pending[input];
    if (!pending) continue;
    simulator.set_override(input, *pending);
    applied_[input] = *pending;
    pending.reset();
  }
  writes_->any_pending = false;
}

void TwinPublication::capture(const sim::Simulator& simulator) {
  const auto now = std::chrono::steady_clock::now();
  if (now < next_push_) return;
  next_push_ = now + server_.options_.push_period;
  const auto signals = simulator.signals();
  for (std::size_t i = 0; i < plan_->signals.size(); ++i)
    captured_[i] = signals[plan_->signals[i].slot];
  for (std::size_t i = 0; i < plan_->inputs.size(); ++i) {
    captured_[plan_->signals.size() + i] =
        applied_[i] ? *applied_[i] : signals[plan_->input_slots[plan_->inputs[i].slot]];
  }
  capture_due_ = true;
}

void TwinPublication::exchange_after(std::int64_t /*step*/) {
  if (!capture_due_) return;
  capture_due_ = false;
  push();
}

void TwinPublication::push() {
  std::lock_guard lock(variables_mutex_);
  for (std::size_t i = 0; i < plan_->signals.size(); ++i)
    values_[i] = variant_of(plan_->signals[i].data_type, captured_[i]);
  for (std::size_t i = 0; i < plan_->inputs.size(); ++i) {
    const std::size_t at = plan_->signals.size() + i;
    values_[at] = variant_of(plan_->inputs[i].data_type, captured_[at]);
  }
  if (own_) server_.server_.set_values(*own_, values_);
  if (active_) server_.server_.set_values(*active_, values_);
}

void TwinPublication::run_ended() {
  server_.withdraw(*this);
}

void TwinPublication::overridden_elsewhere(std::uint32_t input, std::optional<double> value) {
  std::lock_guard lock(writes_->mutex);
  if (input >= writes_->pending.size()) return;
  writes_->pending[input] = value;
  writes_->driven[input] = false;
  writes_->any_pending = true;
}

std::vector<std::string> TwinPublication::external_inputs() const {
  std::vector<std::string> names;
  std::lock_guard lock(writes_->mutex);
  for (std::size_t i = 0; i < plan_->inputs.size(); ++i) {
    if (writes_->driven[i]) names.push_back(plan_->inputs[i].name);
  }
  return names;
}

std::string TwinPublication::name() const {
  std::lock_guard lock(variables_mutex_);
  return name_;
}

bool TwinPublication::active() const {
  std::lock_guard lock(variables_mutex_);
  return active_.has_value();
}

TwinServer::TwinServer(TwinServerOptions options)
    : options_(std::move(options)),
      server_(options_.server),
      simulations_folder_(namespace_index, "Simulations"),
      active_folder_(namespace_index, active_twin_name) {
  server_.add_folder(NodeId(opcua::id::ObjectsFolder), simulations_folder_, "Simulations");
  server_.add_folder(NodeId(opcua::id::ObjectsFolder), active_folder_, "ActiveTwin");
}

TwinServer::~TwinServer() {
  stop();
}

void TwinServer::start() {
  server_.start();
}
void TwinServer::stop() {
  server_.stop();
}
std::uint16_t TwinServer::port() const {
  return server_.port();
}
std::string TwinServer::endpoint_url() const {
  return server_.endpoint_url();
}

std::shared_ptr<TwinPublication> TwinServer::prepare(std::shared_ptr<const sim::Plan> plan) {
  return std::make_shared<TwinPublication>(*this, std::move(plan));
}

TwinPublication::Variables TwinServer::add_variables(TwinPublication& publication,
                                                     const NodeId& folder,
                                                     const std::string& prefix) {
  const sim::Plan& plan = *publication.plan_;
  for (const auto& component : plan.components) {
    server_.add_object(folder, NodeId(namespace_index, prefix + "." + component), component);
  }
  TwinPublication::Variables handles;
  const auto add = [&](const sim::PlannedSignal& signal, std::size_t at, bool input) {
    const auto [component, port] = split_signal(signal.name);
    opcua::VariableOptions options;
    options.id = NodeId(namespace_index, prefix + "." + signal.name);
    options.browse_name = port;
    options.description = fmt::format("{} {} of {}", input ? "input" : "output", port, component);
    options.data_type = data_type_of(signal.data_type);
    options.value = publication.values_[at];
    if (input) {
      options.access_level |= opcua::access_level::CurrentWrite;
      options.on_write =
          publication.write_callback(static_cast<std::uint32_t>(at - plan.signals.size()));
    }
    handles.push_back(
        server_.add_variable(NodeId(namespace_index, prefix + "." + component), options));
  };
  for (std::size_t i = 0; i < plan.signals.size(); ++i)
    add(plan.signals[i], i, false);
  for (std::size_t i = 0; i < plan.inputs.size(); ++i)
    add(plan.inputs[i], plan.signals.size() + i, true);
  return handles;
}

void TwinServer::publish(TwinPublication& publication, const std::string& name) {
  const NodeId folder(namespace_index, name);
  if (name == active_twin_name) {
    throw opcua::Error(opcua::status::BadNodeIdExists,
                       fmt::format("'{}' is the active twin's name", name));
  }
  {
    std::lock_guard lock(publication.variables_mutex_);
    server_.add_folder(simulations_folder_, folder, name);
    try {
      publication.own_ = add_variables(publication, folder, name);
    } catch (...) {
      server_.remove_node(folder);
      throw;
    }
    publication.name_ = name;
  }
  if (publication.started_.load()) activate(publication);
}

void TwinServer::activate(TwinPublication& publication) {
  std::lock_guard lock(mutex_);
  {
    std::lock_guard variables(publication.variables_mutex_);
    if (publication.name_.empty()) return;  // publish() activates it
  }
  if (std::find(started_.begin(), started_.end(), &publication) != started_.end()) return;
  started_.push_back(&publication);
  make_active(&publication);
}

void TwinServer::make_active(TwinPublication* publication) {
  if (active_) {
    std::lock_guard variables(active_->variables_mutex_);
    active_->active_.reset();
  }
  server_.remove_node(active_folder_);
  server_.add_folder(NodeId(opcua::id::ObjectsFolder), active_folder_, "ActiveTwin");
  active_ = publication;
  if (!publication) return;
  std::lock_guard variables(publication->variables_mutex_);
  publication->active_ = add_variables(*publication, active_folder_, active_twin_name);
}

void TwinServer::withdraw(TwinPublication& publication) {
  std::lock_guard lock(mutex_);
  std::erase(started_, &publication);
  if (active_ == &publication) make_active(started_.empty() ? nullptr : started_.back());
  std::lock_guard variables(publication.variables_mutex_);
  if (publication.name_.empty()) return;
  server_.remove_node(NodeId(namespace_index, publication.name_));
  publication.own_.reset();
  publication.name_.clear();
}

}  // namespace twinloop::hil
