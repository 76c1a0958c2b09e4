#pragma once
// From failed statuses and the order service's refusals to HTTP answers (status, stable error
// code, a message a person can act on, Retry-After where waiting helps). A refusal that only one
// handler gives (a taken username, an order that cannot be paid) is spelled in that handler.
// docs/openapi.yaml lists every code.

#include <string_view>

#include "absl/status/status.h"
#include "libs/http/message.h"
#include "services/gateway/domain/activity.h"

namespace seckill::gateway::api {

http::Response Unauthenticated(std::string_view message);

// A failed status from a use case or a backend call; `what` names the part that failed, for the
// log and the 503's message. Business refusals do not arrive here.
http::Response FromStatus(const absl::Status& status, std::string_view what);

// The answer to a refusal, whoever decided it (the stock ledger, or the gateway from what it
// already knew). Built once per refusal: refusals are most of a sale's answers.
http::Response RefusalResponse(domain::Refusal refusal);

}  // namespace seckill::gateway::api
