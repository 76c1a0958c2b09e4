// Issue 4, acceptance 3 on the running stack: a dead-lettered order is marked FAILED with its
// stock returned; a replay after the fix produces the order exactly once.
#include <future>
#include <random>
#include <thread>

#include "boost/json.hpp"
#include "fmt/format.h"
#include "gtest/gtest.h"
#include "libs/amqp/publisher.h"
#include "libs/redis/sync_client.h"
#include "services/order/messaging/message_signer.h"
#include "services/order/messaging/order_queue.h"
#include "tests/support/e2e_fixture.h"

namespace seckill::testing {
namespace {

using namespace std::chrono_literals;
using bench::JsonString;

class DeadLetterE2eTest : public E2eTest {};

TEST_F(DeadLetterE2eTest, DeadLetteredOrderFailsWithItsStockBackAndAReplayMakesItOnce) {
  const std::string activity = NewActivity(1);
  auto buyer = NewBuyers(1).at(0);
  static std::mt19937_64 rng(std::random_device{}());
  const uint64_t order_id = (rng() >> 2) | 1;

  // The order service reserved the unit for this order and published it; the order queue then
  // gave up on it (dead-lettered): reproduced here step by step.
  // As the operator: the product service's own Redis user may only call the stock functions.
  redis::SyncClient redis(*redis::Endpoint::FromUrl(env_.At("SECKILL_REDIS_OPS_URL")), 2s);
  const std::string tag = fmt::format("{{act:{}}}", activity);
  auto reserved =
      redis.Command({"FCALL", "seckill_reserve", "7", tag + ":info", tag + ":remaining",
                     tag + ":buyers", tag + ":resv", tag + ":idem", tag + ":inflight",
                     tag + ":pending", std::to_string(order_id), buyer.user_id, "1", ""});
  ASSERT_TRUE(reserved.ok());
  ASSERT_EQ(reserved->elements.at(0).str, "0") << "refused";  // REFUSAL_UNSPECIFIED: reserved
  ASSERT_EQ(Stats(activity).remaining, 0);

  amqp::PublisherOptions po;
  po.broker = StackBrokerOptions();
  po.topology = order::messaging::OrderQueueTopology();
  po.exchange = order::messaging::kDeadLetterExchange;
  amqp::Publisher publisher(po);
  publisher.Start();
  order::domain::Order order{order_id,
                             std::stoull(activity),
                             std::stoull(buyer.user_id),
                             1,
                             500,
                             order::domain::OrderStatus::kQueued,
                             1};
  // Signed with the services' key, as the order service signs what it publishes.
  amqp::Message message{order::messaging::EncodeOrderPlaced(order, ""),
                        "dl-" + std::to_string(order_id)};
  order::messaging::MessageSigner(env_.At("SECKILL_MESSAGES_KEY")).Sign(message);
  std::promise<absl::Status> confirmed;
  publisher.Publish(std::move(message), [&](absl::Status s) { confirmed.set_value(s); });
  ASSERT_TRUE(confirmed.get_future().get().ok());
  publisher.Stop();

  const std::string target = "/api/v1/orders/" + std::to_string(order_id);
  std::string status;
  for (int i = 0; i < 100 && status != "FAILED"; ++i) {
    auto r = client_.Call("GET", target, "", buyer.token);
    status = r.ok() ? JsonString(r->body, "status") : "";
    if (status != "FAILED") std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(status, "FAILED");
  EXPECT_EQ(Stats(activity).remaining, 1);  // its unit went back
  EXPECT_EQ(Stats(activity).failed, 1);

  auto listed = client_.Call("GET", "/admin/v1/dead-letters", "", admin_token_);
  ASSERT_TRUE(listed.ok());
  std::string dead_letter_id;
  const boost::json::value listing =
      boost::json::parse(listed->body);  // named: see the range-for note
  for (const auto& d : listing.at("dead_letters").as_array()) {
    if (d.at("order_id").is_string() && d.at("order_id").as_string() == std::to_string(order_id)) {
      dead_letter_id = std::string(d.at("id").as_string());
    }
  }
  ASSERT_FALSE(dead_letter_id.empty()) << listed->body;

  // The cause is "fixed": replay it. The order is made, once.
  auto replayed = client_.Call("POST", "/admin/v1/dead-letters/" + dead_letter_id + "/replay", "",
                               admin_token_);
  ASSERT_TRUE(replayed.ok());
  EXPECT_EQ(replayed->status, 200) << replayed->body;
  EXPECT_EQ(JsonString(replayed->body, "outcome"), "REPLAYED");
  auto again = client_.Call("POST", "/admin/v1/dead-letters/" + dead_letter_id + "/replay", "",
                            admin_token_);
  EXPECT_EQ(JsonString(again->body, "outcome"), "ALREADY_REPLAYED");
  EXPECT_EQ(JsonString(client_.Call("GET", target, "", buyer.token)->body, "status"), "CREATED");
  auto stats = Stats(activity);
  EXPECT_EQ(stats.created, 1);
  EXPECT_EQ(stats.failed, 0);
  EXPECT_EQ(stats.remaining, 0);
  EXPECT_EQ(stats.reserved, 0);
}

}  // namespace
}  // namespace seckill::testing
