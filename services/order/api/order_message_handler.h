#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "boost/asio/awaitable.hpp"
#include "libs/amqp/consumer.h"
#include "libs/tracing/tracer.h"
#include "services/order/domain/order.h"
#include "services/order/messaging/order_queue.h"

namespace seckill::order::api {

// Each order a handler takes is a consumer span ("<queue> process") of the trace its message
// carries (the publish's span: its parent, and linked), when `tracer` is set: the parent of the
// work done for the order (domain::Order::traceparent), and of its settlement ("ack <queue>",
// "nack <queue>" or "reject <queue>"), both ending when the consumer has sent that settlement.
struct ConsumerTracing {
  tracing::Tracer* tracer = nullptr;
  std::string queue;
};

// Runs `work` (a coroutine) on the orders a batch of messages carries (recording them, or
// cancelling them when their payment deadline expired); `decode` says which orders a message names
// (an OrderPlaced or OrdersPlaced by default). Poison (an undecodable body, an invalid order in it,
// or a permanent error for one of its orders) dead-letters its message once the message's other
// orders are done; the other messages of the batch go on. Transient errors (database or stock
// service down) are retried in place with back-off on a timer, never dead-lettered, until
// `stopping()` says to give the deliveries back.
class OrderMessageHandler {
 public:
  // One status per order, in the orders' order.
  using Work =
      std::function<boost::asio::awaitable<std::vector<absl::Status>>(std::vector<domain::Order>)>;
  using WorkOnOne = std::function<boost::asio::awaitable<absl::Status>(domain::Order)>;
  using Decode = std::function<absl::StatusOr<messaging::OrderMessage>(const amqp::Delivery&)>;

  OrderMessageHandler(Work work, std::function<bool()> stopping,
                      std::chrono::milliseconds max_backoff = std::chrono::seconds(5),
                      Decode decode = messaging::DecodeOrderMessage, ConsumerTracing tracing = {})
      : work_(std::move(work)),
        stopping_(std::move(stopping)),
        max_backoff_(max_backoff),
        decode_(std::move(decode)),
        tracer_(tracing.tracer),
        names_(std::make_shared<const SpanNames>(tracing.queue)) {}
  // For work that takes one order at a time.
  static Work OneAtATime(WorkOnOne work);

  // `work` gets at most this many orders at a time (messages may carry many each): the batch
  // calls it makes (stock service, multi-row INSERT) have limits of their own.
  static constexpr size_t kMaxOrdersPerWork = 512;

  boost::asio::awaitable<std::vector<amqp::Disposition>> operator()(
      std::vector<amqp::Delivery> deliveries) const;
  boost::asio::awaitable<amqp::Disposition> operator()(amqp::Delivery delivery) const;

 private:
  boost::asio::awaitable<std::vector<absl::Status>> WorkInChunks(
      std::vector<domain::Order> orders) const;
  // Hands each order's span (`spans`, of the delivery `delivery_of[k]`) to its delivery's
  // on_settled hook, with a child span of the settlement its disposition calls for.
  void EndAtSettlement(std::vector<amqp::Delivery>& deliveries,
                       const std::vector<amqp::Disposition>& dispositions,
                       std::vector<tracing::Span>& spans,
                       const std::vector<size_t>& delivery_of) const;

  Work work_;
  std::function<bool()> stopping_;
  std::chrono::milliseconds max_backoff_;
  Decode decode_;
  tracing::Tracer* tracer_;
  // Made once, not per order; borrowed by the spans, which may end after the handler is gone.
  struct SpanNames {
    explicit SpanNames(const std::string& name)
        : queue(name),
          process(name + " process"),
          ack("ack " + name),
          nack("nack " + name),
          reject("reject " + name) {}
    std::string queue, process, ack, nack, reject;
  };
  std::shared_ptr<const SpanNames> names_;
};

}  // namespace seckill::order::api
