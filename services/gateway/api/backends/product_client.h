#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "boost/asio/awaitable.hpp"
#include "services/gateway/api/admission.h"
#include "services/gateway/domain/activity.h"

namespace seckill::rpc {
class ServiceChannel;
}

namespace seckill::gateway::api {

// An activity to create; already validated at the edge.
struct NewActivity {
  uint64_t product_id = 0;
  std::string title;
  int64_t price_cents = 0;
  int64_t stock = 0;
  int64_t start_at_ms = 0;
  int64_t end_at_ms = 0;
  int64_t limit_per_user = 1;
};

struct StockStats {
  int64_t stock = 0;
  int64_t remaining = 0;
  int64_t reserved = 0;
};

// The product service as the gateway's handlers use it: typed values in and out, each call
// through the "product" circuit breaker and with the backend timeout. "No such X" answers are
// NOT_FOUND statuses whose message a buyer can read. `traceparent` is forwarded when not empty.
// The coroutines take their arguments by value: pass named values (libs/base/await.h).
class ProductClient {
 public:
  // `channel` follows the service's instances; null: every call answers UNAVAILABLE.
  ProductClient(std::shared_ptr<const rpc::ServiceChannel> channel, BackendGuard& guard,
                std::chrono::milliseconds timeout);
  ~ProductClient();

  boost::asio::awaitable<absl::StatusOr<std::vector<domain::Activity>>> ListActivities(
      std::string traceparent);
  // nullopt: no such activity (the activity cache keeps that answer too).
  boost::asio::awaitable<absl::StatusOr<std::optional<domain::Activity>>> GetActivity(
      uint64_t activity_id, std::string traceparent);
  boost::asio::awaitable<absl::StatusOr<uint64_t>> CreateProduct(std::string name,
                                                                 std::string description,
                                                                 int64_t price_cents,
                                                                 std::string traceparent);
  boost::asio::awaitable<absl::StatusOr<uint64_t>> CreateActivity(NewActivity activity,
                                                                  std::string traceparent);
  boost::asio::awaitable<absl::StatusOr<StockStats>> GetStockStats(uint64_t activity_id,
                                                                   std::string traceparent);
  // Whether the service answers at all, for readiness; not through the breaker.
  boost::asio::awaitable<absl::Status> Probe();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  BackendGuard& guard_;
  std::chrono::milliseconds timeout_;
};

}  // namespace seckill::gateway::api
