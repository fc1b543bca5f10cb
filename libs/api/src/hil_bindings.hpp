#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "routes.hpp"
#include "twinloop/core/model.hpp"
#include "twinloop/hil/bindings.hpp"
#include "twinloop/sim/plan.hpp"

namespace twinloop::api {

bool model_has_bindings(store::Store& store, core::Id model_id);

// The exchange of a simulation of `model` with the endpoints its bindings name; nullptr when
// the model has no bindings. core::Error (unprocessable) names a binding the plan cannot serve.
std::shared_ptr<hil::BindingExchange> binding_exchange(const Services& services,
                                                       const core::Model& model,
                                                       std::shared_ptr<const sim::Plan> plan,
                                                       double step_size, double realtime_factor);

// The simulation's "endpoints": per endpoint its state and exchange figures.
nlohmann::json endpoint_status_json(const std::vector<hil::EndpointStatus>& endpoints);

}  // namespace twinloop::api
