#pragma once

#include <chrono>
#include <functional>
#include <vector>

#include "absl/status/status.h"
#include "libs/amqp/consumer.h"
#include "services/order/domain/order.h"

namespace seckill::order::api {

// Runs `work` on the orders a batch of messages carries (recording them, or cancelling them when
// their payment deadline expired); `decode` says which orders a message names (one OrderPlaced
// by default). Poison (an undecodable or invalid body, or a permanent error for one of its
// orders) is dead-lettered alone; the others of its batch go on. Transient errors (database or
// stock service down) are retried in place with back-off, never dead-lettered, until
// `stopping()` says to give the deliveries back.
class OrderMessageHandler {
 public:
  // One status per order, in the orders' order.
  using Work = std::function<std::vector<absl::Status>(const std::vector<domain::Order>&)>;
  using WorkOnOne = std::function<absl::Status(const domain::Order&)>;
  using Decode = std::function<absl::StatusOr<std::vector<domain::Order>>(const amqp::Delivery&)>;

  OrderMessageHandler(Work work, std::function<bool()> stopping,
                      std::chrono::milliseconds max_backoff = std::chrono::seconds(5),
                      Decode decode = OrderPlaced)
      : work_(std::move(work)), stopping_(std::move(stopping)), max_backoff_(max_backoff),
        decode_(std::move(decode)) {}
  // The default Decode: the message is one OrderPlaced.
  static absl::StatusOr<std::vector<domain::Order>> OrderPlaced(const amqp::Delivery& delivery);
  // For work that takes one order at a time.
  static Work OneAtATime(WorkOnOne work);

  std::vector<amqp::Disposition> operator()(const std::vector<amqp::Delivery>& deliveries) const;
  amqp::Disposition operator()(const amqp::Delivery& delivery) const {
    return (*this)(std::vector<amqp::Delivery>{delivery}).front();
  }

 private:
  Work work_;
  std::function<bool()> stopping_;
  std::chrono::milliseconds max_backoff_;
  Decode decode_;
};

}  // namespace seckill::order::api
