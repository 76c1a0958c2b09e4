// The JSON request decoding every handler uses: a body parsed as one JSON object, read strictly
// by field (the shapes of the login, order and activity requests), ids and the headers the
// gateway reads. Properties: no crash or sanitizer report; a field read successfully has the
// type and range asked for.
#include <cstddef>
#include <cstdint>
#include <string>

#include "libs/http/json.h"
#include "services/gateway/api/request_parsing.h"

namespace {

void Require(bool property) {
  if (!property) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  for (const bool allow_empty : {false, true}) {
    auto object = seckill::http::ParseJsonObject(body, allow_empty);
    if (!object.ok()) continue;
    {  // a login or registration
      seckill::http::JsonFields fields(*object);
      auto username = fields.String("username", true);
      auto password = fields.String("password", true);
      if (fields.Finish().ok()) Require(username.has_value() && password.has_value());
    }
    {  // an order
      seckill::http::JsonFields fields(*object);
      auto quantity = fields.Int("quantity", false, 1, 1000);
      if (fields.Finish().ok() && quantity) Require(*quantity >= 1 && *quantity <= 1000);
    }
    {  // an activity
      seckill::http::JsonFields fields(*object);
      fields.Accept("product_id");
      auto stock = fields.Int("stock", true, 1, 10'000'000);
      auto starts = fields.String("start_time", true);
      (void)starts;
      if (fields.Finish().ok()) Require(stock && *stock >= 1);
    }
    auto id = seckill::gateway::api::IdField(*object, "product_id");
    if (id.ok()) Require(*id != 0);
  }
  // The same bytes as the headers and path pieces the gateway reads.
  seckill::http::Request request;
  request.headers = {{"traceparent", body}, {"idempotency-key", body}};
  request.body = body;
  (void)seckill::gateway::api::Traceparent(request);
  auto key = seckill::gateway::api::IdempotencyKey(request);
  if (key.ok()) Require(key->size() <= 64);
  (void)seckill::gateway::api::NoBody(request);
  if (auto parsed = seckill::gateway::api::ParseId(body)) Require(*parsed != 0);
  return 0;
}
