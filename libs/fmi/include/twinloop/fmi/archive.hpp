#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

namespace twinloop::fmi {

// Limits on what an .fmu archive may unpack to; over them it is refused (zip bombs).
struct ArchiveLimits {
  std::uint64_t max_total_size = std::uint64_t{2} << 30;  // uncompressed bytes, all entries
  std::uint64_t max_entries = 20'000;
};

// Unpacks an .fmu (a zip archive) into `destination`, which must not exist yet. Every entry is
// checked before anything is written: entries with an absolute path, a drive letter, a ".."
// component, a symbolic link, encryption, or a declared total size over the limit refuse the
// archive, and so does an entry whose data turns out larger than it declared. Writes into a
// temporary sibling directory and renames it into place, so `destination` appears complete or
// not at all. Throws core::Error (unprocessable) saying which entry is at fault.
void unpack_archive(const std::filesystem::path& archive, const std::filesystem::path& destination,
                    const ArchiveLimits& limits = {});
void unpack_archive(std::span<const std::byte> archive, const std::filesystem::path& destination,
                    const ArchiveLimits& limits = {});

// Unpacks the archive into `cache_root`/<SHA-256 of the archive> unless a previous call did;
// returns that directory. Safe when two processes or threads unpack the same FMU at once.
std::filesystem::path unpack_to_cache(const std::filesystem::path& archive,
                                      const std::filesystem::path& cache_root,
                                      const ArchiveLimits& limits = {});
// The same for an archive held in memory (an upload's body).
std::filesystem::path unpack_to_cache(std::span<const std::byte> archive,
                                      const std::filesystem::path& cache_root,
                                      const ArchiveLimits& limits = {});

// SHA-256 as 64 lowercase hexadecimal digits: the name an FMU is stored under.
std::string sha256_hex(std::span<const std::byte> bytes);
std::string sha256_file_hex(const std::filesystem::path& file);

}  // namespace twinloop::fmi
