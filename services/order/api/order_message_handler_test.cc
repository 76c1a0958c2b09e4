#include "services/order/api/order_message_handler.h"

#include <deque>
#include <map>

#include "gtest/gtest.h"
#include "libs/base/run_to_completion.h"
#include "libs/tracing/testing/otlp_receiver.h"
#include "services/order/messaging/order_queue.h"

namespace seckill::order::api {
namespace {

using namespace std::chrono_literals;

// The handler's work as coroutines, from plain functions: what the tests check is what the
// handler decides from the work's answers.
OrderMessageHandler::Work Async(
    std::function<std::vector<absl::Status>(const std::vector<domain::Order>&)> work) {
  return [work = std::move(work)](std::vector<domain::Order> orders)
             -> boost::asio::awaitable<std::vector<absl::Status>> { co_return work(orders); };
}

OrderMessageHandler::Work OneAtATime(std::function<absl::Status(const domain::Order&)> work) {
  return OrderMessageHandler::OneAtATime(
      [work = std::move(work)](domain::Order o) -> boost::asio::awaitable<absl::Status> {
        co_return work(o);
      });
}

template <class Deliveries>
auto Handle(const OrderMessageHandler& handler, Deliveries deliveries) {
  return base::RunToCompletion(handler(std::move(deliveries)));
}

amqp::Delivery AnOrderMessage(uint64_t id = 77) {
  amqp::Delivery d;
  d.body = messaging::EncodeOrderPlaced({id, 42, 7, 1, 250, domain::OrderStatus::kQueued, 5}, "");
  d.message_id = std::to_string(id);
  return d;
}

TEST(OrderMessageHandlerTest, TransientFailuresAreRetriedNotDeadLettered) {
  std::deque<absl::Status> answers = {absl::UnavailableError("db down"),
                                      absl::AbortedError("deadlock"),
                                      absl::DeadlineExceededError("slow"), absl::OkStatus()};
  int calls = 0;
  OrderMessageHandler handler(
      OneAtATime([&](const domain::Order& o) {
        EXPECT_EQ(o.order_id, 77u);
        ++calls;
        absl::Status s = answers.front();
        answers.pop_front();
        return s;
      }),
      [] { return false; }, /*max_backoff=*/50ms);
  EXPECT_EQ(Handle(handler, AnOrderMessage()), amqp::Disposition::kAck);
  EXPECT_EQ(calls, 4);  // three transient failures, then the commit
}

TEST(OrderMessageHandlerTest, PoisonAndPermanentErrorsAreDeadLettered) {
  int calls = 0;
  OrderMessageHandler handler(OneAtATime([&](const domain::Order&) {
                                ++calls;
                                return absl::InternalError("bad row");
                              }),
                              [] { return false; });
  amqp::Delivery poison;
  poison.body = "\xff\xfe not protobuf";
  EXPECT_EQ(Handle(handler, poison), amqp::Disposition::kDeadLetter);
  EXPECT_EQ(calls, 0);  // never reached the work
  EXPECT_EQ(Handle(handler, AnOrderMessage()), amqp::Disposition::kDeadLetter);
  EXPECT_EQ(calls, 1);
}

TEST(OrderMessageHandlerTest, StoppingDuringRetriesGivesTheMessageBack) {
  bool stopping = false;
  int calls = 0;
  OrderMessageHandler handler(
      OneAtATime([&](const domain::Order&) {
        if (++calls == 2) stopping = true;
        return absl::UnavailableError("db down");
      }),
      [&] { return stopping; }, 50ms);
  EXPECT_EQ(Handle(handler, AnOrderMessage()),
            amqp::Disposition::kRequeue);  // not acked, not dead-lettered
}

// In a batch: the poison body and the order with a permanent error are dead-lettered alone, the
// transiently failing one is retried until it passes, and only the orders still to do are
// handed to the work again.
TEST(OrderMessageHandlerTest, InABatchEachMessageGetsItsOwnDisposition) {
  amqp::Delivery poison;
  poison.body = "\xff\xfe not protobuf";
  std::vector<std::vector<uint64_t>> calls;
  int transient_left = 2;
  OrderMessageHandler handler(
      Async([&](const std::vector<domain::Order>& orders) {
        calls.emplace_back();
        std::vector<absl::Status> done;
        for (const domain::Order& o : orders) {
          calls.back().push_back(o.order_id);
          if (o.order_id == 2) {
            done.push_back(absl::InternalError("refused"));
          } else if (o.order_id == 3 && transient_left > 0) {
            --transient_left;
            done.push_back(absl::UnavailableError("db down"));
          } else {
            done.push_back(absl::OkStatus());
          }
        }
        return done;
      }),
      [] { return false; }, 50ms);
  using D = amqp::Disposition;
  EXPECT_EQ(
      Handle(handler, std::vector<amqp::Delivery>{AnOrderMessage(1), poison, AnOrderMessage(2),
                                                  AnOrderMessage(3), AnOrderMessage(4)}),
      (std::vector<D>{D::kAck, D::kDeadLetter, D::kDeadLetter, D::kAck, D::kAck}));
  EXPECT_EQ(calls, (std::vector<std::vector<uint64_t>>{{1, 2, 3, 4}, {3}, {3}}));
}

TEST(OrderMessageHandlerTest, StoppingGivesBackOnlyTheMessagesStillToDo) {
  OrderMessageHandler handler(
      Async([&](const std::vector<domain::Order>& orders) {
        std::vector<absl::Status> done;
        for (const domain::Order& o : orders) {
          done.push_back(o.order_id == 2 ? absl::UnavailableError("db down") : absl::OkStatus());
        }
        return done;
      }),
      [] { return true; }, 50ms);
  using D = amqp::Disposition;
  EXPECT_EQ(Handle(handler, std::vector<amqp::Delivery>{AnOrderMessage(1), AnOrderMessage(2)}),
            (std::vector<D>{D::kAck, D::kRequeue}));
}

amqp::Delivery AnOrdersMessage(uint64_t first, size_t n, uint64_t invalid_id = 0) {
  std::vector<messaging::PlacedOrder> orders;
  for (uint64_t id = first; id < first + n; ++id) {
    orders.push_back(
        {{id, 42, 7, id == invalid_id ? 0 : 1, 250, domain::OrderStatus::kQueued, 5}, ""});
  }
  amqp::Delivery d;
  d.body = messaging::EncodeOrdersPlaced(orders);
  d.message_id = "orders-" + std::to_string(first);
  d.headers[messaging::kMessageHeader] = messaging::kOrdersPlacedMessage;
  return d;
}

TEST(OrderMessageHandlerTest, AMessageOfManyOrdersIsDoneInChunksAndAckedOnce) {
  std::vector<size_t> chunks;
  std::vector<uint64_t> seen;
  OrderMessageHandler handler(
      Async([&](const std::vector<domain::Order>& orders) {
        chunks.push_back(orders.size());
        for (const domain::Order& o : orders) seen.push_back(o.order_id);
        return std::vector<absl::Status>(orders.size());
      }),
      [] { return false; }, 50ms);
  const size_t n = OrderMessageHandler::kMaxOrdersPerWork + 3;
  const auto done =
      Handle(handler, std::vector<amqp::Delivery>{AnOrdersMessage(1000, n), AnOrderMessage(7)});
  EXPECT_EQ(done,
            (std::vector<amqp::Disposition>{amqp::Disposition::kAck, amqp::Disposition::kAck}));
  EXPECT_EQ(chunks, (std::vector<size_t>{OrderMessageHandler::kMaxOrdersPerWork, 4}));
  ASSERT_EQ(seen.size(), n + 1);
  EXPECT_EQ(seen.front(), 1000u);
  EXPECT_EQ(seen.back(), 7u);
}

TEST(OrderMessageHandlerTest, AnInvalidOrderInAMessageDeadLettersItAfterItsValidOrders) {
  std::vector<uint64_t> seen;
  OrderMessageHandler handler(
      Async([&](const std::vector<domain::Order>& orders) {
        for (const domain::Order& o : orders) seen.push_back(o.order_id);
        return std::vector<absl::Status>(orders.size());
      }),
      [] { return false; }, 50ms);
  const auto done = Handle(
      handler,
      std::vector<amqp::Delivery>{AnOrdersMessage(10, 3, /*invalid_id=*/11), AnOrderMessage(7)});
  // Its valid neighbours are recorded; the dead-letter consumer keeps the invalid one alone.
  EXPECT_EQ(done, (std::vector<amqp::Disposition>{amqp::Disposition::kDeadLetter,
                                                  amqp::Disposition::kAck}));
  EXPECT_EQ(seen, (std::vector<uint64_t>{10, 12, 7}));
}

// Each order is a consumer span of its own trace: the child of (and linked to) the span its
// message names, saying how its delivery is settled, the parent of the work on the order and of
// the settlement, both ending when the consumer says the settlement was sent (or not).
TEST(OrderMessageHandlerTest, EachOrderIsAConsumerSpanOfItsMessagesTrace) {
  tracing::testing::OtlpReceiver receiver;
  base::Metrics metrics;
  tracing::Tracer tracer({.service = "seckill-order", .endpoint = receiver.endpoint()}, metrics);
  const std::string a = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  const std::string b = "00-5bf92f3577b34da6a3ce929d0e0e4736-10f067aa0ba902b7-01";
  amqp::Delivery one;
  one.body = messaging::EncodeOrderPlaced({1, 42, 7, 1, 250, domain::OrderStatus::kQueued, 5}, a);
  one.message_id = "1";
  amqp::Delivery two;
  two.body =
      messaging::EncodeOrdersPlaced({{{2, 42, 8, 1, 250, domain::OrderStatus::kQueued, 5}, b}});
  two.message_id = "orders-2";
  two.headers[messaging::kMessageHeader] = messaging::kOrdersPlacedMessage;
  std::map<uint64_t, std::string> work_parents;  // each order's traceparent as the work saw it
  OrderMessageHandler handler(
      OneAtATime([&work_parents](const domain::Order& o) {
        work_parents[o.order_id] = o.traceparent;
        return o.order_id == 2 ? absl::InvalidArgumentError("never") : absl::OkStatus();
      }),
      [] { return false; }, 50ms, messaging::DecodeOrderMessage, {&tracer, "seckill.orders"});
  Handle(handler, std::vector<amqp::Delivery>{one, two});
  tracer.Flush();
  EXPECT_TRUE(receiver.Spans().empty()) << "a span ended before its delivery was settled";
  // The consumer's word (one and two share their hooks with the deliveries handled).
  (*one.on_settled)(amqp::Disposition::kAck, absl::OkStatus());
  (*two.on_settled)(amqp::Disposition::kDeadLetter, absl::UnavailableError("connection lost"));
  tracer.Flush();
  const std::vector<tracing::testing::ReceivedSpan> spans = receiver.Spans();
  ASSERT_EQ(spans.size(), 4u);
  std::map<std::string, tracing::testing::ReceivedSpan> process;  // by order id
  for (const auto& span : spans) {
    if (span.name == "seckill.orders process")
      process[span.attributes.at("seckill.order_id")] = span;
  }
  ASSERT_EQ(process.size(), 2u);
  for (const auto& [order_id, span] : process) {
    EXPECT_EQ(span.kind, 5);
    const std::string& parent = order_id == "1" ? a : b;
    EXPECT_EQ(span.trace_id, parent.substr(3, 32));
    EXPECT_EQ(span.parent_span_id, parent.substr(36, 16));
    ASSERT_EQ(span.links.size(), 1u);
    EXPECT_EQ(span.links[0].second, parent.substr(36, 16));
    const bool failed = order_id == "2";
    EXPECT_EQ(span.attributes.at("seckill.disposition"), failed ? "dead_letter" : "ack");
    EXPECT_EQ(span.status_code, failed ? 2 : 0);
    // The work on the order was handed this span as its parent.
    const std::string& seen = work_parents.at(failed ? 2 : 1);
    EXPECT_EQ(seen.substr(3, 32), span.trace_id);
    EXPECT_EQ(seen.substr(36, 16), span.span_id);
  }
  for (const auto& span : spans) {
    if (span.name == "seckill.orders process") continue;
    const bool acked = span.name == "ack seckill.orders";
    EXPECT_TRUE(acked || span.name == "reject seckill.orders") << span.name;
    const auto& parent = process.at(acked ? "1" : "2");
    EXPECT_EQ(span.trace_id, parent.trace_id);
    EXPECT_EQ(span.parent_span_id, parent.span_id);
    EXPECT_EQ(span.kind, 3);
    EXPECT_EQ(span.attributes.at("messaging.operation.type"), "settle");
    EXPECT_EQ(span.attributes.at("seckill.sent"), acked ? "true" : "false");
    EXPECT_EQ(span.status_code, acked ? 0 : 2);
  }
}

}  // namespace
}  // namespace seckill::order::api
