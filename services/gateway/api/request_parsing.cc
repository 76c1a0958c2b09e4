#include "services/gateway/api/request_parsing.h"

#include <charconv>

#include "fmt/format.h"
#include "libs/base/status.h"
#include "libs/base/trace_context.h"
#include "libs/http/json.h"

namespace seckill::gateway::api {

std::optional<uint64_t> ParseId(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0) return std::nullopt;
  return value;
}

absl::StatusOr<uint64_t> PathId(const http::PathParams& params, std::string_view what) {
  const auto it = params.find("id");
  if (it != params.end()) {
    if (std::optional<uint64_t> id = ParseId(it->second)) return *id;
  }
  return absl::InvalidArgumentError(fmt::format("{} id must be a positive integer", what));
}

absl::StatusOr<uint64_t> IdField(const boost::json::object& body, std::string_view key) {
  const boost::json::value* v = body.if_contains(key);
  if (v != nullptr && v->is_string()) {
    if (auto id = ParseId(std::string_view(v->as_string()))) return *id;
  } else if (v != nullptr && v->is_int64() && v->as_int64() > 0) {
    return static_cast<uint64_t>(v->as_int64());
  }
  return absl::InvalidArgumentError(
      fmt::format("field '{}' must be an id (a string of digits)", key));
}

std::string Traceparent(const http::Request& request) {
  const std::string& value = request.Header("traceparent");
  return base::IsValidTraceparent(value) ? value : "";
}

absl::StatusOr<std::string> IdempotencyKey(const http::Request& request) {
  if (request.FindHeader("idempotency-key") == nullptr) return std::string();
  const std::string& key = request.Header("idempotency-key");
  bool valid = !key.empty() && key.size() <= 64;
  for (char c : key) {
    valid = valid && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-' || c == '.' || c == ':');
  }
  if (!valid) {
    return absl::InvalidArgumentError(
        "Idempotency-Key must be 1 to 64 of letters, digits, '_', '-', '.', ':'");
  }
  return key;
}

absl::Status NoBody(const http::Request& request) {
  auto body = http::ParseJsonObject(request.body, /*allow_empty=*/true);
  if (!body.ok()) return body.status();
  return http::JsonFields(*body).Finish();
}

absl::StatusOr<uint64_t> OrderActionTarget(const http::Request& request,
                                           const http::PathParams& params) {
  absl::StatusOr<uint64_t> id = PathId(params, "order");
  if (!id.ok()) return id;
  SECKILL_RETURN_IF_ERROR(NoBody(request));
  return id;
}

}  // namespace seckill::gateway::api
