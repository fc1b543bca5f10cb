#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "twinloop/api/http_message.hpp"

namespace twinloop::http::testing {

struct Observation {
  std::string route;
  std::string method;
  int status = 0;
  std::chrono::nanoseconds latency{};
};

// Records what the server hands over and answers with `respond`, by default a 200 echo of
// the request body in text/plain with route "/echo".
class FakeHandler : public api::RequestHandler {
 public:
  std::function<api::Response(const api::Request&)> respond;

  api::Response handle(const api::Request& request) override {
    {
      const std::lock_guard lock(mutex_);
      requests_.push_back(request);
    }
    if (respond) return respond(request);
    api::Response response;
    response.content_type = "text/plain";
    response.body = request.body;
    response.route = "/echo";
    return response;
  }

  // Tests of per-route body limits give `limit_for`; without it every route has the server's.
  std::function<std::size_t(std::string_view method, std::string_view target)> limit_for;

  std::size_t body_limit(std::string_view method, std::string_view target) const override {
    return limit_for ? limit_for(method, target) : 0;
  }

  // Tests of streams give `open`; without it every upgrade is refused with 404.
  std::function<api::StreamOpening(const api::Request&)> open;

  api::StreamOpening open_stream(const api::Request& request) override {
    {
      const std::lock_guard lock(mutex_);
      requests_.push_back(request);
    }
    if (open) return open(request);
    api::StreamOpening refusal;
    refusal.refusal.status = 404;
    return refusal;
  }

  void observe(std::string_view route, std::string_view method, int status,
               std::chrono::nanoseconds latency) override {
    const std::lock_guard lock(mutex_);
    observations_.push_back(Observation{std::string(route), std::string(method), status, latency});
    observed_.notify_all();
  }

  std::vector<api::Request> requests() const {
    const std::lock_guard lock(mutex_);
    return requests_;
  }

  // observe() runs after the response is written, so possibly after the client has read it.
  std::vector<Observation> wait_for_observations(std::size_t count) {
    std::unique_lock lock(mutex_);
    observed_.wait_for(lock, std::chrono::seconds(10),
                       [&] { return observations_.size() >= count; });
    return observations_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable observed_;
  std::vector<api::Request> requests_;
  std::vector<Observation> observations_;
};

}  // namespace twinloop::http::testing
