#pragma once
// Reading etcd's JSON gateway answers: 64-bit numbers arrive as strings, bytes as base64, errors
// as {"error", "code" (a gRPC code), "message"}.

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "boost/json/object.hpp"
#include "libs/etcd/client.h"
#include "libs/http/message.h"

namespace seckill::etcd {

// The answer's JSON object, or its error as a Status with etcd's gRPC code and message.
absl::StatusOr<boost::json::object> ParseAnswer(const http::Response& response);
// An error object of a streamed answer ({"error": {...}}) or a body as a Status.
absl::Status ErrorStatus(const boost::json::object& error, int http_status);
// A 64-bit integer field written as a string or a number; 0 when absent or malformed.
int64_t IntField(const boost::json::object& object, std::string_view name);
// header.revision of an answer; 0 when absent.
int64_t HeaderRevision(const boost::json::object& answer);
// A mvccpb.KeyValue, its key and value decoded.
absl::StatusOr<KeyValue> ParseKeyValue(const boost::json::object& kv);

}  // namespace seckill::etcd
