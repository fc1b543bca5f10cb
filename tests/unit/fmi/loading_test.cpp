#include <fstream>

#include "test_support.hpp"
#include "twinloop/core/error.hpp"
#include "twinloop/fmi/driver.hpp"

namespace twinloop::fmi {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;
using testing::TestFmu;

// A writable copy of an unpacked test FMU, to break on purpose.
class BrokenCopy {
 public:
  explicit BrokenCopy(const std::string& name) : source_(name) {
    fs::copy(source_.directory(), path(), fs::copy_options::recursive);
  }
  fs::path path() const { return temp_.path() / "fmu"; }

 private:
  TestFmu source_;
  TempDir temp_;
};

void replace_in_file(const fs::path& file, const std::string& from, const std::string& to) {
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  text.replace(text.find(from), from.size(), to);
  std::ofstream(file, std::ios::trunc) << text;
}

TEST(Loading, OpensAnFmi2Fmu) {
  const TestFmu pt1("pt1");
  const auto fmu = pt1.open();
  EXPECT_TRUE(fmu->supports(Interface::co_simulation));
  EXPECT_FALSE(fmu->supports(Interface::model_exchange));
  EXPECT_EQ(fmu->preferred_interface(), Interface::co_simulation);
  EXPECT_EQ(fmu->description().model_name, "PT1");
  const std::string& location = fmu->resource_location();
  EXPECT_EQ(location, "file://" + (fmu->directory() / "resources").string() + "/");
  EXPECT_EQ(location.rfind("file:///", 0), 0u);
}

TEST(Loading, EncodesTheResourceUri) {
  TempDir temp;
  const fs::path odd = temp.path() / "with space%and#hash";
  fs::copy(TestFmu("pt1").directory(), odd, fs::copy_options::recursive);
  const auto fmu = Fmu::open(odd);
  EXPECT_NE(fmu->resource_location().find("with%20space%25and%23hash/resources/"),
            std::string::npos)
      << fmu->resource_location();
  auto driver = make_driver(fmu);  // the FMU refuses anything but a file URI
  driver->initialize();
}

TEST(Loading, GivesFmi3AnAbsoluteResourcePathWithTrailingSeparator) {
  const TestFmu feedthrough("feedthrough3");
  const auto fmu = feedthrough.open();
  EXPECT_EQ(fmu->resource_location(), (fmu->directory() / "resources").string() + "/");
  EXPECT_TRUE(fs::exists(fmu->resource_location() + "info.txt"));
  const TestFmu ball("bouncing_ball3");
  EXPECT_EQ(ball.open()->resource_location(), "");  // no resources folder: NULL
}

TEST(Loading, LaysOutPortsFromInputsAndOutputs) {
  const auto fmu = TestFmu("feedthrough").open();
  const PortLayout& ports = fmu->ports();
  std::vector<std::string> inputs;
  for (const Port& port : ports.inputs)
    inputs.push_back(port.name);
  EXPECT_EQ(inputs, (std::vector<std::string>{"real_in", "int_in", "enum_in", "bool_in"}));
  std::vector<std::string> outputs;
  for (const Port& port : ports.outputs)
    outputs.push_back(port.name);
  // The String output text_out has no port.
  EXPECT_EQ(outputs, (std::vector<std::string>{"real_out", "int_out", "enum_out", "label_length",
                                               "bool_out"}));
  EXPECT_EQ(ports.inputs[0].unit, "kg");
  EXPECT_EQ(ports.inputs[0].variability, Variability::continuous);
  EXPECT_EQ(ports.inputs[2].type, VariableType::enumeration);
  EXPECT_EQ(ports.inputs[2].start, 1.0);
}

TEST(Loading, FlattensFmi3ArraysIntoPorts) {
  const auto fmu = TestFmu("feedthrough3").open();
  const PortLayout& ports = fmu->ports();
  const std::size_t vec = testing::port_index(ports.inputs, "vec_in[1]");
  EXPECT_EQ(ports.inputs[vec + 1].name, "vec_in[2]");
  EXPECT_EQ(ports.inputs[vec + 2].name, "vec_in[3]");
  EXPECT_EQ(ports.inputs[vec + 2].element, 2u);
  const std::size_t matrix = testing::port_index(ports.outputs, "matrix_out[1,1]");
  EXPECT_EQ(ports.outputs[matrix + 1].name, "matrix_out[1,2]");
  EXPECT_EQ(ports.outputs[matrix + 2].name, "matrix_out[2,1]");
  EXPECT_EQ(ports.outputs[matrix + 3].name, "matrix_out[2,2]");
  EXPECT_EQ(ports.inputs.size(), 15u);   // 12 scalars and 3 elements
  EXPECT_EQ(ports.outputs.size(), 22u);  // 15 scalars, 3 + 4 elements
}

TEST(Loading, FindsDirectFeedthroughInTheModelStructure) {
  const auto stair = TestFmu("stair").open();  // y depends on the input offset
  EXPECT_EQ(direct_feedthrough(stair->description(), stair->ports()), std::vector<bool>{true});
  const auto pt1 = TestFmu("pt1").open();  // y lists no dependencies
  EXPECT_EQ(direct_feedthrough(pt1->description(), pt1->ports()), std::vector<bool>{false});
  const auto feedthrough = TestFmu("feedthrough3").open();  // most outputs list none: all
  const std::vector<bool> all =
      direct_feedthrough(feedthrough->description(), feedthrough->ports());
  EXPECT_EQ(all, std::vector<bool>(feedthrough->ports().inputs.size(), true));
}

TEST(Loading, RefusesAMissingExportedFunction) {
  const TestFmu broken("missing_function");
  EXPECT_ERROR_CONTAINING(broken.open(),
                          "the FMU's binary binaries/linux64/missing_function.so does not export "
                          "fmi2DoStep (needed for CoSimulation)");
}

TEST(Loading, RefusesMalformedXml) {
  const TestFmu broken("bad_xml");
  EXPECT_ERROR_CONTAINING(broken.open(), "modelDescription.xml line 22: the XML is malformed");
}

TEST(Loading, RefusesAnFmuWithoutModelDescription) {
  const BrokenCopy copy("pt1");
  fs::remove(copy.path() / "modelDescription.xml");
  EXPECT_ERROR_CONTAINING(Fmu::open(copy.path()), "the FMU has no modelDescription.xml");
}

TEST(Loading, RefusesAnFmuWithoutBinaryForThisPlatform) {
  const BrokenCopy copy("pt1");
  fs::rename(copy.path() / "binaries/linux64", copy.path() / "binaries/win64");
  EXPECT_ERROR_CONTAINING(Fmu::open(copy.path()),
                          "the FMU has no binary for this platform: binaries/linux64/pt1.so is "
                          "missing (<CoSimulation> modelIdentifier=\"pt1\")");
  const BrokenCopy copy3("feedthrough3");
  fs::rename(copy3.path() / "binaries/x86_64-linux", copy3.path() / "binaries/linux64");
  EXPECT_ERROR_CONTAINING(Fmu::open(copy3.path()),
                          "binaries/x86_64-linux/feedthrough3.so is missing");
}

TEST(Loading, RefusesABinaryThatDoesNotLoad) {
  const BrokenCopy copy("pt1");
  std::ofstream(copy.path() / "binaries/linux64/pt1.so", std::ios::trunc) << "not a library";
  EXPECT_ERROR_CONTAINING(Fmu::open(copy.path()), "binaries/linux64/pt1.so cannot be loaded");
}

TEST(Loading, RefusesAnInterfaceTheFmuLacks) {
  const auto fmu = TestFmu("pt1").open();
  DriverOptions options;
  options.interface = Interface::model_exchange;
  EXPECT_ERROR_CONTAINING(make_driver(fmu, options), "does not support ModelExchange");
}

TEST(Loading, ReportsAFailedInstantiationWithTheFmusMessage) {
  const BrokenCopy copy("pt1");
  replace_in_file(copy.path() / "modelDescription.xml", "{3b8f6a1c", "{00000000");
  const auto fmu = Fmu::open(copy.path());
  EXPECT_ERROR_CONTAINING(make_driver(fmu),
                          "fmi2Instantiate returned Error at t = 0 (the FMU logged: the GUID "
                          "does not match this binary)");
}

TEST(Loading, RefusesASecondInstanceOfAnFmuThatAllowsOnlyOne) {
  const BrokenCopy copy("pt1");
  replace_in_file(copy.path() / "modelDescription.xml", "canGetAndSetFMUstate=\"false\"",
                  "canBeInstantiatedOnlyOncePerProcess=\"true\"");
  const auto fmu = Fmu::open(copy.path());
  {
    const auto first = make_driver(fmu);
    EXPECT_ERROR_CONTAINING(make_driver(fmu),
                            "the FMU \"PT1\" can be instantiated only once per process");
  }
  const auto again = make_driver(fmu);  // the first instance is gone
  again->initialize();
}

TEST(Loading, SharesOneFmuBetweenInstances) {
  const auto fmu = TestFmu("pt1").open();
  DriverOptions first;
  first.instance_name = "first";
  DriverOptions second;
  second.instance_name = "second";
  second.parameters = {{"K", 3.0}};
  auto a = make_driver(fmu, first);
  auto b = make_driver(fmu, second);
  a->initialize();
  b->initialize();
  const double one = 1.0;
  a->set_inputs(&one);
  b->set_inputs(&one);
  a->step(0, 10);
  b->step(0, 10);
  double ya = 0;
  double yb = 0;
  a->get_outputs(&ya);
  b->get_outputs(&yb);
  EXPECT_NEAR(ya, 1.0, 1e-4);
  EXPECT_NEAR(yb, 3.0, 1e-3);
}

}  // namespace
}  // namespace twinloop::fmi
