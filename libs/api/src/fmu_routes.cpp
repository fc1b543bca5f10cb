// FMUs: upload (raw or multipart), list, summary, delete.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <span>
#include <system_error>

#include "fmu_summary.hpp"
#include "multipart.hpp"
#include "responses.hpp"
#include "routes.hpp"
#include "twinloop/core/error.hpp"
#include "twinloop/fmi/archive.hpp"

namespace twinloop::api {

using nlohmann::json;

namespace {

class StoreFmuResolver final : public fmi::FmuResolver {
 public:
  StoreFmuResolver(store::Store& store, std::filesystem::path fmu_directory)
      : store_(store), fmu_directory_(std::move(fmu_directory)) {}

  std::optional<std::filesystem::path> directory(std::int64_t fmu_id) const override {
    const auto record = store_.find_fmu(fmu_id);
    if (!record) return std::nullopt;
    return fmu_directory_ / record->sha256;
  }

 private:
  store::Store& store_;
  std::filesystem::path fmu_directory_;
};

json fmu_json(const store::FmuRecord& record, bool with_variables) {
  json summary = json::parse(record.summary);
  if (!with_variables) summary.erase("variables");
  json entity = {
      {"id", record.id},     {"project_id", record.project_id}, {"file_name", record.file_name},
      {"size", record.size}, {"sha256", record.sha256},         {"created_at", record.created_at}};
  entity.update(summary);
  return entity;
}

std::string fmu_location(core::Id id) {
  return fmt::format("{}/fmus/{}", api_prefix, id);
}

bool is_raw_archive(std::string_view content_type) {
  const auto media_type = content_type.substr(0, content_type.find(';'));
  return media_type == "application/octet-stream" || media_type == "application/zip" ||
         media_type == "application/x-fmu";
}

// A file name to keep with the FMU: its last path segment, without control characters.
std::string clean_file_name(std::string_view name) {
  if (const auto slash = name.find_last_of("/\\"); slash != std::string_view::npos) {
    name.remove_prefix(slash + 1);
  }
  std::string clean;
  for (unsigned char c : name) {
    if (c >= 0x20 && c != 0x7f) clean += static_cast<char>(c);
  }
  if (clean.size() > 255) clean.resize(255);
  return clean;
}

struct Upload {
  std::string file_name;
  std::string_view bytes;
};

Upload read_upload(const Call& call) {
  const Request& request = call.request;
  if (const auto boundary = multipart_boundary(request.content_type)) {
    const FilePart part = single_file_part(request.body, *boundary);
    return {clean_file_name(part.file_name), part.content};
  }
  if (!is_raw_archive(request.content_type)) {
    throw core::Error(
        core::ErrorKind::unsupported_media_type,
        fmt::format("an FMU is uploaded as application/octet-stream (the .fmu file as the body, "
                    "?file_name= to name it) or as multipart/form-data with one file part, not "
                    "'{}'",
                    request.content_type.empty() ? "no Content-Type" : request.content_type));
  }
  return {clean_file_name(call.query_parameter("file_name").value_or("")), request.body};
}

// Uploads and deletes touch the shared unpacked directories: one at a time, so that a delete
// never removes a directory an upload has just decided to reuse.
struct FmuFiles {
  store::Store& store;
  std::filesystem::path directory;
  std::shared_ptr<fmi::FmuCatalogue> catalogue;
  std::mutex mutex;

  // Removes the unpacked archive when no FMU row keeps it. Called under `mutex`.
  void remove_if_unused(const std::string& sha256) {
    if (store.count_fmus_with_hash(sha256) > 0) return;
    const auto unpacked = directory / sha256;
    catalogue->forget(unpacked);
    std::error_code error;
    std::filesystem::remove_all(unpacked, error);
    if (error)
      spdlog::warn("could not remove the FMU directory {}: {}", unpacked.string(), error.message());
  }

  Response upload(const Call& call) {
    const core::Id project_id = call.id();
    if (!store.find_project(project_id)) {
      core::throw_not_found(fmt::format("project {} does not exist", project_id));
    }
    Upload upload = read_upload(call);
    if (upload.bytes.empty()) {
      core::throw_unprocessable("the upload is empty; send the .fmu file", "", "invalid-fmu");
    }
    if (directory.empty()) {
      throw core::Error(core::ErrorKind::internal, "this server has no FMU directory configured");
    }
    const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(upload.bytes.data()),
                                           upload.bytes.size());
    const std::string sha256 = fmi::sha256_hex(bytes);
    std::lock_guard lock(mutex);
    // The same FMU again in the same project is the FMU it already has.
    if (const auto existing = store.find_fmu_by_hash(project_id, sha256)) {
      Response response = json_response(200, fmu_json(*existing, true));
      response.headers.emplace_back("Location", fmu_location(existing->id));
      return response;
    }
    std::filesystem::path unpacked;
    std::shared_ptr<const fmi::Fmu> fmu;
    try {
      unpacked = fmi::unpack_to_cache(bytes, directory);
      // Opening loads the binary and resolves every function: an FMU that cannot run is refused
      // now, not when a simulation starts.
      fmu = fmi::Fmu::open(unpacked);
    } catch (const core::Error& error) {
      if (!unpacked.empty()) remove_if_unused(sha256);
      if (error.kind() != core::ErrorKind::unprocessable) throw;
      throw core::Error(core::ErrorKind::unprocessable,
                        fmt::format("the FMU is refused: {}", error.what()), error.fields(),
                        error.type_slug().empty() ? "invalid-fmu" : error.type_slug());
    }
    store::FmuRecord draft;
    draft.project_id = project_id;
    draft.sha256 = sha256;
    draft.file_name =
        upload.file_name.empty() ? fmu->description().model_name + ".fmu" : upload.file_name;
    draft.size = static_cast<std::int64_t>(upload.bytes.size());
    draft.summary = fmu_summary(fmu->description()).dump();
    const auto record = store.create_fmu(draft);
    Response response = json_response(201, fmu_json(record, true));
    response.headers.emplace_back("Location", fmu_location(record.id));
    return response;
  }

  Response remove(const Call& call) {
    std::lock_guard lock(mutex);
    const auto record = store.find_fmu(call.id());
    if (!record) core::throw_not_found(fmt::format("FMU {} does not exist", call.id()));
    store.transaction([&](store::Store& bound) {
      const auto users = bound.components_using_fmu(record->id);
      if (!users.empty()) {
        core::throw_conflict(fmt::format(
            "FMU {} is used by component '{}' of model {}{}; delete those components or point "
            "them at another FMU first",
            record->id, users.front().name, users.front().model_id,
            users.size() > 1 ? fmt::format(" and {} more", users.size() - 1) : ""));
      }
      bound.delete_fmu(record->id);
    });
    remove_if_unused(record->sha256);
    return no_content();
  }
};

}  // namespace

std::shared_ptr<fmi::FmuResolver> make_fmu_resolver(store::Store& store,
                                                    std::filesystem::path fmu_directory) {
  return std::make_shared<StoreFmuResolver>(store, std::move(fmu_directory));
}

std::size_t remove_unused_fmu_directories(store::Store& store,
                                          const std::filesystem::path& fmu_directory) {
  std::error_code error;
  std::size_t removed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(fmu_directory, error)) {
    const std::string name = entry.path().filename().string();
    const bool is_hash =
        name.size() == 64 && name.find_first_not_of("0123456789abcdef") == std::string::npos;
    if (!is_hash || !entry.is_directory() || store.count_fmus_with_hash(name) > 0) continue;
    std::error_code removal;
    std::filesystem::remove_all(entry.path(), removal);
    if (removal) {
      spdlog::warn("could not remove the unused FMU directory {}: {}", entry.path().string(),
                   removal.message());
    } else {
      ++removed;
    }
  }
  return removed;
}

void add_fmu_routes(Router& router, Services services, const std::filesystem::path& directory,
                    std::shared_ptr<fmi::FmuCatalogue> catalogue) {
  auto files = std::make_shared<FmuFiles>(services.store, directory, std::move(catalogue));
  auto& store = services.store;
  router.add("POST", fmu_upload_route, [files](const Call& call) { return files->upload(call); });
  router.add("GET", fmu_upload_route, [&store](const Call& call) {
    if (!store.find_project(call.id())) {
      core::throw_not_found(fmt::format("project {} does not exist", call.id()));
    }
    const auto page = page_request(call);
    const auto found = store.list_fmus(call.id(), page);
    json items = json::array();
    for (const auto& record : found.items)
      items.push_back(fmu_json(record, false));
    return json_response(
        200,
        {{"items", items}, {"total", found.total}, {"limit", page.limit}, {"offset", page.offset}});
  });
  router.add("GET", "/api/v1/fmus/{id}", [&store](const Call& call) {
    const auto record = store.find_fmu(call.id());
    if (!record) core::throw_not_found(fmt::format("FMU {} does not exist", call.id()));
    return json_response(200, fmu_json(*record, true));
  });
  router.add("DELETE", "/api/v1/fmus/{id}",
             [files](const Call& call) { return files->remove(call); });
}

}  // namespace twinloop::api
