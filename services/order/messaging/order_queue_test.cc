#include "services/order/messaging/order_queue.h"

#include "gtest/gtest.h"

namespace seckill::order::messaging {
namespace {

TEST(OrderQueueTest, OrderPlacedRoundTrips) {
  domain::Order order{77, 42, 7, 2, 500, domain::OrderStatus::kQueued, 123456};
  auto decoded = DecodeOrderPlaced(EncodeOrderPlaced(order, ""));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->order_id, 77u);
  EXPECT_EQ(decoded->quantity, 2);
  EXPECT_EQ(decoded->amount_cents, 500);
  EXPECT_EQ(decoded->created_at_ms, 123456);
}

TEST(OrderQueueTest, PoisonBodiesAreInvalidArgument) {
  EXPECT_TRUE(absl::IsInvalidArgument(DecodeOrderPlaced("\xff\xff not protobuf").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(DecodeOrderPlaced("").status()));  // all fields missing
  domain::Order bad{77, 42, 7, 0, 500, domain::OrderStatus::kQueued, 1};
  EXPECT_TRUE(absl::IsInvalidArgument(DecodeOrderPlaced(EncodeOrderPlaced(bad, "")).status()));
}

TEST(OrderQueueTest, ExpiredDeliveriesNameTheirOrdersInEitherFormat) {
  amqp::Delivery batch;
  batch.body = EncodePaymentDeadlines({domain::Order{11}, domain::Order{12}, domain::Order{13}});
  batch.headers[kMessageHeader] = kPaymentDeadlinesMessage;
  auto orders = DecodeExpiredOrders(batch);
  ASSERT_TRUE(orders.ok()) << orders.status();
  ASSERT_EQ(orders->orders.size(), 3u);
  EXPECT_EQ(orders->orders[2].order_id, 13u);

  // A deadline sent one per order, before the batches: an OrderPlaced without the header.
  amqp::Delivery single;
  single.body = EncodeOrderPlaced({77, 42, 7, 1, 500, domain::OrderStatus::kQueued, 1}, "");
  orders = DecodeExpiredOrders(single);
  ASSERT_TRUE(orders.ok());
  EXPECT_EQ(orders->orders.front().order_id, 77u);

  amqp::Delivery empty = batch;
  empty.body = EncodePaymentDeadlines({});
  EXPECT_TRUE(absl::IsInvalidArgument(DecodeExpiredOrders(empty).status()));
  amqp::Delivery unknown = batch;
  unknown.headers[kMessageHeader] = "SomethingElse";
  EXPECT_TRUE(absl::IsInvalidArgument(DecodeExpiredOrders(unknown).status()));
}

TEST(OrderQueueTest, TopologyDeadLettersSafely) {
  amqp::Topology topology = OrderQueueTopology();
  ASSERT_EQ(topology.queues.size(), 2u);
  const amqp::QueueSpec& orders = topology.queues[1];
  EXPECT_EQ(orders.name, kOrderQueue);
  EXPECT_TRUE(orders.quorum);
  EXPECT_EQ(orders.dead_letter_exchange, kDeadLetterExchange);
  EXPECT_GT(orders.delivery_limit, 0);
  EXPECT_EQ(topology.queues[0].exchange, kDeadLetterExchange);
}

}  // namespace
}  // namespace seckill::order::messaging
