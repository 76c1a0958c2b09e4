#include "services/order/api/order_message_handler.h"

#include <deque>

#include "gtest/gtest.h"
#include "services/order/messaging/order_queue.h"

namespace seckill::order::api {
namespace {

using namespace std::chrono_literals;

amqp::Delivery AnOrderMessage() {
  amqp::Delivery d;
  d.body = messaging::EncodeOrderPlaced({77, 42, 7, 1, 250, domain::OrderStatus::kQueued, 5}, "");
  d.message_id = "77";
  return d;
}

TEST(OrderMessageHandlerTest, TransientFailuresAreRetriedNotDeadLettered) {
  std::deque<absl::Status> answers = {absl::UnavailableError("db down"), absl::AbortedError("deadlock"),
                                      absl::DeadlineExceededError("slow"), absl::OkStatus()};
  int calls = 0;
  OrderMessageHandler handler(
      [&](const domain::Order& o) {
        EXPECT_EQ(o.order_id, 77u);
        ++calls;
        absl::Status s = answers.front();
        answers.pop_front();
        return s;
      },
      [] { return false; }, /*max_backoff=*/50ms);
  EXPECT_EQ(handler(AnOrderMessage()), amqp::Disposition::kAck);
  EXPECT_EQ(calls, 4);  // three transient failures, then the commit
}

TEST(OrderMessageHandlerTest, PoisonAndPermanentErrorsAreDeadLettered) {
  int calls = 0;
  OrderMessageHandler handler([&](const domain::Order&) { ++calls; return absl::InternalError("bad row"); },
                              [] { return false; });
  amqp::Delivery poison;
  poison.body = "\xff\xfe not protobuf";
  EXPECT_EQ(handler(poison), amqp::Disposition::kDeadLetter);
  EXPECT_EQ(calls, 0);  // never reached the work
  EXPECT_EQ(handler(AnOrderMessage()), amqp::Disposition::kDeadLetter);
  EXPECT_EQ(calls, 1);
}

TEST(OrderMessageHandlerTest, StoppingDuringRetriesGivesTheMessageBack) {
  bool stopping = false;
  int calls = 0;
  OrderMessageHandler handler(
      [&](const domain::Order&) {
        if (++calls == 2) stopping = true;
        return absl::UnavailableError("db down");
      },
      [&] { return stopping; }, 50ms);
  EXPECT_EQ(handler(AnOrderMessage()), amqp::Disposition::kRequeue);  // not acked, not dead-lettered
}

}  // namespace
}  // namespace seckill::order::api
