#include "multipart.hpp"

#include <gtest/gtest.h>

#include <string>

#include "twinloop/core/error.hpp"

namespace twinloop::api {
namespace {

// The message of the bad_request that parsing `body` throws, or "" when it does not.
std::string refusal(const std::string& body, const std::string& boundary = "b") {
  try {
    single_file_part(body, boundary);
  } catch (const core::Error& error) {
    EXPECT_EQ(error.kind(), core::ErrorKind::bad_request);
    return error.what();
  }
  return "";
}

TEST(Multipart, FindsTheBoundaryOfFormDataOnly) {
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(multipart_boundary("Multipart/Form-Data;charset=x; Boundary=\"a b;c\""), "a b;c");
  EXPECT_FALSE(multipart_boundary("application/octet-stream"));
  EXPECT_FALSE(multipart_boundary("multipart/mixed; boundary=abc"));
  EXPECT_THROW(multipart_boundary("multipart/form-data"), core::Error);
  EXPECT_THROW(multipart_boundary("multipart/form-data; boundary=\"\""), core::Error);
  EXPECT_THROW(multipart_boundary("multipart/form-data; boundary=" + std::string(71, 'x')),
               core::Error);
}

TEST(Multipart, TakesTheFilePartWithItsBytesAndName) {
  static constexpr char kBytes[] = "PK\x03\x04\r\n--not the boundary\0end";
  const std::string content(kBytes, sizeof kBytes - 1);  // with the NUL inside
  const std::string body =
      "preamble\r\n--b\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--b\r\n"
      "content-disposition: form-data; name=\"file\"; filename=\"dir\\plant.fmu\"\r\n"
      "Content-Type: application/octet-stream\r\n\r\n" +
      content + "\r\n--b--\r\n";
  const FilePart part = single_file_part(body, "b");
  EXPECT_EQ(part.file_name, "dir\\plant.fmu") << "backslashes are the file's, not escapes";
  EXPECT_EQ(part.content, content);
}

TEST(Multipart, RefusesBodiesWithoutExactlyOneWellFormedFilePart) {
  EXPECT_NE(refusal("no delimiter at all").find("it has no part"), std::string::npos);
  EXPECT_NE(refusal("--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--b--")
                .find("no file part"),
            std::string::npos);
  const std::string file =
      "Content-Disposition: form-data; name=\"f\"; filename=\"a.fmu\"\r\n\r\nA";
  EXPECT_NE(refusal("--b\r\n" + file + "\r\n--b\r\n" + file + "\r\n--b--").find("more than one"),
            std::string::npos);
  EXPECT_NE(refusal("--b\r\n" + file).find("not closed"), std::string::npos);
  EXPECT_NE(refusal("--b\r\nContent-Disposition: form-data").find("headers do not end"),
            std::string::npos);
  EXPECT_NE(refusal("--bX").find("not followed by CRLF"), std::string::npos);
}

}  // namespace
}  // namespace twinloop::api
