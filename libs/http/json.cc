#include "libs/http/json.h"

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "fmt/format.h"

namespace seckill::http {

namespace json = boost::json;

Response JsonResponse(int status, const json::value& body) {
  Response r;
  r.status = status;
  r.body = json::serialize(body);
  return r;
}

Response ErrorResponse(int status, std::string_view code, std::string_view message) {
  json::object error;
  error["code"] = code;
  error["message"] = message;
  Response response = JsonResponse(status, json::object{{"error", std::move(error)}});
  response.error_code = code;
  return response;
}

absl::StatusOr<json::object> ParseJsonObject(const std::string& body, bool allow_empty) {
  if (body.empty()) {
    if (allow_empty) return json::object{};
    return absl::InvalidArgumentError("request body must be a JSON object");
  }
  boost::system::error_code ec;
  json::value value = json::parse(body, ec);
  if (ec) return absl::InvalidArgumentError(fmt::format("malformed JSON: {}", ec.message()));
  if (!value.is_object()) return absl::InvalidArgumentError("request body must be a JSON object");
  return std::move(value.as_object());
}

void JsonFields::Fail(std::string message) {
  if (!error_) error_ = std::move(message);
}

const json::value* JsonFields::Field(std::string_view key, bool required) {
  seen_.emplace(key);
  const json::value* value = object_.if_contains(key);
  if (value == nullptr || value->is_null()) {
    if (required) Fail(fmt::format("field '{}' is required", key));
    return nullptr;
  }
  return value;
}

std::optional<std::string> JsonFields::String(std::string_view key, bool required) {
  const json::value* value = Field(key, required);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) {
    Fail(fmt::format("field '{}' must be a string", key));
    return std::nullopt;
  }
  return std::string(value->as_string());
}

std::optional<int64_t> JsonFields::Int(std::string_view key, bool required, int64_t min,
                                       int64_t max) {
  const json::value* value = Field(key, required);
  if (value == nullptr) return std::nullopt;
  int64_t result = 0;
  if (value->is_int64()) {
    result = value->as_int64();
  } else if (value->is_uint64()) {
    Fail(fmt::format("field '{}' must be between {} and {}", key, min, max));
    return std::nullopt;
  } else {
    Fail(fmt::format("field '{}' must be an integer", key));
    return std::nullopt;
  }
  if (result < min || result > max) {
    Fail(fmt::format("field '{}' must be between {} and {}", key, min, max));
    return std::nullopt;
  }
  return result;
}

absl::Status JsonFields::Finish() {
  if (error_) return absl::InvalidArgumentError(*error_);
  for (const auto& [key, value] : object_) {
    if (!seen_.contains(std::string_view(key))) {
      return absl::InvalidArgumentError(fmt::format("unknown field '{}'", std::string_view(key)));
    }
  }
  return absl::OkStatus();
}

}  // namespace seckill::http
