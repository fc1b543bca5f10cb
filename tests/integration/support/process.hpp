#pragma once

#include <sys/types.h>

#include <csignal>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/http_client.hpp"

namespace twinloop::itest {

// The twinloop binary under test; the test executable defines it from its build tree.
std::filesystem::path twinloop_binary();

// Environment variables set for a child on top of this process's environment, from which
// every inherited TWINLOOP_* variable is removed so that only the test's settings count.
using EnvironmentList = std::vector<std::pair<std::string, std::string>>;

// How a child process ended.
struct ExitStatus {
  int exit_code = -1;  // -1 when a signal ended it
  int signal = 0;      // the signal that ended it, 0 when it exited
  bool killed_after_grace_period = false;

  std::string describe() const;
};

struct CommandResult {
  ExitStatus status;
  std::string standard_output;
  std::string standard_error;

  int exit_code() const { return status.exit_code; }
  // Both streams, for failure messages and for looking for text in either.
  std::string output() const { return standard_output + standard_error; }
};

// Runs `twinloop arguments...` to completion with its output captured in files under
// `work_dir`; kills it and throws when it runs longer than 30 s.
CommandResult run_twinloop(const std::vector<std::string>& arguments,
                           const std::filesystem::path& work_dir,
                           const EnvironmentList& environment = {});

// What `twinloop serve` is started with. `in(dir)` gives the standard set:
//   serve --host 127.0.0.1 --port 0 --opcua-port 0 --data-dir <dir> --db <dir>/twinloop.db
//         --port-file <dir>/port --log-level warn
struct ServerLaunch {
  std::filesystem::path work_dir;  // the port file and the server's output files
  std::filesystem::path data_dir;
  std::optional<std::filesystem::path> database;  // no --db option when empty
  std::vector<std::string> extra_arguments;
  EnvironmentList environment;

  static ServerLaunch in(const std::filesystem::path& dir);
  std::filesystem::path port_file() const { return work_dir / "port"; }
};

// A running `twinloop serve`. The constructor starts it and returns once it accepts
// connections on the port it wrote to its port file; it throws (with the server's standard
// error) when that does not happen within 10 s. The destructor stops a server still running.
class ServerProcess {
 public:
  explicit ServerProcess(const ServerLaunch& launch);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }
  HttpClient client() const { return HttpClient("127.0.0.1", port_); }

  // Sends `signal_number`, waits up to 10 s for the exit, then kills with SIGKILL (recorded
  // as a test failure). Returns how the server ended.
  ExitStatus stop(int signal_number = SIGTERM);

  // How the server ended if it has exited on its own (a crash, say); nullopt while it runs.
  std::optional<ExitStatus> exit_status_if_ended();

  std::string standard_error() const;

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::filesystem::path stdout_path_;
  std::filesystem::path stderr_path_;
};

std::string read_file(const std::filesystem::path& path);

}  // namespace twinloop::itest
