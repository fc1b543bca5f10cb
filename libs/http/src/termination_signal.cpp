#include "termination_signal.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>

namespace twinloop::http {

int wait_for_termination_signal(const std::function<void()>& on_armed) {
  boost::asio::io_context io;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  int received = 0;
  signals.async_wait([&received](const boost::system::error_code& error, int signal_number) {
    if (!error) received = signal_number;
  });
  if (on_armed) on_armed();
  io.run();
  return received;
}

}  // namespace twinloop::http
