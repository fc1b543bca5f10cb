#include "config.hpp"
#include "twinloop/core/validation.hpp"

namespace twinloop::app {

namespace {

core::Component demo_component(const core::TypeCatalogue& catalogue, core::Id model_id,
                               std::string name, const std::string& type,
                               const nlohmann::json& parameters, core::Position position) {
  core::Component component;
  component.model_id = model_id;
  component.name = std::move(name);
  component.type = type;
  component.parameters =
      core::merge_parameters(*catalogue.find(type), nlohmann::json::object(), parameters);
  component.position = position;
  return component;
}

}  // namespace

void create_demo_project(store::Store& store, const core::TypeCatalogue& catalogue) {
  store.transaction([&](store::Store& transaction) {
    core::Project project;
    project.name = "Demo";
    project.description =
        "A first model to look at: a setpoint step drives a first-order plant whose output is "
        "scaled for display.";
    project = transaction.create_project(project);

    core::Model model;
    model.project_id = project.id;
    model.name = "First-order plant";
    model.description = "step -> pt1 -> gain";
    model.step_size = 0.01;
    model = transaction.create_model(model);

    const auto setpoint = transaction.create_component(demo_component(
        catalogue, model.id, "setpoint", "step", {{"step_time", 0.5}, {"final", 1.0}}, {0, 0}));
    const auto plant = transaction.create_component(
        demo_component(catalogue, model.id, "plant", "pt1", {{"k", 2.0}, {"t", 0.8}}, {240, 0}));
    const auto scale = transaction.create_component(
        demo_component(catalogue, model.id, "scale", "gain", {{"k", 0.5}}, {480, 0}));

    core::Connection connection;
    connection.model_id = model.id;
    connection.source = core::PortRef{setpoint.id, "y"};
    connection.target = core::PortRef{plant.id, "u"};
    transaction.create_connection(connection);
    connection.source = core::PortRef{plant.id, "y"};
    connection.target = core::PortRef{scale.id, "u"};
    transaction.create_connection(connection);
  });
}

}  // namespace twinloop::app
