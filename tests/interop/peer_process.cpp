#include "peer_process.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <regex>
#include <stdexcept>

namespace twinloop::interop {

std::filesystem::path interop_directory() {
  return TWINLOOP_INTEROP_DIR;
}

PeerProcess::PeerProcess(const std::string& program, const std::vector<std::string>& arguments,
                         const std::filesystem::path& directory, int timeout_seconds) {
  std::string home_template =
      (std::filesystem::temp_directory_path() / "twinloop-peer-XXXXXX").string();
  if (!mkdtemp(home_template.data())) throw std::runtime_error("mkdtemp failed");
  home_ = home_template;

  int pipe_ends[2];
  if (pipe(pipe_ends) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(pipe_ends[1], STDOUT_FILENO);
    close(pipe_ends[0]);
    close(pipe_ends[1]);
    if (chdir(directory.c_str()) != 0) _exit(126);
    setenv("HOME", home_.c_str(), 1);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(program.c_str()));
    for (const auto& argument : arguments)
      argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    execvp(program.c_str(), argv.data());
    _exit(127);
  }
  close(pipe_ends[1]);
  output_ = pipe_ends[0];

  std::string seen;
  const std::regex port_line("PORT (\\d+)");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  std::smatch match;
  while (!std::regex_search(seen, match, port_line)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd readable{output_, POLLIN, 0};
    if (left.count() <= 0 || poll(&readable, 1, static_cast<int>(left.count())) <= 0) {
      stop();
      throw std::runtime_error(program + " printed no port in time");
    }
    char buffer[256];
    const ssize_t count = read(output_, buffer, sizeof buffer);
    if (count <= 0) {
      stop();
      throw std::runtime_error(program + " exited before it listened");
    }
    seen.append(buffer, static_cast<std::size_t>(count));
  }
  port_ = static_cast<std::uint16_t>(std::stoi(match[1].str()));
  // Keep reading what the peer prints so it never blocks on a full pipe.
  drain_ = std::thread([fd = output_] {
    char buffer[4096];
    while (read(fd, buffer, sizeof buffer) > 0) {
    }
  });
}

PeerProcess::~PeerProcess() {
  stop();
}

void PeerProcess::pause() {
  kill(pid_, SIGSTOP);
}
void PeerProcess::resume() {
  kill(pid_, SIGCONT);
}

int PeerProcess::stop() {
  int status = 0;
  if (pid_ > 0) {
    kill(pid_, SIGCONT);
    kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    pid_ = -1;
  }
  if (drain_.joinable()) drain_.join();
  if (output_ >= 0) {
    close(output_);
    output_ = -1;
  }
  if (!home_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(home_, ignored);
    home_.clear();
  }
  return status;
}

}  // namespace twinloop::interop
