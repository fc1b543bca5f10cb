#pragma once

#include <filesystem>
#include <memory>

#include "router.hpp"
#include "twinloop/fmi/component_type.hpp"
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
void add_hil_routes(Router& router, Services services);

// Uploads go to this route; its body limit is the application's max_fmu_size.
inline constexpr std::string_view fmu_upload_route = "/api/v1/projects/{id}/fmus";
// FMUs are unpacked into `directory`; a deleted one is forgotten by `catalogue`.
void add_fmu_routes(Router& router, Services services, const std::filesystem::path& directory,
                    std::shared_ptr<fmi::FmuCatalogue> catalogue);

}  // namespace twinloop::api
