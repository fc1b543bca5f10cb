#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace twinloop::core {

// What went wrong, in the terms of the API's problem classes (RFC 9457).
enum class ErrorKind {
  bad_request,             // malformed input: bad JSON, a field of the wrong JSON type
  not_found,               // an id or route that does not exist
  method_not_allowed,      // a route that exists, asked with another method
  conflict,                // a duplicate name
  payload_too_large,       // a body over the configured limit
  unsupported_media_type,  // a body that is not JSON
  unprocessable,           // well-formed input that breaks a model rule
  internal,                // our fault
};

// One offending field of a request: named by a JSON pointer (RFC 6901) into the body ("" is
// the whole body), or by the name of a query parameter when `query_parameter` is set.
struct FieldProblem {
  std::string pointer;
  std::string detail;
  std::string query_parameter;
};

// The error type of every twinloop library: a kind, a sentence a person can act on, and
// for validation errors the fields at fault. `type_slug` refines the problem type when a
// client may want to tell it apart (e.g. "algebraic-loop").
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string detail, std::vector<FieldProblem> fields = {},
        std::string type_slug = {});

  ErrorKind kind() const noexcept { return kind_; }
  const std::vector<FieldProblem>& fields() const noexcept { return fields_; }
  const std::string& type_slug() const noexcept { return type_slug_; }

 private:
  ErrorKind kind_;
  std::vector<FieldProblem> fields_;
  std::string type_slug_;
};

[[noreturn]] void throw_bad_request(std::string detail, std::string pointer = {});
[[noreturn]] void throw_not_found(std::string detail);
[[noreturn]] void throw_conflict(std::string detail, std::string pointer = {});
[[noreturn]] void throw_unprocessable(std::string detail, std::string pointer = {},
                                      std::string type_slug = {});

// Escapes one reference token for use in a JSON pointer ("~" -> "~0", "/" -> "~1").
std::string json_pointer_token(std::string_view token);

}  // namespace twinloop::core
