#pragma once
// A node-opcua peer for tests and benchmarks: `node <script> <args>` in tests/interop with HOME
// in a fresh temporary directory, started on 127.0.0.1 with an ephemeral port (the script
// prints "PORT <n>"), stopped by its PID.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace twinloop::interop {

class PeerProcess {
 public:
  // Throws std::runtime_error when the peer does not come up within `timeout_seconds`.
  PeerProcess(const std::string& program, const std::vector<std::string>& arguments,
              const std::filesystem::path& directory, int timeout_seconds = 60);
  ~PeerProcess();
  PeerProcess(const PeerProcess&) = delete;
  PeerProcess& operator=(const PeerProcess&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const { return "opc.tcp://127.0.0.1:" + std::to_string(port_); }
  pid_t pid() const { return pid_; }
  void pause();   // SIGSTOP: the peer stalls
  void resume();  // SIGCONT
  // SIGTERM, then SIGKILL if it has not exited after a few seconds; returns the exit status.
  int stop();

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  int output_ = -1;
  std::thread drain_;
  std::filesystem::path home_;
};

// tests/interop, where the node scripts and node_modules are.
std::filesystem::path interop_directory();

}  // namespace twinloop::interop
