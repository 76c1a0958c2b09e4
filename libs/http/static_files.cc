#include "libs/http/static_files.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "absl/status/status.h"
#include "fmt/format.h"

namespace seckill::http {
namespace {

std::string_view ContentType(const std::filesystem::path& file) {
  const std::string extension = file.extension().string();
  if (extension == ".html") return "text/html; charset=utf-8";
  if (extension == ".js" || extension == ".mjs") return "text/javascript; charset=utf-8";
  if (extension == ".css") return "text/css; charset=utf-8";
  if (extension == ".json") return "application/json";
  if (extension == ".svg") return "image/svg+xml";
  if (extension == ".png") return "image/png";
  if (extension == ".ico") return "image/x-icon";
  if (extension == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

// FNV-1a, 64 bits: an ETag only has to change when the file does.
std::string ETagOf(std::string_view body) {
  uint64_t hash = 14695981039346656037ULL;
  for (const char c : body) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return fmt::format("\"{:016x}-{:x}\"", hash, body.size());
}

// Whether an If-None-Match list ("a", W/"b", *) names `etag`.
bool Matches(std::string_view if_none_match, std::string_view etag) {
  if (if_none_match == "*") return true;
  size_t at = 0;
  while (at < if_none_match.size()) {
    size_t end = if_none_match.find(',', at);
    if (end == std::string_view::npos) end = if_none_match.size();
    std::string_view tag = if_none_match.substr(at, end - at);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
    at = end + 1;
  }
  return false;
}

void AddPolicy(Response& response) {
  response.headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
}

}  // namespace

absl::StatusOr<StaticFiles> StaticFiles::Load(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (!fs::is_directory(dir, error)) {
    return absl::NotFoundError(fmt::format("web folder '{}' does not exist", dir));
  }
  StaticFiles files;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, error)) {
    if (!entry.is_regular_file(error)) continue;
    if (files.files_.size() == kMaxFiles) {
      return absl::InvalidArgumentError(
          fmt::format("web folder '{}' has more than {} files", dir, kMaxFiles));
    }
    const uintmax_t bytes = entry.file_size(error);
    if (error || bytes > kMaxFileBytes) {
      return absl::InvalidArgumentError(fmt::format("{}: larger than {} bytes or unreadable",
                                                    entry.path().string(), kMaxFileBytes));
    }
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    if (!in) {
      return absl::InvalidArgumentError(fmt::format("{}: unreadable", entry.path().string()));
    }
    File file{.body = std::move(body).str(), .content_type = ContentType(entry.path()), .etag = {}};
    file.etag = ETagOf(file.body);
    files.files_.emplace(entry.path().filename().string(), std::move(file));
  }
  if (error) {
    return absl::InvalidArgumentError(fmt::format("web folder '{}': {}", dir, error.message()));
  }
  return files;
}

std::optional<Response> StaticFiles::Serve(std::string_view name,
                                           std::string_view if_none_match) const {
  const auto found = files_.find(name);
  if (found == files_.end()) return std::nullopt;
  const File& file = found->second;
  Response response;
  response.content_type = file.content_type;
  response.headers.emplace_back("ETag", file.etag);
  response.headers.emplace_back("Cache-Control", "no-cache");
  AddPolicy(response);
  if (!if_none_match.empty() && Matches(if_none_match, file.etag)) {
    response.status = 304;
    return response;
  }
  response.body = file.body;
  return response;
}

}  // namespace seckill::http
