#include "twinloop/fmi/archive.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <string_view>
#include <system_error>
#include <vector>

#include "twinloop/core/error.hpp"

namespace twinloop::fmi {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void refuse(const std::string& problem) {
  core::throw_unprocessable("the FMU archive is refused: " + problem, {}, "invalid-fmu");
}

struct ZipCloser {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
using ZipArchive = std::unique_ptr<zip_t, ZipCloser>;

struct ZipFileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};

class ZipError {
 public:
  ZipError() { zip_error_init(&error_); }
  ~ZipError() { zip_error_fini(&error_); }
  ZipError(const ZipError&) = delete;
  ZipError& operator=(const ZipError&) = delete;
  zip_error_t* get() { return &error_; }
  std::string text() { return zip_error_strerror(&error_); }

 private:
  zip_error_t error_;
};

ZipArchive open_source(zip_source_t* source, ZipError& error) {
  if (source == nullptr) refuse("it cannot be read: " + error.text());
  zip_t* archive = zip_open_from_source(source, ZIP_RDONLY, error.get());
  if (archive == nullptr) {
    zip_source_free(source);
    refuse("it is not a valid zip archive: " + error.text());
  }
  return ZipArchive(archive);
}

// Where an entry goes, relative to the destination; nullopt for entries that name the root
// itself ("./"). Refuses names that could land outside the destination.
std::optional<fs::path> safe_relative_path(std::string name) {
  for (char& c : name) {
    if (c == '\\') c = '/';
  }
  if (name.empty()) refuse("an entry has an empty name");
  if (name.front() == '/') refuse(fmt::format("entry \"{}\" has an absolute path", name));
  if (name.size() >= 2 && name[1] == ':') {
    refuse(fmt::format("entry \"{}\" starts with a drive letter", name));
  }
  fs::path relative;
  std::string_view rest = name;
  while (!rest.empty()) {
    const std::size_t slash = rest.find('/');
    const std::string_view component = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (component.empty() || component == ".") continue;
    if (component == "..")
      refuse(fmt::format("entry \"{}\" leads out of the FMU with \"..\"", name));
    relative /= fs::path(std::string(component));
  }
  if (relative.empty()) return std::nullopt;
  return relative;
}

struct Entry {
  zip_uint64_t index = 0;
  std::string name;
  std::optional<fs::path> path;
  bool directory = false;
  zip_uint64_t size = 0;
};

std::vector<Entry> checked_entries(zip_t* archive, const ArchiveLimits& limits) {
  const zip_int64_t count = zip_get_num_entries(archive, 0);
  if (count < 0) refuse("its entries cannot be listed");
  if (static_cast<std::uint64_t>(count) > limits.max_entries) {
    refuse(fmt::format("it has {} entries, more than the limit of {}", count, limits.max_entries));
  }
  std::vector<Entry> entries;
  std::uint64_t total = 0;
  for (zip_uint64_t index = 0; index < static_cast<zip_uint64_t>(count); ++index) {
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(archive, index, 0, &stat) != 0 || (stat.valid & ZIP_STAT_NAME) == 0 ||
        (stat.valid & ZIP_STAT_SIZE) == 0) {
      refuse(fmt::format("entry {} cannot be read", index));
    }
    Entry entry;
    entry.index = index;
    entry.name = stat.name;
    entry.path = safe_relative_path(entry.name);
    entry.directory =
        !entry.name.empty() && (entry.name.back() == '/' || entry.name.back() == '\\');
    entry.size = stat.size;
    if ((stat.valid & ZIP_STAT_ENCRYPTION_METHOD) != 0 && stat.encryption_method != ZIP_EM_NONE) {
      refuse(fmt::format("entry \"{}\" is encrypted", entry.name));
    }
    zip_uint8_t system = 0;
    zip_uint32_t attributes = 0;
    if (zip_file_get_external_attributes(archive, index, 0, &system, &attributes) == 0 &&
        system == ZIP_OPSYS_UNIX && ((attributes >> 16) & S_IFMT) == S_IFLNK) {
      refuse(fmt::format("entry \"{}\" is a symbolic link", entry.name));
    }
    total += entry.size;
    if (total > limits.max_total_size || entry.size > limits.max_total_size) {
      refuse(fmt::format("it unpacks to more than the limit of {} bytes", limits.max_total_size));
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

void write_entry(zip_t* archive, const Entry& entry, const fs::path& target, std::uint64_t& written,
                 const ArchiveLimits& limits) {
  std::unique_ptr<zip_file_t, ZipFileCloser> file(zip_fopen_index(archive, entry.index, 0));
  if (!file) refuse(fmt::format("entry \"{}\" cannot be opened", entry.name));
  fs::create_directories(target.parent_path());
  const int descriptor =
      ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (descriptor < 0) {
    refuse(fmt::format("entry \"{}\" cannot be written: {}", entry.name, std::strerror(errno)));
  }
  struct DescriptorCloser {
    int descriptor;
    ~DescriptorCloser() { ::close(descriptor); }
  } closer{descriptor};
  std::array<char, 64 * 1024> buffer;
  std::uint64_t entry_bytes = 0;
  for (;;) {
    const zip_int64_t got = zip_fread(file.get(), buffer.data(), buffer.size());
    if (got < 0) refuse(fmt::format("entry \"{}\" is corrupt", entry.name));
    if (got == 0) break;
    entry_bytes += static_cast<std::uint64_t>(got);
    written += static_cast<std::uint64_t>(got);
    if (entry_bytes > entry.size || written > limits.max_total_size) {
      refuse(fmt::format("entry \"{}\" holds more data than it declares", entry.name));
    }
    std::size_t offset = 0;
    while (offset < static_cast<std::size_t>(got)) {
      const ssize_t put =
          ::write(descriptor, buffer.data() + offset, static_cast<std::size_t>(got) - offset);
      if (put < 0) {
        if (errno == EINTR) continue;
        refuse(fmt::format("entry \"{}\" cannot be written: {}", entry.name, std::strerror(errno)));
      }
      offset += static_cast<std::size_t>(put);
    }
  }
}

// Unpacks into a temporary sibling of `destination` and renames it into place. Returns false
// when `destination` appeared meanwhile (another unpacking of the same archive won).
bool unpack_into(zip_t* archive, const fs::path& destination, const ArchiveLimits& limits) {
  const std::vector<Entry> entries = checked_entries(archive, limits);
  fs::create_directories(destination.parent_path());
  std::string pattern =
      (destination.parent_path() / ("." + destination.filename().string() + ".unpacking-XXXXXX"))
          .string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "cannot create " + pattern);
  }
  const fs::path staging = pattern;
  struct StagingRemover {
    const fs::path& path;
    ~StagingRemover() {
      std::error_code ignored;
      fs::remove_all(path, ignored);
    }
  } remover{staging};
  std::uint64_t written = 0;
  for (const Entry& entry : entries) {
    if (!entry.path) continue;
    const fs::path target = staging / *entry.path;
    try {
      if (entry.directory) {
        fs::create_directories(target);
      } else {
        write_entry(archive, entry, target, written, limits);
      }
    } catch (const fs::filesystem_error& error) {
      refuse(
          fmt::format("entry \"{}\" cannot be unpacked: {}", entry.name, error.code().message()));
    }
  }
  if (::rename(staging.c_str(), destination.c_str()) == 0) return true;
  if (errno == EEXIST || errno == ENOTEMPTY) return false;
  throw std::system_error(errno, std::generic_category(),
                          "cannot move the unpacked FMU to " + destination.string());
}

void require_absent(const fs::path& destination) {
  if (fs::exists(destination)) {
    throw core::Error(core::ErrorKind::internal,
                      "cannot unpack into " + destination.string() + ": it exists already");
  }
}

ZipArchive open_file(const fs::path& archive) {
  ZipError error;
  return open_source(zip_source_file_create(archive.c_str(), 0, -1, error.get()), error);
}

}  // namespace

void unpack_archive(const fs::path& archive, const fs::path& destination,
                    const ArchiveLimits& limits) {
  require_absent(destination);
  const ZipArchive zip = open_file(archive);
  if (!unpack_into(zip.get(), destination, limits)) require_absent(destination);
}

void unpack_archive(std::span<const std::byte> archive, const fs::path& destination,
                    const ArchiveLimits& limits) {
  require_absent(destination);
  ZipError error;
  const ZipArchive zip =
      open_source(zip_source_buffer_create(archive.data(), archive.size(), 0, error.get()), error);
  if (!unpack_into(zip.get(), destination, limits)) require_absent(destination);
}

fs::path unpack_to_cache(const fs::path& archive, const fs::path& cache_root,
                         const ArchiveLimits& limits) {
  const fs::path destination = cache_root / sha256_file_hex(archive);
  if (fs::is_directory(destination)) return destination;
  const ZipArchive zip = open_file(archive);
  unpack_into(zip.get(), destination, limits);
  return destination;
}

fs::path unpack_to_cache(std::span<const std::byte> archive, const fs::path& cache_root,
                         const ArchiveLimits& limits) {
  const fs::path destination = cache_root / sha256_hex(archive);
  if (fs::is_directory(destination)) return destination;
  ZipError error;
  const ZipArchive zip =
      open_source(zip_source_buffer_create(archive.data(), archive.size(), 0, error.get()), error);
  unpack_into(zip.get(), destination, limits);
  return destination;
}

namespace {

class Sha256 {
 public:
  Sha256() : context_(EVP_MD_CTX_new()) {
    if (context_ == nullptr || EVP_DigestInit_ex(context_, EVP_sha256(), nullptr) != 1) {
      EVP_MD_CTX_free(context_);
      throw std::runtime_error("SHA-256 is not available");
    }
  }
  ~Sha256() { EVP_MD_CTX_free(context_); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, std::size_t size) { EVP_DigestUpdate(context_, data, size); }

  std::string hex() {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest;
    unsigned int length = 0;
    EVP_DigestFinal_ex(context_, digest.data(), &length);
    std::string text;
    text.reserve(2 * length);
    for (unsigned int i = 0; i < length; ++i)
      text += fmt::format("{:02x}", digest[i]);
    return text;
  }

 private:
  EVP_MD_CTX* context_;
};

}  // namespace

std::string sha256_hex(std::span<const std::byte> bytes) {
  Sha256 hash;
  hash.update(bytes.data(), bytes.size());
  return hash.hex();
}

std::string sha256_file_hex(const fs::path& file) {
  std::ifstream stream(file, std::ios::binary);
  if (!stream) refuse(fmt::format("{} cannot be read", file.string()));
  Sha256 hash;
  std::array<char, 64 * 1024> buffer;
  while (stream) {
    stream.read(buffer.data(), buffer.size());
    hash.update(buffer.data(), static_cast<std::size_t>(stream.gcount()));
  }
  return hash.hex();
}

}  // namespace twinloop::fmi
