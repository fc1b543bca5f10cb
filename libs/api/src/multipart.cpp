#include "multipart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "twinloop/core/error.hpp"

namespace twinloop::api {

namespace {

std::string lowercase(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

// The value of parameter `name` among "; name=value" pairs after a header's first token, with
// the quotes of a quoted value removed.
std::optional<std::string> header_parameter(std::string_view header, std::string_view name) {
  std::size_t position = header.find(';');
  while (position != std::string_view::npos) {
    std::size_t start = position + 1;
    while (start < header.size() && (header[start] == ' ' || header[start] == '\t'))
      ++start;
    const std::size_t equals = header.find('=', start);
    if (equals == std::string_view::npos) return std::nullopt;
    const std::string key = lowercase(trimmed(header.substr(start, equals - start)));
    std::string value;
    std::size_t end = equals + 1;
    if (end < header.size() && header[end] == '"') {
      // Browsers send file names as they are, backslashes included, and a quote as %22
      // (HTML's form encoding), so a backslash escapes nothing here.
      for (++end; end < header.size() && header[end] != '"'; ++end)
        value += header[end];
      if (end < header.size()) ++end;
      position = header.find(';', end);
    } else {
      position = header.find(';', end);
      value = std::string(trimmed(header.substr(
          end, position == std::string_view::npos ? std::string_view::npos : position - end)));
    }
    if (key == name) return value;
  }
  return std::nullopt;
}

[[noreturn]] void malformed(std::string why) {
  core::throw_bad_request(fmt::format("the multipart/form-data body is malformed: {}", why));
}

}  // namespace

std::optional<std::string> multipart_boundary(std::string_view content_type) {
  const std::string media_type = lowercase(trimmed(content_type.substr(0, content_type.find(';'))));
  if (media_type != "multipart/form-data") return std::nullopt;
  auto boundary = header_parameter(content_type, "boundary");
  // RFC 2046: 1 to 70 characters.
  if (!boundary || boundary->empty() || boundary->size() > 70) {
    core::throw_bad_request(
        "a multipart/form-data body needs a boundary parameter of 1 to 70 characters in its "
        "Content-Type");
  }
  return boundary;
}

FilePart single_file_part(std::string_view body, std::string_view boundary) {
  const std::string delimiter = "--" + std::string(boundary);
  std::size_t position = body.find(delimiter);
  if (position == std::string_view::npos) malformed("it has no part");
  std::optional<FilePart> file;
  while (true) {
    position += delimiter.size();
    if (body.substr(position, 2) == "--") break;  // the closing delimiter
    if (body.substr(position, 2) != "\r\n") malformed("a delimiter is not followed by CRLF");
    position += 2;
    const std::size_t headers_end = body.find("\r\n\r\n", position);
    if (headers_end == std::string_view::npos) malformed("a part's headers do not end");
    const std::string_view headers = body.substr(position, headers_end - position + 2);
    const std::size_t content_start = headers_end + 4;
    const std::size_t next = body.find("\r\n" + delimiter, content_start);
    if (next == std::string_view::npos) malformed("the last part is not closed by the boundary");
    std::optional<std::string> file_name;
    for (std::size_t line_start = 0; line_start < headers.size();) {
      const std::size_t line_end = headers.find("\r\n", line_start);
      const std::string_view line = headers.substr(line_start, line_end - line_start);
      line_start = line_end + 2;
      const std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      if (lowercase(trimmed(line.substr(0, colon))) != "content-disposition") continue;
      file_name = header_parameter(line.substr(colon + 1), "filename");
    }
    if (file_name) {
      if (file) {
        core::throw_bad_request(
            "the multipart/form-data body has more than one file part; upload one FMU per "
            "request");
      }
      file = FilePart{*file_name, body.substr(content_start, next - content_start)};
    }
    position = next + 2;
  }
  if (!file) {
    core::throw_bad_request(
        "the multipart/form-data body has no file part (a part whose Content-Disposition names "
        "a filename)");
  }
  return *file;
}

}  // namespace twinloop::api
