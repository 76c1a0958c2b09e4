#include "tools/bench/sale_client.h"

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "fmt/format.h"
#include "libs/base/numbers.h"
#include "libs/base/time_format.h"

namespace seckill::bench {

namespace json = boost::json;

std::string JsonString(const std::string& body, const std::string& key) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return "";
  const json::value* field = v.as_object().if_contains(key);
  return field != nullptr && field->is_string() ? std::string(field->as_string()) : "";
}

std::string ErrorCode(const std::string& body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return "";
  const json::value* error = v.as_object().if_contains("error");
  if (error == nullptr || !error->is_object()) return "";
  const json::value* code = error->as_object().if_contains("code");
  return code != nullptr && code->is_string() ? std::string(code->as_string()) : "";
}

absl::StatusOr<http::Response> SaleClient::Call(const std::string& method,
                                                const std::string& target, const std::string& body,
                                                const std::string& token,
                                                http::Headers extra) const {
  if (!token.empty()) extra.emplace_back("Authorization", "Bearer " + token);
  return http::Fetch(host_, port_, method, target, body, extra, std::chrono::seconds(60));
}

namespace {

absl::StatusOr<std::string> Expect(const absl::StatusOr<http::Response>& r, int status,
                                   const std::string& field, const char* what) {
  if (!r.ok()) return r.status();
  if (r->status != status) {
    return absl::InternalError(fmt::format("{}: HTTP {} {}", what, r->status, r->body));
  }
  return JsonString(r->body, field);
}

}  // namespace

absl::StatusOr<std::string> SaleClient::Login(const std::string& username,
                                              const std::string& password) const {
  json::object body{{"username", username}, {"password", password}};
  return Expect(Call("POST", "/api/v1/sessions", json::serialize(body)), 200, "token", "login");
}

absl::StatusOr<std::string> SaleClient::CreateProduct(const std::string& admin_token,
                                                      const std::string& name,
                                                      int64_t price_cents) const {
  json::object body{
      {"name", name}, {"description", "created by seckill-bench"}, {"price_cents", price_cents}};
  return Expect(Call("POST", "/admin/v1/products", json::serialize(body), admin_token), 201,
                "product_id", "create product");
}

absl::StatusOr<std::string> SaleClient::CreateActivity(const std::string& admin_token,
                                                       const std::string& product_id, int64_t stock,
                                                       int64_t price_cents, int64_t start_ms,
                                                       int64_t end_ms,
                                                       int64_t limit_per_user) const {
  json::object body{{"product_id", product_id},
                    {"title", "seckill-bench sale"},
                    {"price_cents", price_cents},
                    {"stock", stock},
                    {"start_at", base::FormatRfc3339(start_ms)},
                    {"end_at", base::FormatRfc3339(end_ms)},
                    {"limit_per_user", limit_per_user}};
  return Expect(Call("POST", "/admin/v1/activities", json::serialize(body), admin_token), 201,
                "activity_id", "create activity");
}

absl::StatusOr<std::vector<BuyerAccount>> SaleClient::CreateBuyers(
    const std::string& admin_token, const std::string& prefix, int count,
    const std::string& password) const {
  std::vector<BuyerAccount> buyers;
  constexpr int kBatch = 5000;
  for (int done = 0; done < count; done += kBatch) {
    const int n = std::min(kBatch, count - done);
    json::object body{{"prefix", fmt::format("{}-{}", prefix, done / kBatch)},
                      {"count", n},
                      {"password", password}};
    auto r = Call("POST", "/admin/v1/users:bulk", json::serialize(body), admin_token);
    if (!r.ok()) return r.status();
    if (r->status != 201)
      return absl::InternalError(fmt::format("create buyers: HTTP {} {}", r->status, r->body));
    json::value v = json::parse(r->body);
    for (const json::value& u : v.at("users").as_array()) {
      const json::object& o = u.as_object();
      buyers.push_back(BuyerAccount{std::string(o.at("user_id").as_string()),
                                    std::string(o.at("username").as_string()),
                                    std::string(o.at("token").as_string())});
    }
  }
  return buyers;
}

absl::StatusOr<SaleClient::Stats> SaleClient::ActivityStats(const std::string& admin_token,
                                                            const std::string& activity_id) const {
  auto r = Call("GET", fmt::format("/admin/v1/activities/{}/stats", activity_id), "", admin_token);
  if (!r.ok()) return r.status();
  if (r->status != 200)
    return absl::InternalError(fmt::format("stats: HTTP {} {}", r->status, r->body));
  json::object o = json::parse(r->body).as_object();
  const json::object& orders = o.at("orders").as_object();
  Stats s;
  s.stock = o.at("stock").as_int64();
  s.remaining = o.at("remaining").as_int64();
  s.reserved = o.at("reserved").as_int64();
  s.queued = orders.at("QUEUED").as_int64();
  s.created = orders.at("CREATED").as_int64();
  s.paid = orders.at("PAID").as_int64();
  s.cancelled = orders.at("CANCELLED").as_int64();
  s.failed = orders.at("FAILED").as_int64();
  return s;
}

absl::StatusOr<int64_t> SaleClient::OrderRequestsSeen(const std::string& admin_token) const {
  auto r = Call("GET", "/admin/v1/flow/metrics", "", admin_token);
  if (!r.ok()) return r.status();
  if (r->status != 200)
    return absl::InternalError(fmt::format("flow metrics: HTTP {} {}", r->status, r->body));
  boost::system::error_code ec;
  const json::value body = json::parse(r->body, ec);
  if (ec || !body.is_object()) return absl::InternalError("flow metrics: not a JSON object");
  const json::value* resources = body.as_object().if_contains("resources");
  if (resources == nullptr || !resources->is_array()) return int64_t{0};
  for (const json::value& v : resources->as_array()) {
    const json::object& resource = v.as_object();
    if (resource.at("resource").as_string() != "POST /api/v1/activities/{id}/orders") continue;
    int64_t seen = resource.at("passed").to_number<int64_t>();
    for (const auto& blocked : resource.at("blocked").as_object()) {
      seen += blocked.value().to_number<int64_t>();
    }
    return seen;
  }
  return int64_t{0};
}

absl::StatusOr<int64_t> SaleClient::CounterValue(const std::string& name) const {
  auto r = Call("GET", "/metrics");
  if (!r.ok()) return r.status();
  if (r->status != 200) return absl::InternalError(fmt::format("/metrics: HTTP {}", r->status));
  const std::string prefix = name + " ";
  for (size_t at = 0; at < r->body.size();) {
    size_t end = r->body.find('\n', at);
    if (end == std::string::npos) end = r->body.size();
    const std::string_view line(r->body.data() + at, end - at);
    if (line.starts_with(prefix)) {
      if (auto value = base::ParseInteger<int64_t>(line.substr(prefix.size()))) return *value;
    }
    at = end + 1;
  }
  return absl::NotFoundError(fmt::format("/metrics has no {}", name));
}

}  // namespace seckill::bench
