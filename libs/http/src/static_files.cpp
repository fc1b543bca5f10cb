#include "static_files.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>

#include "problem.hpp"

namespace twinloop::http {
namespace {

constexpr std::string_view kRoute = "static";

struct ExtensionType {
  std::string_view extension;
  std::string_view content_type;
};

constexpr std::array kContentTypes = {
    ExtensionType{".html", "text/html; charset=utf-8"},
    ExtensionType{".js", "text/javascript; charset=utf-8"},
    ExtensionType{".mjs", "text/javascript; charset=utf-8"},
    ExtensionType{".css", "text/css; charset=utf-8"},
    ExtensionType{".json", "application/json"},
    ExtensionType{".map", "application/json"},
    ExtensionType{".png", "image/png"},
    ExtensionType{".svg", "image/svg+xml"},
    ExtensionType{".ico", "image/x-icon"},
    ExtensionType{".woff", "font/woff"},
    ExtensionType{".woff2", "font/woff2"},
    ExtensionType{".txt", "text/plain; charset=utf-8"},
};

int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool starts_with_segment(std::string_view path, std::string_view prefix) {
  return path == prefix || (path.starts_with(prefix) && path[prefix.size()] == '/');
}

bool is_handler_path(std::string_view path) {
  return starts_with_segment(path, "/api") || path == "/healthz" || path == "/metrics";
}

// A path the web app routes itself (/projects/3): no file extension in its last segment and
// no trailing slash, so a missing script or stylesheet still ends in a 404.
bool is_client_route(std::string_view path) {
  if (path.ends_with('/')) return false;
  const std::string_view last_segment = path.substr(path.rfind('/') + 1);
  return last_segment.find('.') == std::string_view::npos;
}

bool leaves_root(std::string_view path) {
  if (path.find('\0') != std::string_view::npos) return true;
  std::size_t begin = 0;
  while (begin <= path.size()) {
    const std::size_t end = std::min(path.find('/', begin), path.size());
    if (path.substr(begin, end - begin) == "..") return true;
    begin = end + 1;
  }
  return false;
}

std::optional<std::string> read_file(const std::filesystem::path& file) {
  std::ifstream stream(file, std::ios::binary);
  if (!stream) return std::nullopt;
  std::string content{std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
  if (stream.bad()) return std::nullopt;
  return content;
}

}  // namespace

StaticFiles::StaticFiles(std::filesystem::path root) : root_(std::move(root)) {}

std::optional<api::Response> StaticFiles::serve(std::string_view method,
                                                std::string_view target) const {
  if (method != "GET" && method != "HEAD") return std::nullopt;
  const std::size_t query_start = target.find('?');
  const std::string_view raw_path = target.substr(0, query_start);
  const std::string_view query =
      query_start == std::string_view::npos ? std::string_view() : target.substr(query_start);
  if (!raw_path.starts_with('/') || is_handler_path(raw_path)) return std::nullopt;

  const std::optional<std::string> path = percent_decode(raw_path);
  if (!path || leaves_root(*path)) {
    api::Response refused = make_problem(404, "Not Found", "No such file.", raw_path);
    refused.route = kRoute;
    return refused;
  }
  if (is_handler_path(*path)) return std::nullopt;

  // Concatenated, not joined with operator/, which would let "//etc/passwd" replace the root.
  std::filesystem::path file = root_;
  file += *path;
  std::error_code error;
  if (!path->ends_with('/') && std::filesystem::is_directory(file, error)) {
    // One leading slash only: "//name/" would send the browser to the host "name".
    const std::string_view relative = raw_path.substr(raw_path.find_first_not_of('/'));
    api::Response redirect;
    redirect.status = 301;
    redirect.headers.emplace_back("Location", fmt::format("/{}/{}", relative, query));
    redirect.route = kRoute;
    return redirect;
  }
  if (path->ends_with('/')) file += "index.html";
  if (!std::filesystem::is_regular_file(file, error)) {
    if (!is_client_route(*path)) return std::nullopt;
    file = root_ / "index.html";
    if (!std::filesystem::is_regular_file(file, error)) return std::nullopt;
  }
  std::optional<std::string> content = read_file(file);
  if (!content) return std::nullopt;

  api::Response response;
  response.content_type = content_type_for_extension(file.extension().native());
  response.body = std::move(*content);
  // index.html names the hashed asset files of the current build, so it must be revalidated;
  // a file under /assets/ has its content hash in its name, so it never changes.
  std::string_view cache_control = "public, max-age=3600";
  if (file.filename() == "index.html") {
    cache_control = "no-cache";
  } else if (path->starts_with("/assets/")) {
    cache_control = "public, max-age=31536000, immutable";
  }
  response.headers.emplace_back("Cache-Control", cache_control);
  response.route = kRoute;
  return response;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      decoded.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = hex_digit_value(text[i + 1]);
    const int low = hex_digit_value(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    decoded.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return decoded;
}

std::string_view content_type_for_extension(std::string_view extension) {
  std::string lower(extension);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const auto* match =
      std::find_if(kContentTypes.begin(), kContentTypes.end(),
                   [&](const ExtensionType& entry) { return entry.extension == lower; });
  return match == kContentTypes.end() ? "application/octet-stream" : match->content_type;
}

}  // namespace twinloop::http
