#pragma once

#include <functional>

namespace twinloop::http {

// Blocks until SIGINT or SIGTERM arrives and returns its number. on_armed runs once the
// signals are being caught, so a caller (a test) can raise one without racing the setup.
int wait_for_termination_signal(const std::function<void()>& on_armed = {});

}  // namespace twinloop::http
