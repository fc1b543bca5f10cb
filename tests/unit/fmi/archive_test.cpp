#include <sys/stat.h>
#include <zip.h>

#include <fstream>
#include <list>
#include <sstream>

#include "test_support.hpp"
#include "twinloop/core/error.hpp"

namespace twinloop::fmi {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

// Writes zip archives with entries the tests choose, hostile ones included.
class ZipWriter {
 public:
  explicit ZipWriter(const fs::path& file) {
    int error = 0;
    archive_ = zip_open(file.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    if (archive_ == nullptr) throw std::runtime_error("cannot create " + file.string());
  }
  ~ZipWriter() {
    if (archive_ != nullptr) zip_discard(archive_);
  }

  zip_int64_t add(const std::string& name, std::string content) {
    const std::string& kept = contents_.emplace_back(std::move(content));
    zip_source_t* source = zip_source_buffer(archive_, kept.data(), kept.size(), 0);
    const zip_int64_t index = zip_file_add(archive_, name.c_str(), source, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      zip_source_free(source);
      throw std::runtime_error("cannot add " + name + ": " + zip_strerror(archive_));
    }
    return index;
  }

  void add_symlink(const std::string& name, const std::string& target) {
    const zip_int64_t index = add(name, target);
    zip_file_set_external_attributes(archive_, static_cast<zip_uint64_t>(index), 0, ZIP_OPSYS_UNIX,
                                     (S_IFLNK | 0777u) << 16);
  }

  void close() {
    if (zip_close(archive_) != 0) throw std::runtime_error(zip_strerror(archive_));
    archive_ = nullptr;
  }

 private:
  zip_t* archive_ = nullptr;
  std::list<std::string> contents_;
};

std::string read_text(const fs::path& file) {
  std::ifstream stream(file, std::ios::binary);
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

class ArchiveTest : public ::testing::Test {
 protected:
  fs::path archive() const { return temp_.path() / "test.fmu"; }
  fs::path destination() const { return temp_.path() / "unpacked"; }

  // Nothing may be left behind by a refused archive: no destination, no staging directory.
  void expect_nothing_unpacked() const {
    EXPECT_FALSE(fs::exists(destination()));
    for (const auto& entry : fs::directory_iterator(temp_.path())) {
      EXPECT_EQ(entry.path().filename(), "test.fmu") << "left behind: " << entry.path();
    }
  }

  TempDir temp_;
};

TEST_F(ArchiveTest, UnpacksFilesAndFolders) {
  ZipWriter zip(archive());
  zip.add("modelDescription.xml", "<fmiModelDescription/>");
  zip.add("binaries/linux64/model.so", std::string("\x7f"
                                                   "ELF",
                                                   4));
  zip.add("resources/", "");
  zip.add("./documentation//index.html", "<html/>");
  zip.close();
  unpack_archive(archive(), destination());
  EXPECT_EQ(read_text(destination() / "modelDescription.xml"), "<fmiModelDescription/>");
  EXPECT_EQ(read_text(destination() / "binaries/linux64/model.so").size(), 4u);
  EXPECT_TRUE(fs::is_directory(destination() / "resources"));
  EXPECT_EQ(read_text(destination() / "documentation/index.html"), "<html/>");
}

TEST_F(ArchiveTest, UnpacksFromMemory) {
  ZipWriter zip(archive());
  zip.add("modelDescription.xml", "from memory");
  zip.close();
  const std::string bytes = read_text(archive());
  unpack_archive(std::as_bytes(std::span(bytes.data(), bytes.size())), destination());
  EXPECT_EQ(read_text(destination() / "modelDescription.xml"), "from memory");
}

TEST_F(ArchiveTest, RefusesEntriesThatLeadOutOfTheFmu) {
  ZipWriter zip(archive());
  zip.add("modelDescription.xml", "<x/>");
  zip.add("resources/../../evil.txt", "zip slip");
  zip.close();
  EXPECT_ERROR_CONTAINING(unpack_archive(archive(), destination()),
                          "entry \"resources/../../evil.txt\" leads out of the FMU");
  expect_nothing_unpacked();
  EXPECT_FALSE(fs::exists(temp_.path().parent_path() / "evil.txt"));
}

TEST_F(ArchiveTest, RefusesBackslashTraversal) {
  ZipWriter zip(archive());
  zip.add("..\\evil.txt", "zip slip, Windows style");
  zip.close();
  EXPECT_ERROR_CONTAINING(unpack_archive(archive(), destination()), "leads out of the FMU");
  expect_nothing_unpacked();
}

TEST_F(ArchiveTest, RefusesAbsolutePaths) {
  ZipWriter zip(archive());
  zip.add("/tmp/twinloop-evil.txt", "absolute");
  zip.close();
  EXPECT_ERROR_CONTAINING(unpack_archive(archive(), destination()),
                          "entry \"/tmp/twinloop-evil.txt\" has an absolute path");
  expect_nothing_unpacked();
  EXPECT_FALSE(fs::exists("/tmp/twinloop-evil.txt"));
}

TEST_F(ArchiveTest, RefusesDriveLetters) {
  ZipWriter zip(archive());
  zip.add("C:/Windows/evil.dll", "drive");
  zip.close();
  EXPECT_ERROR_CONTAINING(unpack_archive(archive(), destination()), "starts with a drive letter");
}

TEST_F(ArchiveTest, RefusesSymbolicLinks) {
  ZipWriter zip(archive());
  zip.add("modelDescription.xml", "<x/>");
  zip.add_symlink("resources/passwd", "/etc/passwd");
  zip.close();
  EXPECT_ERROR_CONTAINING(unpack_archive(archive(), destination()),
                          "entry \"resources/passwd\" is a symbolic link");
  expect_nothing_unpacked();
}

TEST_F(ArchiveTest, RefusesArchivesThatUnpackOverTheLimit) {
  ZipWriter zip(archive());
  zip.add("modelDescription.xml", "<x/>");
  zip.add("resources/zeros.bin", std::string(8u << 20, '\0'));  // compresses to a few KiB
  zip.close();
  ASSERT_LT(fs::file_size(archive()), 100'000u);
  ArchiveLimits limits;
  limits.max_total_size = 1u << 20;
  EXPECT_ERROR_CONTAINING(unpack_archive(archive(), destination(), limits),
                          "unpacks to more than the limit of 1048576 bytes");
  expect_nothing_unpacked();
}

TEST_F(ArchiveTest, CountsTheSizeOfAllEntriesTogether) {
  ZipWriter zip(archive());
  for (int i = 0; i < 10; ++i)
    zip.add("resources/part" + std::to_string(i), std::string(200, 'x'));
  zip.close();
  ArchiveLimits limits;
  limits.max_total_size = 1000;  // each entry alone fits
  EXPECT_ERROR_CONTAINING(unpack_archive(archive(), destination(), limits), "more than the limit");
}

TEST_F(ArchiveTest, RefusesTooManyEntries) {
  ZipWriter zip(archive());
  for (int i = 0; i < 20; ++i)
    zip.add("resources/f" + std::to_string(i), "x");
  zip.close();
  ArchiveLimits limits;
  limits.max_entries = 10;
  EXPECT_ERROR_CONTAINING(unpack_archive(archive(), destination(), limits),
                          "it has 20 entries, more than the limit of 10");
}

TEST_F(ArchiveTest, RefusesWhatIsNoZipArchive) {
  std::ofstream(archive()) << "this is not a zip archive";
  EXPECT_ERROR_CONTAINING(unpack_archive(archive(), destination()), "not a valid zip archive");
  const std::string garbage = "PK\x03\x04 truncated";
  EXPECT_ERROR_CONTAINING(
      unpack_archive(std::as_bytes(std::span(garbage.data(), garbage.size())), destination()),
      "not a valid zip archive");
}

TEST_F(ArchiveTest, ErrorsAreUnprocessable) {
  ZipWriter zip(archive());
  zip.add("../x", "y");
  zip.close();
  try {
    unpack_archive(archive(), destination());
    FAIL() << "expected an error";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.kind(), core::ErrorKind::unprocessable);
    EXPECT_EQ(error.type_slug(), "invalid-fmu");
  }
}

TEST_F(ArchiveTest, CacheStoresEachArchiveOnceUnderItsHash) {
  ZipWriter zip(archive());
  zip.add("modelDescription.xml", "cached");
  zip.close();
  const fs::path cache = temp_.path() / "cache";
  const fs::path first = unpack_to_cache(archive(), cache);
  EXPECT_EQ(first.filename(), sha256_file_hex(archive()));
  EXPECT_EQ(read_text(first / "modelDescription.xml"), "cached");
  const fs::path second = unpack_to_cache(archive(), cache);
  EXPECT_EQ(first, second);
  EXPECT_EQ(std::distance(fs::directory_iterator(cache), fs::directory_iterator()), 1);
}

TEST_F(ArchiveTest, CachesAnArchiveFromMemoryUnderTheSameHash) {
  ZipWriter zip(archive());
  zip.add("modelDescription.xml", "uploaded");
  zip.close();
  const std::string bytes = read_text(archive());
  const fs::path cache = temp_.path() / "cache";
  const fs::path from_memory =
      unpack_to_cache(std::as_bytes(std::span(bytes.data(), bytes.size())), cache);
  EXPECT_EQ(from_memory, unpack_to_cache(archive(), cache));
  EXPECT_EQ(read_text(from_memory / "modelDescription.xml"), "uploaded");
}

TEST(Sha256, MatchesTheStandardTestVectors) {
  const std::string abc = "abc";
  EXPECT_EQ(sha256_hex(std::as_bytes(std::span(abc.data(), abc.size()))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex({}), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace twinloop::fmi
