#include "support/process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace twinloop::itest {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto poll_interval = std::chrono::milliseconds(10);
constexpr auto startup_timeout = std::chrono::seconds(10);
constexpr auto shutdown_grace_period = std::chrono::seconds(10);
constexpr auto command_timeout = std::chrono::seconds(30);

std::atomic<int> output_file_counter{0};

// Output files of one child, unique within the work directory.
std::pair<std::filesystem::path, std::filesystem::path> output_paths(
    const std::filesystem::path& work_dir, std::string_view prefix) {
  const int number = ++output_file_counter;
  return {work_dir / fmt::format("{}-{}.stdout", prefix, number),
          work_dir / fmt::format("{}-{}.stderr", prefix, number)};
}

std::vector<std::string> child_environment(const EnvironmentList& overrides) {
  std::vector<std::string> entries;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    if (!text.starts_with("TWINLOOP_")) entries.emplace_back(text);
  }
  for (const auto& [name, value] : overrides)
    entries.push_back(name + "=" + value);
  return entries;
}

std::vector<char*> null_terminated(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (auto& text : strings)
    pointers.push_back(text.data());
  pointers.push_back(nullptr);
  return pointers;
}

// Starts the binary with standard input from /dev/null and its output in the given files.
// The child is killed if this test process dies, so no server outlives a crashed test.
pid_t spawn(const std::vector<std::string>& arguments, const EnvironmentList& environment,
            const std::filesystem::path& stdout_path, const std::filesystem::path& stderr_path) {
  std::vector<std::string> argv_strings{twinloop_binary().string()};
  argv_strings.insert(argv_strings.end(), arguments.begin(), arguments.end());
  std::vector<std::string> env_strings = child_environment(environment);
  auto argv = null_terminated(argv_strings);
  auto envp = null_terminated(env_strings);
  const std::string stdout_name = stdout_path.string();
  const std::string stderr_name = stderr_path.string();
  const pid_t parent = getpid();

  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(fmt::format("fork failed: {}", std::strerror(errno)));
  if (pid == 0) {
    // Only async-signal-safe calls from here on.
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) _exit(127);
    const int input = open("/dev/null", O_RDONLY | O_CLOEXEC);
    const int output = open(stdout_name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const int error = open(stderr_name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (input < 0 || output < 0 || error < 0) _exit(127);
    if (dup2(input, STDIN_FILENO) < 0 || dup2(output, STDOUT_FILENO) < 0 ||
        dup2(error, STDERR_FILENO) < 0) {
      _exit(127);
    }
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  return pid;
}

ExitStatus to_exit_status(int wait_status) {
  ExitStatus status;
  if (WIFEXITED(wait_status)) status.exit_code = WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) status.signal = WTERMSIG(wait_status);
  return status;
}

// Waits up to `timeout` for the child to end; nullopt when it is still running.
std::optional<ExitStatus> wait_for_exit(pid_t pid, Clock::duration timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    int wait_status = 0;
    const pid_t result = waitpid(pid, &wait_status, WNOHANG);
    if (result == pid) return to_exit_status(wait_status);
    if (result < 0 && errno != EINTR) {
      throw std::runtime_error(fmt::format("waitpid({}) failed: {}", pid, std::strerror(errno)));
    }
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(poll_interval);
  }
}

ExitStatus kill_and_reap(pid_t pid) {
  kill(pid, SIGKILL);
  int wait_status = 0;
  while (waitpid(pid, &wait_status, 0) < 0 && errno == EINTR) {
  }
  auto status = to_exit_status(wait_status);
  status.killed_after_grace_period = true;
  return status;
}

std::optional<std::uint16_t> parse_port(const std::string& text) {
  const auto end = text.find_last_not_of(" \t\r\n");
  if (end == std::string::npos) return std::nullopt;
  unsigned value = 0;
  const char* last = text.data() + end + 1;
  const auto [stop, error] = std::from_chars(text.data(), last, value);
  if (error != std::errc{} || stop != last || value == 0 || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

// A port file may be read while it is half written; a port that accepts a connection is
// the one the server listens on.
bool accepts_connections(std::uint16_t port) {
  const int socket_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (socket_fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool connected =
      connect(socket_fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
  close(socket_fd);
  return connected;
}

}  // namespace

std::string ExitStatus::describe() const {
  std::string text = signal != 0 ? fmt::format("ended by signal {} ({})", signal, strsignal(signal))
                                 : fmt::format("exited with code {}", exit_code);
  if (killed_after_grace_period) text += ", killed after not stopping within 10 s of a signal";
  return text;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream stream(path, std::ios::binary);
  std::ostringstream contents;
  contents << stream.rdbuf();
  return contents.str();
}

CommandResult run_twinloop(const std::vector<std::string>& arguments,
                           const std::filesystem::path& work_dir,
                           const EnvironmentList& environment) {
  const auto [stdout_path, stderr_path] = output_paths(work_dir, "command");
  const pid_t pid = spawn(arguments, environment, stdout_path, stderr_path);
  auto status = wait_for_exit(pid, command_timeout);
  if (!status) {
    kill_and_reap(pid);
    throw std::runtime_error(
        fmt::format("twinloop {} did not finish within 30 s", fmt::join(arguments, " ")));
  }
  return {*status, read_file(stdout_path), read_file(stderr_path)};
}

ServerLaunch ServerLaunch::in(const std::filesystem::path& dir) {
  return {.work_dir = dir,
          .data_dir = dir,
          .database = dir / "twinloop.db",
          .extra_arguments = {},
          .environment = {}};
}

ServerProcess::ServerProcess(const ServerLaunch& launch) {
  std::vector<std::string> arguments{"serve", "--host",       "127.0.0.1", "--port",
                                     "0",     "--opcua-port", "0"};
  arguments.insert(arguments.end(), {"--data-dir", launch.data_dir.string(), "--port-file",
                                     launch.port_file().string(), "--log-level", "warn"});
  if (launch.database) {
    arguments.insert(arguments.end(), {"--db", launch.database->string()});
  }
  arguments.insert(arguments.end(), launch.extra_arguments.begin(), launch.extra_arguments.end());

  std::filesystem::remove(launch.port_file());
  std::tie(stdout_path_, stderr_path_) = output_paths(launch.work_dir, "server");
  pid_ = spawn(arguments, launch.environment, stdout_path_, stderr_path_);

  const auto deadline = Clock::now() + startup_timeout;
  while (true) {
    if (const auto port = parse_port(read_file(launch.port_file()));
        port && accepts_connections(*port)) {
      port_ = *port;
      return;
    }
    if (const auto ended = wait_for_exit(pid_, Clock::duration::zero())) {
      pid_ = -1;
      throw std::runtime_error(
          fmt::format("twinloop {} {} before listening; its standard error:\n{}",
                      fmt::join(arguments, " "), ended->describe(), standard_error()));
    }
    if (Clock::now() >= deadline) {
      kill_and_reap(pid_);
      pid_ = -1;
      throw std::runtime_error(
          fmt::format("twinloop {} wrote no usable port file within 10 s; its standard error:\n{}",
                      fmt::join(arguments, " "), standard_error()));
    }
    std::this_thread::sleep_for(poll_interval);
  }
}

ServerProcess::~ServerProcess() {
  if (!running()) return;
  try {
    stop();
  } catch (const std::exception& error) {
    ADD_FAILURE() << "stopping twinloop serve (pid " << pid_ << ") failed: " << error.what();
  }
}

ExitStatus ServerProcess::stop(int signal_number) {
  if (!running()) throw std::logic_error("ServerProcess::stop: the server is not running");
  kill(pid_, signal_number);
  auto status = wait_for_exit(pid_, shutdown_grace_period);
  if (!status) {
    status = kill_and_reap(pid_);
    ADD_FAILURE() << "twinloop serve (pid " << pid_ << ") did not stop within 10 s of signal "
                  << signal_number << " and was killed; its standard error:\n"
                  << standard_error();
  }
  pid_ = -1;
  return *status;
}

std::optional<ExitStatus> ServerProcess::exit_status_if_ended() {
  if (!running()) return std::nullopt;
  auto status = wait_for_exit(pid_, Clock::duration::zero());
  if (status) pid_ = -1;
  return status;
}

std::string ServerProcess::standard_error() const {
  return read_file(stderr_path_);
}

}  // namespace twinloop::itest
