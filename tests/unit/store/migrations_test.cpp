#include "twinloop/store/migrations.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "migration_runner.hpp"
#include "test_support.hpp"
#include "twinloop/core/error.hpp"

namespace twinloop::store {
namespace {

using core::EmbeddedFile;
using core::ErrorKind;
using ::testing::ElementsAre;
using testing::error_of;
using ::testing::HasSubstr;
using testing::RawDatabase;
using testing::TempDirectory;

// Every table of the latest schema.
const std::vector<std::string> kAllTables = {
    "bindings", "components", "connections",       "endpoints",          "fmus",
    "models",   "projects",   "schema_migrations", "simulation_results", "simulations"};

std::vector<bool> applied_flags(Migrator& migrator) {
  std::vector<bool> flags;
  for (const MigrationStatus& entry : migrator.status())
    flags.push_back(entry.applied);
  return flags;
}

TEST(store_migrations, KnownMigrationsAreCompleteAndAscending) {
  const auto& migrations = known_migrations();
  ASSERT_FALSE(migrations.empty());
  EXPECT_EQ(migrations.front().version, 1);
  EXPECT_EQ(migrations.front().name, "initial");
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    EXPECT_FALSE(migrations[i].up_sql.empty()) << migrations[i].name;
    EXPECT_FALSE(migrations[i].down_sql.empty()) << migrations[i].name;
    if (i > 0) {
      EXPECT_LT(migrations[i - 1].version, migrations[i].version);
    }
  }
}

TEST(store_migration_files, PairsHalvesAndSortsByVersion) {
  const std::vector<EmbeddedFile> files = {
      {"0002_second.down.sql", "down 2"}, {"0001_first.up.sql", "up 1"},
      {"0002_second.up.sql", "up 2"},     {"0001_first.down.sql", "down 1"},
      {"10_tenth.up.sql", "up 10"},       {"10_tenth.down.sql", "down 10"}};
  const auto migrations = parse_migrations(files);
  ASSERT_EQ(migrations.size(), 3u);
  EXPECT_EQ(migrations[0].version, 1);
  EXPECT_EQ(migrations[0].name, "first");
  EXPECT_EQ(migrations[0].up_sql, "up 1");
  EXPECT_EQ(migrations[0].down_sql, "down 1");
  EXPECT_EQ(migrations[1].version, 2);
  EXPECT_EQ(migrations[1].name, "second");
  EXPECT_EQ(migrations[2].version, 10);
  EXPECT_EQ(migrations[2].down_sql, "down 10");
}

TEST(store_migration_files, NoFilesAreNoMigrations) {
  EXPECT_TRUE(parse_migrations({}).empty());
}

TEST(store_migration_files, MissingDownHalfIsRefused) {
  const auto error = error_of([] { parse_migrations({{"0001_first.up.sql", "up"}}); });
  EXPECT_EQ(error.kind(), ErrorKind::internal);
  EXPECT_THAT(error.what(), HasSubstr("0001_first has no .down.sql file"));
}

TEST(store_migration_files, MissingUpHalfIsRefused) {
  const auto error = error_of([] {
    parse_migrations({{"0001_first.up.sql", "up"},
                      {"0001_first.down.sql", "down"},
                      {"0002_second.down.sql", "down"}});
  });
  EXPECT_EQ(error.kind(), ErrorKind::internal);
  EXPECT_THAT(error.what(), HasSubstr("0002_second has no .up.sql file"));
}

TEST(store_migration_files, BadlyNamedFilesAreRefused) {
  for (const char* name :
       {"0001_first.sql", "first_0001.up.sql", "0001.up.sql", "_first.up.sql", "0000_zero.up.sql",
        "-1_negative.up.sql", "+1_plus.up.sql", "0001_.up.sql", "0x1_hex.up.sql",
        "99999999999999999999_huge.up.sql", "README.md", "0001_first.UP.SQL"}) {
    const auto error = error_of([&] { parse_migrations({{name, "sql"}}); });
    EXPECT_EQ(error.kind(), ErrorKind::internal) << name;
    EXPECT_THAT(error.what(), HasSubstr(name));
  }
}

TEST(store_migration_files, OneVersionTwiceIsRefused) {
  EXPECT_THROW(
      parse_migrations(
          {{"0001_first.up.sql", "a"}, {"0001_first.down.sql", "b"}, {"1_first.up.sql", "c"}}),
      core::Error);
  EXPECT_THROW(parse_migrations({{"0001_first.up.sql", "a"},
                                 {"0001_first.down.sql", "b"},
                                 {"0001_other.up.sql", "c"},
                                 {"0001_other.down.sql", "d"}}),
               core::Error);
  EXPECT_THROW(parse_migrations({{"0001_first.up.sql", "a"}, {"0001_other.down.sql", "b"}}),
               core::Error);
}

class MigratorTest : public ::testing::Test {
 protected:
  TempDirectory directory_;
  std::string path_ = directory_.file("twin.db");
};
using store_migrator = MigratorTest;

TEST_F(store_migrator, AppliesAllRollsAllBackAndAppliesAgain) {
  const auto known = static_cast<int>(known_migrations().size());
  auto migrator = sqlite_migrator(path_);

  EXPECT_EQ(migrator->up(), known);
  EXPECT_EQ(migrator->current_version(), known_migrations().back().version);
  EXPECT_EQ(RawDatabase(path_).table_names(), kAllTables);
  for (const MigrationStatus& entry : migrator->status()) {
    EXPECT_TRUE(entry.applied) << entry.name;
    EXPECT_TRUE(entry.known) << entry.name;
    EXPECT_TRUE(testing::is_timestamp(entry.applied_at)) << entry.applied_at;
  }

  EXPECT_EQ(migrator->down(known), known);
  EXPECT_EQ(migrator->current_version(), 0);
  {
    RawDatabase raw(path_);
    EXPECT_THAT(raw.table_names(), ElementsAre("schema_migrations"));
    EXPECT_THAT(raw.column("SELECT count(*) FROM schema_migrations"), ElementsAre("0"));
  }
  for (const MigrationStatus& entry : migrator->status()) {
    EXPECT_FALSE(entry.applied) << entry.name;
    EXPECT_TRUE(entry.applied_at.empty());
  }

  EXPECT_EQ(migrator->up(), known);
  EXPECT_EQ(RawDatabase(path_).table_names(), kAllTables);
}

TEST_F(store_migrator, UpTwiceAppliesNothingTheSecondTime) {
  auto migrator = sqlite_migrator(path_);
  migrator->up();
  EXPECT_EQ(migrator->up(), 0);
  EXPECT_EQ(sqlite_migrator(path_)->up(), 0);
}

TEST_F(store_migrator, DownOneLeavesTheLatestPending) {
  auto migrator = sqlite_migrator(path_);
  migrator->up();
  EXPECT_EQ(migrator->down(1), 1);
  const auto status = migrator->status();
  ASSERT_EQ(status.size(), known_migrations().size());
  EXPECT_FALSE(status.back().applied);
  for (std::size_t i = 0; i + 1 < status.size(); ++i)
    EXPECT_TRUE(status[i].applied);
  EXPECT_EQ(migrator->up(), 1);
}

TEST_F(store_migrator, StepsRunInVersionOrderBothWays) {
  const std::vector<Migration> migrations = {
      {1, "one", "CREATE TABLE one (x)", "DROP TABLE one"},
      {2, "two", "CREATE TABLE two (x REFERENCES one (x))", "DROP TABLE two"},
      {3, "three", "ALTER TABLE two ADD COLUMN y", "ALTER TABLE two DROP COLUMN y"}};
  auto migrator = sqlite_migrator(path_, migrations);
  EXPECT_EQ(migrator->up(), 3);
  EXPECT_EQ(migrator->current_version(), 3);

  EXPECT_EQ(migrator->down(1), 1);
  EXPECT_THAT(applied_flags(*migrator), ElementsAre(true, true, false));
  EXPECT_EQ(migrator->current_version(), 2);
  EXPECT_THAT(RawDatabase(path_).column("SELECT name FROM pragma_table_info('two')"),
              ElementsAre("x"));

  EXPECT_EQ(migrator->down(1), 1);
  EXPECT_THAT(RawDatabase(path_).table_names(), ElementsAre("one", "schema_migrations"));

  EXPECT_EQ(migrator->up(), 2);
  EXPECT_THAT(RawDatabase(path_).column("SELECT name FROM pragma_table_info('two')"),
              ElementsAre("x", "y"));
}

TEST_F(store_migrator, DownMoreThanAppliedRollsBackAll) {
  auto migrator = sqlite_migrator(path_);
  const int applied = migrator->up();
  EXPECT_EQ(migrator->down(applied + 5), applied);
  EXPECT_EQ(migrator->down(1), 0);
  EXPECT_EQ(migrator->down(0), 0);
}

TEST_F(store_migrator, NegativeStepsAreRefused) {
  auto migrator = sqlite_migrator(path_);
  migrator->up();
  EXPECT_EQ(error_of([&] { migrator->down(-1); }).kind(), ErrorKind::bad_request);
  EXPECT_EQ(migrator->current_version(), known_migrations().back().version);
}

TEST_F(store_migrator, FreshDatabaseHasEverythingPendingAndIsNotWritten) {
  auto migrator = sqlite_migrator(path_);
  EXPECT_EQ(migrator->current_version(), 0);
  const auto status = migrator->status();
  ASSERT_EQ(status.size(), known_migrations().size());
  for (const MigrationStatus& entry : status)
    EXPECT_FALSE(entry.applied);
  EXPECT_TRUE(RawDatabase(path_).table_names().empty());
  EXPECT_EQ(migrator->down(1), 0);
}

TEST_F(store_migrator, UnknownAppliedVersionIsRefused) {
  auto migrator = sqlite_migrator(path_);
  migrator->up();
  RawDatabase(path_).execute(
      "INSERT INTO schema_migrations (version, name, applied_at) "
      "VALUES (9999, 'from_the_future', '2030-01-01T00:00:00.000Z')");

  const auto up_error = error_of([&] { migrator->up(); });
  EXPECT_EQ(up_error.kind(), ErrorKind::internal);
  EXPECT_THAT(up_error.what(), HasSubstr("9999_from_the_future"));
  EXPECT_THAT(up_error.what(), HasSubstr("newer version"));
  EXPECT_EQ(error_of([&] { migrator->down(1); }).kind(), ErrorKind::internal);
  EXPECT_EQ(error_of([&] { sqlite_migrator(path_)->down(5); }).kind(), ErrorKind::internal);

  // Nothing was rolled back.
  RawDatabase raw(path_);
  EXPECT_EQ(raw.table_names(), kAllTables);
  EXPECT_THAT(raw.column("SELECT max(version) FROM schema_migrations"), ElementsAre("9999"));

  const auto status = migrator->status();
  ASSERT_EQ(status.size(), known_migrations().size() + 1);
  EXPECT_EQ(status.back().version, 9999);
  EXPECT_EQ(status.back().name, "from_the_future");
  EXPECT_TRUE(status.back().applied);
  EXPECT_FALSE(status.back().known);
  EXPECT_EQ(migrator->current_version(), 9999);
}

TEST_F(store_migrator, AppliedMigrationOfAnotherNameIsRefused) {
  auto migrator = sqlite_migrator(path_);
  migrator->up();
  RawDatabase(path_).execute("UPDATE schema_migrations SET name = 'imposter' WHERE version = 1");
  const auto error = error_of([&] { migrator->down(1); });
  EXPECT_EQ(error.kind(), ErrorKind::internal);
  EXPECT_THAT(error.what(), HasSubstr("0001_imposter"));
  EXPECT_THROW(migrator->up(), core::Error);
  const auto status = migrator->status();
  EXPECT_EQ(status.front().name, "imposter");
  EXPECT_FALSE(status.front().known);
}

TEST_F(store_migrator, FailingStepIsRolledBackAndLeavesEarlierStepsApplied) {
  const std::vector<Migration> migrations = {
      {1, "good", "CREATE TABLE good (x)", "DROP TABLE good"},
      {2, "broken", "CREATE TABLE partial (x); INSERT INTO missing VALUES (1);",
       "DROP TABLE partial"}};
  auto migrator = sqlite_migrator(path_, migrations);
  const auto error = error_of([&] { migrator->up(); });
  EXPECT_EQ(error.kind(), ErrorKind::internal);
  EXPECT_THAT(error.what(), HasSubstr("0002_broken"));
  EXPECT_THAT(error.what(), HasSubstr("no such table: missing"));

  EXPECT_EQ(migrator->current_version(), 1);
  EXPECT_THAT(applied_flags(*migrator), ElementsAre(true, false));
  EXPECT_THAT(RawDatabase(path_).table_names(), ElementsAre("good", "schema_migrations"));
}

TEST_F(store_migrator, FailingRollbackKeepsTheMigrationApplied) {
  const std::vector<Migration> migrations = {
      {1, "one", "CREATE TABLE one (x)", "DROP TABLE one; DROP TABLE not_there;"}};
  auto migrator = sqlite_migrator(path_, migrations);
  migrator->up();
  EXPECT_EQ(error_of([&] { migrator->down(1); }).kind(), ErrorKind::internal);
  EXPECT_EQ(migrator->current_version(), 1);
  EXPECT_THAT(RawDatabase(path_).table_names(), ElementsAre("one", "schema_migrations"));
}

TEST_F(store_migrator, StepsWithTransactionControlAreRefused) {
  const std::vector<Migration> migrations = {
      {1, "sneaky", "COMMIT; CREATE TABLE one (x)", "DROP TABLE one"}};
  const auto error = error_of([&] { sqlite_migrator(path_, migrations)->up(); });
  EXPECT_EQ(error.kind(), ErrorKind::internal);
  EXPECT_THAT(error.what(), HasSubstr("must not contain BEGIN, COMMIT or ROLLBACK"));
  EXPECT_EQ(sqlite_migrator(path_, migrations)->current_version(), 0);
  EXPECT_THAT(RawDatabase(path_).table_names(), ElementsAre("schema_migrations"));

  const std::vector<Migration> savepoints = {
      {1, "careful", "SAVEPOINT s; CREATE TABLE one (x); RELEASE s;", "DROP TABLE one"}};
  EXPECT_EQ(sqlite_migrator(path_, savepoints)->up(), 1);
}

TEST_F(store_migrator, FileThatIsNotADatabaseIsAnError) {
  std::ofstream(path_) << "this is not an SQLite database, but it is long enough to look at "
                          "its header and see that it is not one.";
  const auto error = error_of([&] { sqlite_migrator(path_)->up(); });
  EXPECT_EQ(error.kind(), ErrorKind::internal);
  EXPECT_THAT(error.what(), HasSubstr("not a database"));
}

TEST_F(store_migrator, DatabaseInMissingDirectoryIsAnError) {
  const auto error = error_of([&] { sqlite_migrator(directory_.file("missing/twin.db")); });
  EXPECT_EQ(error.kind(), ErrorKind::internal);
  EXPECT_THAT(error.what(), HasSubstr("missing/twin.db"));
}

}  // namespace
}  // namespace twinloop::store
