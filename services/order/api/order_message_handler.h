#pragma once

#include <chrono>
#include <functional>

#include "libs/amqp/consumer.h"
#include "absl/status/status.h"
#include "services/order/domain/order.h"

namespace seckill::order::api {

// Runs `work` on the order an order message carries (recording it, or cancelling it when its
// payment deadline expired). Poison (an undecodable or invalid body, or a permanent error) is
// dead-lettered; transient errors (database or stock service down) are retried in place with
// back-off, never dead-lettered, until `stopping()` says to give the delivery back.
class OrderMessageHandler {
 public:
  using Work = std::function<absl::Status(const domain::Order&)>;
  OrderMessageHandler(Work work, std::function<bool()> stopping,
                      std::chrono::milliseconds max_backoff = std::chrono::seconds(5))
      : work_(std::move(work)), stopping_(std::move(stopping)), max_backoff_(max_backoff) {}

  amqp::Disposition operator()(const amqp::Delivery& delivery) const;

 private:
  Work work_;
  std::function<bool()> stopping_;
  std::chrono::milliseconds max_backoff_;
};

}  // namespace seckill::order::api
