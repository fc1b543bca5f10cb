#include "twinloop/core/json_text.hpp"

#include <gtest/gtest.h>

#include "twinloop/core/error.hpp"
#include "twinloop/core/model.hpp"

namespace twinloop::core {
namespace {

using nlohmann::json;

std::string written(const auto& write) {
  std::string out;
  JsonText text(out);
  write(text);
  return out;
}

TEST(JsonText, EscapesWhatJsonStringsCannotHold) {
  const std::string tricky = std::string("a\"b\\c\nd\te\x01 ü") + '\0';
  const auto text = written([&](JsonText& t) { t.string(tricky); });
  EXPECT_EQ(text, "\"a\\\"b\\\\c\\nd\\te\\u0001 ü\\u0000\"");
  EXPECT_EQ(json::parse(text).get<std::string>(), tricky);
}

TEST(JsonText, DoublesKeepAFractionAndRoundTrip) {
  EXPECT_EQ(written([](JsonText& t) { t.number(10.0); }), "10.0");
  EXPECT_EQ(written([](JsonText& t) { t.number(-0.5); }), "-0.5");
  EXPECT_EQ(written([](JsonText& t) { t.number(std::int64_t{-42}); }), "-42");
  for (double value : {0.1, 1.0 / 3.0, 1e-300, 6.02214076e23}) {
    const auto text = written([&](JsonText& t) { t.number(value); });
    EXPECT_EQ(json::parse(text).get<double>(), value) << text;
  }
}

TEST(JsonText, KeysPlaceTheirCommas) {
  const auto text = written([](JsonText& t) {
    t.raw("{").key("a", true).number(std::int64_t{1}).key("b").null().raw("}");
  });
  EXPECT_EQ(text, R"({"a":1,"b":null})");
}

TEST(EntityJson, ComponentMatchesTheApiShape) {
  Component component;
  component.id = 7;
  component.model_id = 3;
  component.name = "lag";
  component.type = "pt1";
  component.parameters = json{{"k", 2.0}, {"t", 0.5}};
  component.position = Position{1.0, 2.5};
  const auto parsed = json::parse(json_text(component));
  EXPECT_EQ(parsed["id"], 7);
  EXPECT_EQ(parsed["parameters"], (json{{"k", 2.0}, {"t", 0.5}}));
  EXPECT_EQ(parsed["position"], (json{{"x", 1.0}, {"y", 2.5}}));
  component.position.reset();
  EXPECT_TRUE(json::parse(json_text(component))["position"].is_null());
}

TEST(ParameterValues, StoredTextIsParsedOnlyWhenLookedAt) {
  const auto stored = ParameterValues::from_json_text(R"({"k":2.0})");
  EXPECT_EQ(stored.json_text(), R"({"k":2.0})");
  EXPECT_EQ(stored.values()["k"], 2.0);
  EXPECT_EQ(stored, (json{{"k", 2.0}}));
}

TEST(ParameterValues, TextThatIsNoObjectIsAnInternalError) {
  for (const char* text : {"{oops", "[1]"}) {
    const auto stored = ParameterValues::from_json_text(text);
    try {
      (void)stored.values();
      ADD_FAILURE() << text;
    } catch (const Error& error) {
      EXPECT_EQ(error.kind(), ErrorKind::internal);
    }
  }
}

TEST(ParameterValues, ValuesThatAreNoValidJsonTextAreUnprocessable) {
  const ParameterValues values(json{{"label", std::string("\xff\xfe")}});
  try {
    (void)values.json_text();
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::unprocessable);
    EXPECT_EQ(error.fields().at(0).pointer, "/parameters");
  }
}

}  // namespace
}  // namespace twinloop::core
