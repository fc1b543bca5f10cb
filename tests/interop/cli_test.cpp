// `twinloop opcua ...` against the twinloop interop server: what a person debugging a PLC
// connection sees, and the exit codes for mistakes.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <memory>
#include <string>

#include "peer_process.hpp"

namespace twinloop::interop {
namespace {

struct Result {
  int exit_code = -1;
  std::string output;  // standard output and error together
};

Result twinloop(const std::string& arguments) {
  const std::string command = std::string(TWINLOOP_BINARY) + " " + arguments + " 2>&1";
  Result result;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe))
    result.output += buffer;
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

class OpcuaCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new PeerProcess(TWINLOOP_INTEROP_SERVER, {"--many", "20"}, interop_directory());
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static std::string url() { return server_->url(); }
  static PeerProcess* server_;
};
PeerProcess* OpcuaCli::server_ = nullptr;

bool has(const Result& result, const std::string& text) {
  return result.output.find(text) != std::string::npos;
}

TEST_F(OpcuaCli, ListsEndpointsAndLogins) {
  const auto result = twinloop("opcua endpoints " + url());
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(has(result, url() + "  security None/None")) << result.output;
  EXPECT_TRUE(has(result, "login username (policy id username)")) << result.output;
}

TEST_F(OpcuaCli, BrowsesATree) {
  const auto result = twinloop("opcua browse " + url() + " --depth 2");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(has(result, "Server  i=2253  Object")) << result.output;
  EXPECT_TRUE(has(result, "  NamespaceArray  i=2255  Variable")) << result.output;
  EXPECT_TRUE(has(result, "  Counter  ns=2;s=Demo.Counter  Variable")) << result.output;
}

TEST_F(OpcuaCli, ReadsAndWritesScalarsAndArrays) {
  auto result = twinloop("opcua write " + url() + " 'ns=2;s=Demo.Double' 6.25");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(has(result, "<- 6.25: Good")) << result.output;
  result = twinloop("opcua write " + url() + " 'ns=2;s=Demo.Int32Array' '[7, 8, 9]'");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  result = twinloop("opcua read " + url() + " 'ns=2;s=Demo.Double' 'ns=2;s=Demo.Int32Array'");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(has(result, "ns=2;s=Demo.Double = 6.25 (Double)")) << result.output;
  EXPECT_TRUE(has(result, "ns=2;s=Demo.Int32Array = [7, 8, 9] (Int32)")) << result.output;
}

TEST_F(OpcuaCli, SubscribesUntilItHasEnough) {
  const auto result =
      twinloop("opcua subscribe " + url() + " 'ns=2;s=Demo.Counter' --count 3 --interval 20");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  int lines = 0;
  for (std::size_t at = 0;
       (at = result.output.find("ns=2;s=Demo.Counter = ", at)) != std::string::npos; ++at) {
    ++lines;
  }
  EXPECT_GE(lines, 3) << result.output;
}

TEST_F(OpcuaCli, NamesTheArgumentThatIsWrong) {
  auto result = twinloop("opcua read " + url() + " 'not a node'");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(has(result, "NODE 'not a node' is not a NodeId")) << result.output;
  result = twinloop("opcua write " + url() + " 'ns=2;s=Demo.Int16' 70000");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(has(result, "VALUE '70000' is not a Int16")) << result.output;
  result = twinloop("opcua write " + url() + " 'ns=2;s=Demo.String' x --type Text");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(has(result, "--type 'Text'")) << result.output;
  result = twinloop("opcua read");
  EXPECT_EQ(result.exit_code, 2) << result.output;
}

TEST_F(OpcuaCli, ReportsServerSideFailuresWithTheirStatusNames) {
  auto result = twinloop("opcua read " + url() + " 'ns=2;s=Missing'");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(has(result, "ns=2;s=Missing = BadNodeIdUnknown")) << result.output;
  result = twinloop("opcua write " + url() + " 'ns=2;s=Demo.ReadOnly' 1");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(has(result, "BadNotWritable")) << result.output;
  result = twinloop("opcua read " + url() + " i=2258 --user operator --password wrong");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(has(result, "BadUserAccessDenied")) << result.output;
  result = twinloop("opcua read " + url() + " i=2259 --user operator --password secret");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  result = twinloop("opcua read opc.tcp://127.0.0.1:1 i=2258 --timeout 500");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(has(result, "BadNotConnected")) << result.output;
}

}  // namespace
}  // namespace twinloop::interop
