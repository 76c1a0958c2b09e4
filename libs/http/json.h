#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "boost/json/object.hpp"
#include "boost/json/value.hpp"
#include "libs/http/message.h"

namespace seckill::http {

// A JSON response with the given status.
Response JsonResponse(int status, const boost::json::value& body);
// The project's error shape: {"error":{"code":CODE,"message":MESSAGE}}.
Response ErrorResponse(int status, std::string_view code, std::string_view message);

// Parses a request body that must be one JSON object. INVALID_ARGUMENT with a message a client
// can act on otherwise. An empty body is allowed only when `allow_empty` (yields {}).
absl::StatusOr<boost::json::object> ParseJsonObject(const std::string& body, bool allow_empty);

// Reads fields of a JSON object strictly: wrong types and unknown fields are errors. Every
// getter records the first problem; Finish() reports it (INVALID_ARGUMENT) or an unknown field.
class JsonFields {
 public:
  explicit JsonFields(const boost::json::object& object) : object_(object) {}

  std::optional<std::string> String(std::string_view key, bool required);
  // An integer (not a float, not a string). Values outside [min, max] are errors.
  std::optional<int64_t> Int(std::string_view key, bool required, int64_t min, int64_t max);
  // Marks `key` as known without checking it: the caller validates that field itself.
  void Accept(std::string_view key) { seen_.emplace(key); }
  absl::Status Finish();

 private:
  const boost::json::value* Field(std::string_view key, bool required);
  void Fail(std::string message);

  const boost::json::object& object_;
  std::set<std::string, std::less<>> seen_;
  std::optional<std::string> error_;
};

}  // namespace seckill::http
