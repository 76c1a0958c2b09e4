#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/http/client.h"

namespace seckill::bench {

struct BuyerAccount {
  std::string user_id;
  std::string username;
  std::string token;
};

// The admin and buyer calls the load tool and the e2e tests make, over blocking HTTP requests
// (one connection each). Errors are INTERNAL with the status and body of the failed response.
class SaleClient {
 public:
  SaleClient(std::string host, uint16_t port) : host_(std::move(host)), port_(port) {}

  absl::StatusOr<std::string> Login(const std::string& username, const std::string& password) const;
  absl::StatusOr<std::string> CreateProduct(const std::string& admin_token, const std::string& name,
                                            int64_t price_cents) const;
  // start/end are epoch milliseconds.
  absl::StatusOr<std::string> CreateActivity(const std::string& admin_token,
                                             const std::string& product_id, int64_t stock,
                                             int64_t price_cents, int64_t start_ms, int64_t end_ms,
                                             int64_t limit_per_user) const;
  absl::StatusOr<std::vector<BuyerAccount>> CreateBuyers(const std::string& admin_token,
                                                         const std::string& prefix, int count,
                                                         const std::string& password) const;
  // The parsed JSON body of GET /admin/v1/activities/{id}/stats.
  struct Stats {
    int64_t stock = 0, remaining = 0, reserved = 0;
    int64_t queued = 0, created = 0, paid = 0, cancelled = 0, failed = 0;
  };
  absl::StatusOr<Stats> ActivityStats(const std::string& admin_token,
                                      const std::string& activity_id) const;

  // How many order requests this gateway's flow control has seen (admitted or refused), from
  // its GET /admin/v1/flow/metrics.
  absl::StatusOr<int64_t> OrderRequestsSeen(const std::string& admin_token) const;
  // The value of the counter `name` at this service's GET /metrics (Prometheus text).
  absl::StatusOr<int64_t> CounterValue(const std::string& name) const;

  // Any request; for tests.
  absl::StatusOr<http::Response> Call(const std::string& method, const std::string& target,
                                      const std::string& body = "", const std::string& token = "",
                                      http::Headers extra = {}) const;

  const std::string& host() const { return host_; }
  uint16_t port() const { return port_; }

 private:
  std::string host_;
  uint16_t port_;
};

// The value of a string field of a JSON object body, or "".
std::string JsonString(const std::string& body, const std::string& key);
// "code" of an error body {"error":{"code":...}}, or "".
std::string ErrorCode(const std::string& body);

}  // namespace seckill::bench
