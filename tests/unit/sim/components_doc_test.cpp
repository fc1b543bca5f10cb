// docs/components.md is the reference of the component library: every registered type has a
// section, and every one of its parameters and ports is named there.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "model_builder.hpp"

namespace twinloop::sim {
namespace {

using testing_support::registry;

std::string reference() {
  std::ifstream file(std::string(TWINLOOP_SOURCE_DIR) + "/docs/components.md");
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// The type names of the "### a, b" headings.
std::set<std::string> documented_types(const std::string& text) {
  std::set<std::string> types;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("### ", 0) != 0) continue;
    std::istringstream names(line.substr(4));
    for (std::string name; std::getline(names, name, ',');) {
      name.erase(0, name.find_first_not_of(' '));
      types.insert(name);
    }
  }
  return types;
}

TEST(ComponentsReference, DocumentsEveryTypeWithItsParametersAndPorts) {
  const std::string text = reference();
  ASSERT_FALSE(text.empty()) << "docs/components.md not found";
  const auto types = documented_types(text);
  for (const auto* info : registry().list()) {
    EXPECT_TRUE(types.contains(info->type)) << info->type << " has no section";
    for (const auto& parameter : info->parameters) {
      EXPECT_NE(text.find("`" + parameter.name + "`"), std::string::npos)
          << info->type << "." << parameter.name;
    }
    const auto ports = info->ports(info->default_parameters());
    for (const auto* list : {&ports.inputs, &ports.outputs}) {
      for (const auto& port : *list) {
        // Numbered ports (u1 .. un, barrier1 .. barrierN, p0 ..) are documented as a range.
        std::string name = port.name;
        while (!name.empty() && name.back() >= '0' && name.back() <= '9')
          name.pop_back();
        EXPECT_NE(text.find("`" + name), std::string::npos) << info->type << "." << port.name;
      }
    }
  }
}

}  // namespace
}  // namespace twinloop::sim
