#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "libs/http/message.h"

namespace seckill::http {

// The files of one folder, read once and served from memory: the storefront's and the console's
// pages, scripts and styles (no build step: what is in the folder is what is served). Only the
// folder's own regular files are served, found by name in a table made at load: a request's text
// is never joined to a path, so no request reaches another file ("../", "%2e%2e", links).
// Every answer carries a strict Content-Security-Policy (scripts, styles and connections from this
// origin only, no inline script), `nosniff` and no referrer; files are revalidated by ETag.
// Immutable after Load: Serve is thread-safe.
class StaticFiles {
 public:
  static constexpr size_t kMaxFiles = 256;
  static constexpr size_t kMaxFileBytes = 4 << 20;

  // Reads every regular file directly in `dir`. Errors: no such folder, an unreadable file, more
  // than kMaxFiles files, a file over kMaxFileBytes.
  static absl::StatusOr<StaticFiles> Load(const std::string& dir);

  // GET of the file `name` ("store.js"): 200 with its body, type and ETag, or 304 without a body
  // when `if_none_match` names its ETag; nullopt when there is no such file.
  std::optional<Response> Serve(std::string_view name, std::string_view if_none_match) const;
  size_t size() const { return files_.size(); }

 private:
  struct File {
    std::string body;
    std::string_view content_type;  // a literal
    std::string etag;               // quoted, as sent
  };
  std::map<std::string, File, std::less<>> files_;
};

}  // namespace seckill::http
