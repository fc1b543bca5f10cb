#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace twinloop::api {

// The one file part of a multipart/form-data body (RFC 7578): its file name and content, which
// views into the body.
struct FilePart {
  std::string file_name;
  std::string_view content;
};

// The boundary of a multipart/form-data Content-Type; nullopt when the media type is another.
// Throws core::Error (bad_request) for a multipart/form-data type without a usable boundary.
std::optional<std::string> multipart_boundary(std::string_view content_type);

// The file part of the body (the part whose Content-Disposition has a filename); other parts are
// skipped. Throws core::Error (bad_request) for a malformed body, no file part or more than one.
FilePart single_file_part(std::string_view body, std::string_view boundary);

}  // namespace twinloop::api
