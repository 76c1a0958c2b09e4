#include "services/order/api/dead_letter_handler.h"

#include <deque>

#include "gtest/gtest.h"
#include "libs/base/run_to_completion.h"
#include "services/order/messaging/message_signer.h"
#include "services/order/messaging/order_queue.h"

namespace seckill::order::api {
namespace {

using namespace std::chrono_literals;

using KeepNow = std::function<absl::Status(const std::string&, const std::string&,
                                           const std::optional<domain::Order>&, const std::string&,
                                           DeadLetterHandler::Letter)>;

// The keeping as a coroutine, from a plain function.
DeadLetterHandler::KeepLetter Async(KeepNow keep) {
  return [keep = std::move(keep)](
             std::string message_id, std::string body, std::optional<domain::Order> order,
             std::string reason,
             DeadLetterHandler::Letter kind) -> boost::asio::awaitable<absl::Status> {
    co_return keep(message_id, body, order, reason, kind);
  };
}

const messaging::MessageSigner kSigner("the services' message key, 32 bytes or more");
DeadLetterHandler::Authentic Authentic() {
  return [](const amqp::Delivery& d) { return kSigner.Check(d); };
}
// `letter` as the order service would have published it.
amqp::Delivery Signed(amqp::Delivery letter) {
  amqp::Message message;
  message.body = letter.body;
  for (const auto& header : letter.headers) message.headers.emplace_back(header);
  kSigner.Sign(message);
  for (const auto& [name, value] : message.headers) letter.headers[name] = value;
  return letter;
}

amqp::Disposition Handle(const DeadLetterHandler& handler, amqp::Delivery delivery) {
  return base::RunToCompletion(handler(std::move(delivery)));
}

TEST(DeadLetterHandlerTest, ALetterThatCannotBeKeptIsRetriedNeverDropped) {
  std::deque<absl::Status> answers = {absl::InternalError("schema problem"),
                                      absl::InvalidArgumentError("too long"),
                                      absl::UnavailableError("db down"), absl::OkStatus()};
  int calls = 0;
  DeadLetterHandler handler(
      Async([&](const std::string& message_id, const std::string&,
                const std::optional<domain::Order>& order, const std::string&,
                DeadLetterHandler::Letter) {
        EXPECT_EQ(message_id, "77");
        EXPECT_TRUE(order.has_value() && order->order_id == 77u);
        ++calls;
        absl::Status s = answers.front();
        answers.pop_front();
        return s;
      }),
      [] { return false; }, Authentic(), /*max_backoff=*/50ms);
  amqp::Delivery letter;
  letter.body =
      messaging::EncodeOrderPlaced({77, 42, 7, 1, 250, domain::OrderStatus::kQueued, 5}, "");
  letter.message_id = "77";
  EXPECT_EQ(Handle(handler, Signed(letter)), amqp::Disposition::kAck);
  EXPECT_EQ(calls, 4);  // acked only once it was kept
}

TEST(DeadLetterHandlerTest, PoisonIsKeptAsNotAnOrderAndStoppingGivesItBack) {
  bool stopping = false;
  std::string kept_reason;
  DeadLetterHandler handler(
      Async([&](const std::string&, const std::string& body,
                const std::optional<domain::Order>& order, const std::string& reason,
                DeadLetterHandler::Letter) {
        EXPECT_EQ(body, "\xff not protobuf");
        EXPECT_FALSE(order.has_value());
        kept_reason = reason;
        stopping = true;
        return absl::InternalError("schema problem");
      }),
      [&] { return stopping; }, Authentic(), 50ms);
  amqp::Delivery poison;
  poison.body = "\xff not protobuf";
  EXPECT_EQ(Handle(handler, Signed(poison)),
            amqp::Disposition::kRequeue);  // back to the queue, not acked away
  EXPECT_FALSE(kept_reason.empty());
}

TEST(DeadLetterHandlerTest, ALetterOfManyOrdersIsKeptOrderByOrder) {
  struct Kept {
    std::string message_id;
    std::optional<domain::Order> order;
    DeadLetterHandler::Letter kind;
  };
  std::vector<Kept> kept;
  DeadLetterHandler handler(
      Async([&](const std::string& message_id, const std::string& body,
                const std::optional<domain::Order>& order, const std::string&,
                DeadLetterHandler::Letter kind) {
        // Each member is kept with a body of its own, replayable as one OrderPlaced.
        if (order) {
          EXPECT_TRUE(messaging::DecodeOrderPlaced(body).ok());
        }
        kept.push_back({message_id, order, kind});
        return absl::OkStatus();
      }),
      [] { return false; }, Authentic(), 50ms);
  amqp::Delivery letter;
  letter.message_id = "orders-5";
  letter.headers[messaging::kMessageHeader] = messaging::kOrdersPlacedMessage;
  letter.body = messaging::EncodeOrdersPlaced(
      {{{5, 42, 7, 1, 250, domain::OrderStatus::kQueued, 1}, ""},
       {{6, 42, 8, 0, 250, domain::OrderStatus::kQueued, 1}, ""},  // quantity 0: poison
       {{7, 42, 9, 2, 500, domain::OrderStatus::kQueued, 1}, ""}});
  EXPECT_EQ(Handle(handler, Signed(letter)), amqp::Disposition::kAck);
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept[0].message_id, "5");
  EXPECT_EQ(kept[0].order->order_id, 5u);
  EXPECT_EQ(kept[1].message_id, "orders-5#1");
  EXPECT_FALSE(kept[1].order.has_value());
  EXPECT_EQ(kept[2].order->quantity, 2);
  for (const Kept& k : kept) EXPECT_EQ(k.kind, DeadLetterHandler::Letter::kBatchMember);
}

// Anyone who can publish to the broker can make a dead letter: one the services did not sign (or
// whose body was changed after) is kept as it is, naming no order, so no stock moves for it.
TEST(DeadLetterHandlerTest, ALetterTheServicesDidNotSignNamesNoOrder) {
  std::vector<std::optional<domain::Order>> kept;
  std::vector<std::string> reasons;
  DeadLetterHandler handler(
      Async([&](const std::string&, const std::string&, const std::optional<domain::Order>& order,
                const std::string& reason, DeadLetterHandler::Letter) {
        kept.push_back(order);
        reasons.push_back(reason);
        return absl::OkStatus();
      }),
      [] { return false; }, Authentic(), 50ms);
  amqp::Delivery unsigned_letter;
  unsigned_letter.body =
      messaging::EncodeOrderPlaced({77, 42, 7, 1, 250, domain::OrderStatus::kQueued, 5}, "");
  EXPECT_EQ(Handle(handler, unsigned_letter), amqp::Disposition::kAck);
  amqp::Delivery tampered = Signed(unsigned_letter);
  tampered.body =
      messaging::EncodeOrderPlaced({77, 42, 7, 3, 250, domain::OrderStatus::kQueued, 5}, "");
  EXPECT_EQ(Handle(handler, tampered), amqp::Disposition::kAck);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_FALSE(kept[0].has_value());
  EXPECT_FALSE(kept[1].has_value());
  EXPECT_NE(reasons[0].find("unsigned"), std::string::npos) << reasons[0];
  EXPECT_NE(reasons[1].find("forged"), std::string::npos) << reasons[1];
}

}  // namespace
}  // namespace seckill::order::api
