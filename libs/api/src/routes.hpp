#pragma once

#include "router.hpp"
#include "twinloop/hil/twin_server.hpp"
#include "twinloop/sim/type_registry.hpp"
#include "twinloop/store/store.hpp"

namespace twinloop::api {

// What handlers work with.
struct Services {
  store::Store& store;
  const sim::TypeRegistry& catalogue;
  class SimulationRegistry& simulations;
  hil::TwinServer* twin_server;  // nullptr: simulations are not published over OPC UA
};

void add_project_routes(Router& router, Services services);
void add_model_routes(Router& router, Services services);
void add_component_routes(Router& router, Services services);
void add_connection_routes(Router& router, Services services);
void add_model_document_routes(Router& router, Services services);
void add_catalogue_routes(Router& router, Services services);
void add_simulation_routes(Router& router, Services services);

}  // namespace twinloop::api
