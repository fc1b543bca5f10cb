// limit and offset on list endpoints.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <ostream>
#include <string>
#include <vector>

#include "support/api_test.hpp"

namespace twinloop::itest {
namespace {

class Pagination : public ApiTest {
 protected:
  // Seven projects; returns their ids in ascending order.
  std::vector<nlohmann::json> create_seven_projects() {
    std::vector<nlohmann::json> ids;
    for (int i = 1; i <= 7; ++i)
      ids.push_back(create_project(fmt::format("p{}", i)).at("id"));
    std::sort(ids.begin(), ids.end());
    return ids;
  }
};

std::vector<nlohmann::json> ids_of(const nlohmann::json& items) {
  std::vector<nlohmann::json> ids;
  for (const auto& item : items)
    ids.push_back(item.at("id"));
  return ids;
}

TEST_F(Pagination, LimitAndOffsetSelectAPageOrderedById) {
  const auto ids = create_seven_projects();
  const auto response = http().get("/api/v1/projects?limit=3&offset=3");
  ASSERT_TRUE(HasStatus(response, 200));
  const auto page = response.json();
  EXPECT_EQ(page.value("total", -1), 7);
  EXPECT_EQ(page.value("limit", -1), 3);
  EXPECT_EQ(page.value("offset", -1), 3);
  EXPECT_EQ(ids_of(page.at("items")),
            std::vector<nlohmann::json>(ids.begin() + 3, ids.begin() + 6));
}

TEST_F(Pagination, DefaultsAreLimit50FromOffset0) {
  const auto ids = create_seven_projects();
  const auto response = http().get("/api/v1/projects");
  ASSERT_TRUE(HasStatus(response, 200));
  const auto page = response.json();
  EXPECT_EQ(page.value("limit", -1), 50);
  EXPECT_EQ(page.value("offset", -1), 0);
  EXPECT_EQ(page.value("total", -1), 7);
  EXPECT_EQ(ids_of(page.at("items")), ids);
}

TEST_F(Pagination, LastPageIsShortAndBeyondTheEndIsEmpty) {
  const auto ids = create_seven_projects();
  const auto last = http().get("/api/v1/projects?limit=3&offset=6").json();
  EXPECT_EQ(ids_of(last.at("items")), std::vector<nlohmann::json>{ids.back()});
  EXPECT_EQ(last.value("total", -1), 7);

  const auto beyond = http().get("/api/v1/projects?limit=3&offset=100");
  ASSERT_TRUE(HasStatus(beyond, 200));
  EXPECT_TRUE(beyond.json().at("items").empty());
  EXPECT_EQ(beyond.json().value("total", -1), 7);
}

TEST_F(Pagination, LimitOf1000IsTheMaximumAccepted) {
  const auto response = http().get("/api/v1/projects?limit=1000");
  ASSERT_TRUE(HasStatus(response, 200));
  EXPECT_EQ(response.json().value("limit", -1), 1000);
}

TEST_F(Pagination, AppliesToNestedLists) {
  const auto model = create_model(create_project("Cell"), "Blocks");
  std::vector<nlohmann::json> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(create_component(model, fmt::format("gain_{}", i), "gain").at("id"));
  }
  std::sort(ids.begin(), ids.end());
  const auto response = http().get(resource_path("models", model) + "/components?limit=2&offset=1");
  ASSERT_TRUE(HasStatus(response, 200));
  EXPECT_EQ(response.json().value("total", -1), 5);
  EXPECT_EQ(ids_of(response.json().at("items")),
            std::vector<nlohmann::json>(ids.begin() + 1, ids.begin() + 3));
}

struct InvalidQuery {
  std::string query;
  std::string parameter;
};

void PrintTo(const InvalidQuery& query, std::ostream* stream) {
  *stream << query.query;
}

class InvalidPagination : public ApiTest, public ::testing::WithParamInterface<InvalidQuery> {};

TEST_P(InvalidPagination, Is400NamingTheParameter) {
  const auto response = http().get("/api/v1/projects?" + GetParam().query);
  EXPECT_TRUE(IsProblem(response, 400));
  EXPECT_TRUE(NamesParameter(response, GetParam().parameter));
}

// "limit=abc" -> "limit_abc": test names allow only letters, digits and underscores.
std::string query_test_name(const ::testing::TestParamInfo<InvalidQuery>& query) {
  std::string name = query.param.query;
  std::replace_if(
      name.begin(), name.end(), [](unsigned char c) { return !std::isalnum(c); }, '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(
    Queries, InvalidPagination,
    ::testing::Values(InvalidQuery{"limit=0", "limit"}, InvalidQuery{"limit=1001", "limit"},
                      InvalidQuery{"limit=abc", "limit"}, InvalidQuery{"limit=", "limit"},
                      InvalidQuery{"offset=-1", "offset"}, InvalidQuery{"offset=x", "offset"}),
    query_test_name);

}  // namespace
}  // namespace twinloop::itest
