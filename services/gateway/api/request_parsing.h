#pragma once
// Reading a request's parts into typed, valid values. Every rule of the API's input is checked
// here, at the edge; what passes is what the backends take without checking again.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "boost/json/object.hpp"
#include "libs/http/message.h"
#include "libs/http/router.h"

namespace seckill::gateway::api {

// An id as the API spells it: 1 to 20 decimal digits, not zero, within uint64.
std::optional<uint64_t> ParseId(std::string_view text);

// The path's {id}; INVALID_ARGUMENT "<what> id must be a positive integer" otherwise.
absl::StatusOr<uint64_t> PathId(const http::PathParams& params, std::string_view what);

// An id field of a JSON body, as a decimal string (ids are strings in this API) or a positive
// integer; INVALID_ARGUMENT naming the field otherwise.
absl::StatusOr<uint64_t> IdField(const boost::json::object& body, std::string_view key);

// The request's W3C traceparent when it is well formed, else empty (never forwarded). After
// HttpApi::Handle it names the gateway's span of the request.
std::string Traceparent(const http::Request& request);

// The Idempotency-Key header: empty when absent; INVALID_ARGUMENT unless 1 to 64 of letters,
// digits, '_', '-', '.', ':'.
absl::StatusOr<std::string> IdempotencyKey(const http::Request& request);

// OK for a request without a body or with `{}`; INVALID_ARGUMENT otherwise.
absl::Status NoBody(const http::Request& request);

// The order of a POST /api/v1/orders/{id}/<action> whose body, if any, must be {}.
absl::StatusOr<uint64_t> OrderActionTarget(const http::Request& request,
                                           const http::PathParams& params);

}  // namespace seckill::gateway::api
