#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "boost/asio/awaitable.hpp"
#include "libs/amqp/consumer.h"
#include "services/order/app/dead_letters.h"
#include "services/order/domain/order.h"

namespace seckill::order::api {

// The dead-letter queue's consumer: every delivery is kept (and, when it is an order, failed with
// its stock returned: app::DeadLetters::Receive) before it is acked. Nothing is ever dropped: the
// dead-letter queue has no dead-letter queue of its own, so a letter that cannot be kept is
// retried in place with back-off on a timer (logged as an error when the failure is not transient,
// such as a schema problem an operator must fix) until it is kept or `stopping()` gives it back.
// A letter `authentic` refuses (not signed by the services) is kept as it is, naming no order:
// nothing is failed and no stock moves for what anyone may have published.
class DeadLetterHandler {
 public:
  using Letter = app::DeadLetters::Letter;
  // A coroutine; its arguments are copies the coroutine owns.
  using KeepLetter = std::function<boost::asio::awaitable<absl::Status>(
      std::string message_id, std::string body, std::optional<domain::Order> order,
      std::string reason, Letter kind)>;
  using Authentic = std::function<absl::Status(const amqp::Delivery&)>;
  DeadLetterHandler(KeepLetter keep, std::function<bool()> stopping, Authentic authentic,
                    std::chrono::milliseconds max_backoff = std::chrono::seconds(5))
      : keep_(std::move(keep)),
        stopping_(std::move(stopping)),
        authentic_(std::move(authentic)),
        max_backoff_(max_backoff) {}
  boost::asio::awaitable<amqp::Disposition> operator()(amqp::Delivery delivery) const;

 private:
  boost::asio::awaitable<amqp::Disposition> Keep(std::string message_id, std::string body,
                                                 std::optional<domain::Order> order,
                                                 std::string reason, Letter kind) const;

  KeepLetter keep_;
  std::function<bool()> stopping_;
  Authentic authentic_;
  std::chrono::milliseconds max_backoff_;
};

}  // namespace seckill::order::api
