// The command line: version, --help, migrate, usage and runtime errors, environment.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "support/api_test.hpp"

namespace twinloop::itest {
namespace {

class Cli : public ::testing::Test {
 protected:
  CommandResult twinloop(const std::vector<std::string>& arguments,
                         const EnvironmentList& environment = {}) {
    return run_twinloop(arguments, temp_dir_.path(), environment);
  }
  std::string database() const { return (temp_dir_.path() / "cli.db").string(); }

  TempDir temp_dir_;
};

std::string to_lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// `migrate status` prints one line per migration with its state.
int pending_lines(const CommandResult& status) {
  std::istringstream stream(to_lower(status.standard_output));
  int count = 0;
  for (std::string line; std::getline(stream, line);) {
    if (line.find("pending") != std::string::npos) ++count;
  }
  return count;
}

TEST_F(Cli, VersionExitsZeroAndPrintsAVersion) {
  const auto result = twinloop({"version"});
  EXPECT_EQ(result.exit_code(), 0) << result.output();
  EXPECT_TRUE(std::any_of(result.standard_output.begin(), result.standard_output.end(),
                          [](unsigned char c) { return std::isdigit(c); }))
      << result.output();
}

class CliHelp : public Cli, public ::testing::WithParamInterface<std::vector<std::string>> {};

TEST_P(CliHelp, ExitsZeroWithUsage) {
  auto arguments = GetParam();
  arguments.emplace_back("--help");
  const auto result = twinloop(arguments);
  EXPECT_EQ(result.exit_code(), 0) << result.output();
  EXPECT_NE(to_lower(result.output()).find("usage"), std::string::npos) << result.output();
}

INSTANTIATE_TEST_SUITE_P(Commands, CliHelp,
                         ::testing::Values(std::vector<std::string>{},
                                           std::vector<std::string>{"serve"},
                                           std::vector<std::string>{"migrate"},
                                           std::vector<std::string>{"migrate", "up"},
                                           std::vector<std::string>{"migrate", "down"},
                                           std::vector<std::string>{"migrate", "status"},
                                           std::vector<std::string>{"run"},
                                           std::vector<std::string>{"version"}));

// A model document as GET /models/{id}/export writes it: step (at 0.1 s) -> lag (pt1, T 0.2 s).
const char* const lag_document = R"({
  "format": "twinloop.model", "format_version": 1,
  "model": {"name": "lag", "description": "", "step_size": 0.01},
  "components": [
    {"name": "u", "type": "step", "parameters": {"step_time": 0.1}, "position": null},
    {"name": "lag", "type": "pt1", "parameters": {"t": 0.2, "k": 1.0}, "position": null}
  ],
  "connections": [{"source": {"component": "u", "port": "y"},
                   "target": {"component": "lag", "port": "u"}}]
})";

class CliRun : public Cli {
 protected:
  std::string write(const std::string& name, const std::string& content) {
    const auto path = temp_dir_.path() / name;
    std::ofstream(path) << content;
    return path.string();
  }
};

TEST_F(CliRun, RunsAnExportedModelAndWritesItsRecordingAsCsv) {
  const auto model = write("lag.json", lag_document);
  const auto csv = (temp_dir_.path() / "out.csv").string();
  const auto result = twinloop({"run", model, "--end", "1", "--out", csv, "--record", "lag.y"});
  ASSERT_EQ(result.exit_code(), 0) << result.output();
  EXPECT_NE(result.standard_error.find("101 steps"), std::string::npos) << result.output();
  std::ifstream file(csv);
  std::string line;
  std::getline(file, line);
  EXPECT_EQ(line, "time,lag.y");
  int rows = 0;
  while (std::getline(file, line)) {
    const double time = std::stod(line.substr(0, line.find(',')));
    const double value = std::stod(line.substr(line.find(',') + 1));
    const double expected = time < 0.1 - 1e-9 ? 0.0 : 1.0 - std::exp(-(time - 0.1) / 0.2);
    EXPECT_NEAR(value, expected, 1e-9) << line;
    ++rows;
  }
  EXPECT_EQ(rows, 101);
}

TEST_F(CliRun, WritesEveryOutputToStandardOutputWithTheStepGiven) {
  const auto result =
      twinloop({"run", write("lag.json", lag_document), "--end", "0.5", "--dt", "0.1"});
  ASSERT_EQ(result.exit_code(), 0) << result.output();
  std::istringstream lines(result.standard_output);
  std::string header;
  std::getline(lines, header);
  EXPECT_EQ(header, "time,u.y,lag.y");
  EXPECT_EQ(std::count(result.standard_output.begin(), result.standard_output.end(), '\n'), 7);
}

TEST_F(CliRun, BadInputIsRefusedNamingWhatIsWrong) {
  struct Case {
    std::vector<std::string> arguments;
    int exit_code;
    std::string named;
  };
  const auto good = write("lag.json", lag_document);
  std::string no_step = lag_document;
  no_step.replace(no_step.find("0.01"), 4, "null");
  std::string unknown_type = lag_document;
  unknown_type.replace(unknown_type.find("\"pt1\""), 5, "\"pt9\"");
  const std::vector<Case> cases{
      {{"run", (temp_dir_.path() / "missing.json").string(), "--end", "1"}, 2, "missing.json"},
      {{"run", good}, 2, "--end"},
      {{"run", good, "--end", "-1"}, 2, "--end"},
      {{"run", good, "--end", "1", "--dt", "0"}, 2, "--dt"},
      {{"run", write("broken.json", "{\"format\": "), "--end", "1"}, 1, "not valid JSON"},
      {{"run", write("nostep.json", no_step), "--end", "1"}, 1, "--dt"},
      {{"run", write("unknown.json", unknown_type), "--end", "1"}, 1, "/components/1/type"},
      {{"run", good, "--end", "1", "--record", "lag.nope"}, 1, "lag.nope"},
      {{"run", good, "--end", "1", "--out", (temp_dir_.path() / "no/such/dir.csv").string()},
       1,
       "cannot write"},
  };
  for (const auto& bad : cases) {
    SCOPED_TRACE(fmt::format("twinloop {}", fmt::join(bad.arguments, " ")));
    const auto result = twinloop(bad.arguments);
    EXPECT_EQ(result.exit_code(), bad.exit_code) << result.output();
    EXPECT_NE(result.standard_error.find(bad.named), std::string::npos) << result.output();
  }
}

TEST_F(Cli, MigrateUpDownAndStatus) {
  const auto fresh = twinloop({"migrate", "status", "--db", database()});
  ASSERT_EQ(fresh.exit_code(), 0) << fresh.output();
  const int known_migrations = pending_lines(fresh);
  ASSERT_GE(known_migrations, 1) << "a fresh database shows no pending migration:\n"
                                 << fresh.output();

  const auto up = twinloop({"migrate", "up", "--db", database()});
  ASSERT_EQ(up.exit_code(), 0) << up.output();
  const auto applied = twinloop({"migrate", "status", "--db", database()});
  ASSERT_EQ(applied.exit_code(), 0) << applied.output();
  EXPECT_EQ(pending_lines(applied), 0) << applied.output();

  const auto down = twinloop({"migrate", "down", "1", "--db", database()});
  ASSERT_EQ(down.exit_code(), 0) << down.output();
  const auto one_rolled_back = twinloop({"migrate", "status", "--db", database()});
  ASSERT_EQ(one_rolled_back.exit_code(), 0) << one_rolled_back.output();
  EXPECT_EQ(pending_lines(one_rolled_back), 1) << one_rolled_back.output();

  const auto up_again = twinloop({"migrate", "up", "--db", database()});
  ASSERT_EQ(up_again.exit_code(), 0) << up_again.output();
  EXPECT_EQ(pending_lines(twinloop({"migrate", "status", "--db", database()})), 0);
}

TEST_F(Cli, MigratedDatabaseServesWithNoMigrate) {
  const auto up = twinloop({"migrate", "up", "--data-dir", temp_dir_.path().string()});
  ASSERT_EQ(up.exit_code(), 0) << up.output();
  ASSERT_TRUE(std::filesystem::exists(temp_dir_.path() / "twinloop.db"))
      << "migrate --data-dir did not create <data-dir>/twinloop.db";

  auto launch = ServerLaunch::in(temp_dir_.path());
  launch.extra_arguments = {"--no-migrate"};
  ServerProcess server(launch);
  const auto response = server.client().post("/api/v1/projects", {{"name", "migrated"}});
  EXPECT_TRUE(HasStatus(response, 201));
}

struct UsageError {
  std::vector<std::string> arguments;
  std::string named;  // what the message must name; empty: any message
};

void PrintTo(const UsageError& error, std::ostream* stream) {
  *stream << "twinloop " << fmt::format("{}", fmt::join(error.arguments, " "));
}

class CliUsageError : public Cli, public ::testing::WithParamInterface<UsageError> {};

TEST_P(CliUsageError, ExitsTwoNamingTheProblem) {
  const auto result = twinloop(GetParam().arguments);
  EXPECT_EQ(result.exit_code(), 2) << result.output();
  EXPECT_FALSE(result.standard_error.empty()) << "no message on standard error";
  EXPECT_NE(result.output().find(GetParam().named), std::string::npos)
      << "expected a message naming " << GetParam().named << ":\n"
      << result.output();
}

INSTANTIATE_TEST_SUITE_P(
    Arguments, CliUsageError,
    ::testing::Values(UsageError{{"migrate", "sideways"}, ""}, UsageError{{"frobnicate"}, ""},
                      UsageError{{"serve", "--no-such-option"}, "--no-such-option"},
                      UsageError{{"serve", "--port", "not-a-port"}, "--port"},
                      UsageError{{"serve", "--body-limit", "lots"}, "--body-limit"},
                      UsageError{{"migrate", "down", "many"}, "many"}));

TEST_F(Cli, PortInUseIsARuntimeErrorExitingOne) {
  ServerProcess first(ServerLaunch::in(temp_dir_.path()));
  TempDir second_dir;
  const auto second = run_twinloop(
      {"serve", "--host", "127.0.0.1", "--opcua-port", "0", "--port", std::to_string(first.port()),
       "--data-dir", second_dir.path().string(), "--log-level", "warn"},
      second_dir.path());
  EXPECT_EQ(second.exit_code(), 1) << second.output();
  EXPECT_FALSE(second.standard_error.empty());
}

TEST_F(Cli, DatabaseFromTheEnvironment) {
  const auto env_database = temp_dir_.path() / "from-env.db";
  auto launch = ServerLaunch::in(temp_dir_.path());
  launch.database.reset();
  launch.environment = {{"TWINLOOP_DB", env_database.string()}};
  {
    ServerProcess server(launch);
    ASSERT_TRUE(HasStatus(server.client().post("/api/v1/projects", {{"name", "env"}}), 201));
    EXPECT_EQ(server.stop().exit_code, 0);
  }
  EXPECT_TRUE(std::filesystem::exists(env_database));
  EXPECT_FALSE(std::filesystem::exists(temp_dir_.path() / "twinloop.db"))
      << "TWINLOOP_DB was ignored: the server used <data-dir>/twinloop.db";
}

TEST_F(Cli, OptionsFromTheEnvironment) {
  auto launch = ServerLaunch::in(temp_dir_.path());
  launch.environment = {{"TWINLOOP_CORS_ORIGIN", "http://env.test"},
                        {"TWINLOOP_BODY_LIMIT", "100"}};
  ServerProcess server(launch);
  const auto response =
      server.client().request("GET", "/api/v1/projects", {}, {}, {{"Origin", "http://env.test"}});
  EXPECT_EQ(response.header("access-control-allow-origin"), "http://env.test");
  const nlohmann::json large_project{{"name", "large"}, {"description", std::string(200, 'x')}};
  EXPECT_TRUE(IsProblem(server.client().post("/api/v1/projects", large_project), 413));
}

TEST_F(Cli, CommandLineBeatsTheEnvironment) {
  auto launch = ServerLaunch::in(temp_dir_.path());
  launch.environment = {{"TWINLOOP_BODY_LIMIT", "100"}};
  launch.extra_arguments = {"--body-limit", "100000"};
  ServerProcess server(launch);
  const nlohmann::json large_project{{"name", "large"}, {"description", std::string(200, 'x')}};
  EXPECT_TRUE(HasStatus(server.client().post("/api/v1/projects", large_project), 201));
}

}  // namespace
}  // namespace twinloop::itest
