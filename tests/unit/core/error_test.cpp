#include "twinloop/core/error.hpp"

#include <gtest/gtest.h>

namespace twinloop::core {
namespace {

TEST(JsonPointerToken, EscapesTildeAndSlash) {
  EXPECT_EQ(json_pointer_token("a/b~c"), "a~1b~0c");
  EXPECT_EQ(json_pointer_token("plain"), "plain");
}

TEST(Error, CarriesKindFieldAndSlug) {
  try {
    throw_unprocessable("bad value", "/parameters/k", "special");
    FAIL() << "throw_unprocessable returned";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::unprocessable);
    EXPECT_STREQ(error.what(), "bad value");
    ASSERT_EQ(error.fields().size(), 1u);
    EXPECT_EQ(error.fields()[0].pointer, "/parameters/k");
    EXPECT_EQ(error.type_slug(), "special");
  }
}

TEST(Error, WithoutPointerHasNoFields) {
  try {
    throw_conflict("duplicate");
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::conflict);
    EXPECT_TRUE(error.fields().empty());
  }
}

}  // namespace
}  // namespace twinloop::core
