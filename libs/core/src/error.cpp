#include "twinloop/core/error.hpp"

#include <utility>

namespace twinloop::core {

Error::Error(ErrorKind kind, std::string detail, std::vector<FieldProblem> fields,
             std::string type_slug)
    : std::runtime_error(std::move(detail)),
      kind_(kind),
      fields_(std::move(fields)),
      type_slug_(std::move(type_slug)) {}

namespace {
std::vector<FieldProblem> field_list(const std::string& pointer, const std::string& detail) {
  if (pointer.empty()) return {};
  return {FieldProblem{pointer, detail, {}}};
}
}  // namespace

void throw_bad_request(std::string detail, std::string pointer) {
  auto fields = field_list(pointer, detail);
  throw Error(ErrorKind::bad_request, std::move(detail), std::move(fields));
}

void throw_not_found(std::string detail) {
  throw Error(ErrorKind::not_found, std::move(detail));
}

void throw_conflict(std::string detail, std::string pointer) {
  auto fields = field_list(pointer, detail);
  throw Error(ErrorKind::conflict, std::move(detail), std::move(fields));
}

void throw_unprocessable(std::string detail, std::string pointer, std::string type_slug) {
  auto fields = field_list(pointer, detail);
  throw Error(ErrorKind::unprocessable, std::move(detail), std::move(fields), std::move(type_slug));
}

std::string json_pointer_token(std::string_view token) {
  std::string escaped;
  escaped.reserve(token.size());
  for (char c : token) {
    if (c == '~') {
      escaped += "~0";
    } else if (c == '/') {
      escaped += "~1";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

}  // namespace twinloop::core
