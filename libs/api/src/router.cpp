#include "router.hpp"

#include <charconv>

namespace twinloop::api {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 1;  // paths start with '/'
  while (start <= path.size()) {
    const auto end = path.find('/', start);
    const auto stop = end == std::string_view::npos ? path.size() : end;
    segments.push_back(path.substr(start, stop - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return segments;
}

bool is_positive_integer(std::string_view text) {
  if (text.empty() || text.size() > 18 || text[0] == '0') return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::int64_t Call::id() const {
  std::int64_t value = 0;
  const auto text = path_parameters.at(0);
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

std::optional<std::string> Call::query_parameter(std::string_view name) const {
  std::string_view rest = query;
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    const auto eq = pair.find('=');
    const auto key = percent_decode(pair.substr(0, eq), true);
    if (!key || *key != name) continue;
    if (eq == std::string_view::npos) return std::string{};
    if (auto value = percent_decode(pair.substr(eq + 1), true)) return value;
    return std::string(pair.substr(eq + 1));
  }
  return std::nullopt;
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      decoded += static_cast<char>(high * 16 + low);
      i += 2;
    } else if (plus_is_space && text[i] == '+') {
      decoded += ' ';
    } else {
      decoded += text[i];
    }
  }
  return decoded;
}

void Router::add(std::string_view method, std::string_view pattern, Handler handler) {
  for (auto& route : routes_) {
    if (route.pattern == pattern) {
      route.methods.emplace_back(std::string(method), std::move(handler));
      return;
    }
  }
  Route route;
  route.pattern = std::string(pattern);
  for (auto segment : split_path(pattern)) {
    const bool is_parameter = segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
    route.segments.push_back(Segment{std::string(segment), is_parameter, segment == "{id}"});
  }
  route.methods.emplace_back(std::string(method), std::move(handler));
  routes_.push_back(std::move(route));
}

std::optional<Router::Match> Router::match(std::string_view method, std::string_view path) const {
  if (path.empty() || path[0] != '/') return std::nullopt;
  const auto segments = split_path(path);
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    Match match;
    bool matches = true;
    for (std::size_t i = 0; i < segments.size() && matches; ++i) {
      const Segment& expected = route.segments[i];
      if (expected.is_id) {
        matches = is_positive_integer(segments[i]);
      } else if (expected.is_parameter) {
        matches = !segments[i].empty();
      } else {
        matches = expected.text == segments[i];
      }
      if (matches && expected.is_parameter) match.path_parameters.push_back(segments[i]);
    }
    if (!matches) continue;
    match.pattern = route.pattern;
    for (const auto& [route_method, handler] : route.methods) {
      if (!match.allowed_methods.empty()) match.allowed_methods += ", ";
      match.allowed_methods += route_method;
      if (route_method == method) match.handler = &handler;
    }
    return match;
  }
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> Router::routes() const {
  std::vector<std::pair<std::string, std::string>> all;
  for (const auto& route : routes_) {
    for (const auto& entry : route.methods)
      all.emplace_back(entry.first, route.pattern);
  }
  return all;
}

}  // namespace twinloop::api
