#include "libs/etcd/gateway_json.h"

#include <charconv>

#include "absl/strings/escaping.h"
#include "boost/json/parse.hpp"
#include "fmt/format.h"

namespace seckill::etcd {

namespace json = boost::json;

absl::Status ErrorStatus(const json::object& error, int http_status) {
  const int64_t code = IntField(error, "code");
  std::string message;
  for (const char* field : {"message", "error"}) {
    const json::value* text = error.if_contains(field);
    if (text != nullptr && text->is_string() && !text->as_string().empty()) {
      message = std::string(text->as_string());
      break;
    }
  }
  if (message.empty()) message = fmt::format("etcd answered HTTP {}", http_status);
  // gRPC's codes are absl's codes; a missing or unknown one is UNKNOWN.
  const auto status_code =
      (code > 0 && code <= 16) ? static_cast<absl::StatusCode>(code) : absl::StatusCode::kUnknown;
  return absl::Status(status_code, "etcd: " + message);
}

absl::StatusOr<json::object> ParseAnswer(const http::Response& response) {
  boost::system::error_code ec;
  json::value parsed = json::parse(response.body, ec);
  if (ec || !parsed.is_object()) {
    if (response.status != 200) {
      return absl::UnavailableError(
          fmt::format("etcd answered HTTP {}: {}", response.status, response.body.substr(0, 200)));
    }
    return absl::InternalError("etcd answered something that is not a JSON object");
  }
  json::object& object = parsed.as_object();
  if (response.status != 200 || object.contains("code"))
    return ErrorStatus(object, response.status);
  // A streamed call's answer ({"result": ...} or {"error": ...}).
  if (const json::value* error = object.if_contains("error");
      error != nullptr && error->is_object()) {
    return ErrorStatus(error->as_object(), response.status);
  }
  return std::move(object);
}

int64_t IntField(const json::object& object, std::string_view name) {
  const json::value* field = object.if_contains(name);
  if (field == nullptr) return 0;
  if (field->is_int64()) return field->as_int64();
  if (field->is_uint64()) return static_cast<int64_t>(field->as_uint64());
  if (!field->is_string()) return 0;
  const json::string& text = field->as_string();
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    // Lease ids are int64 but etcd may print them unsigned.
    uint64_t unsigned_value = 0;
    const auto [uend, uerror] =
        std::from_chars(text.data(), text.data() + text.size(), unsigned_value);
    if (uerror != std::errc() || uend != text.data() + text.size()) return 0;
    return static_cast<int64_t>(unsigned_value);
  }
  return value;
}

int64_t HeaderRevision(const json::object& answer) {
  const json::value* header = answer.if_contains("header");
  if (header == nullptr || !header->is_object()) return 0;
  return IntField(header->as_object(), "revision");
}

absl::StatusOr<KeyValue> ParseKeyValue(const json::object& kv) {
  KeyValue out;
  for (auto [name, target] : {std::pair{"key", &out.key}, std::pair{"value", &out.value}}) {
    const json::value* field = kv.if_contains(name);
    if (field == nullptr) continue;  // an empty value is omitted
    if (!field->is_string() ||
        !absl::Base64Unescape(
            absl::string_view(field->as_string().data(), field->as_string().size()), target)) {
      return absl::InternalError(
          fmt::format("etcd answered a key-value whose {} is not base64", name));
    }
  }
  out.create_revision = IntField(kv, "create_revision");
  out.mod_revision = IntField(kv, "mod_revision");
  out.lease = IntField(kv, "lease");
  return out;
}

}  // namespace seckill::etcd
