// The order queue on the real RabbitMQ: confirms, returns, broker unreachable, a duplicate
// delivery making one order, and a poison message reaching the dead-letter queue. Each test uses
// its own queues, so a running order service does not take its messages.
#include <amqp.h>
#include <amqp_framing.h>

#include <future>
#include <random>
#include <thread>

#include "boost/asio/co_spawn.hpp"
#include "boost/asio/detached.hpp"
#include "boost/asio/system_executor.hpp"
#include "gtest/gtest.h"
#include "libs/amqp/consumer.h"
#include "libs/amqp/publisher.h"
#include "libs/base/run_to_completion.h"
#include "libs/base/status.h"
#include "services/order/adapters/amqp_order_event_publisher.h"
#include "services/order/adapters/amqp_payment_deadlines.h"
#include "services/order/api/order_message_handler.h"
#include "services/order/app/cancel_order.h"
#include "services/order/app/record_order.h"
#include "services/order/messaging/order_queue.h"
#include "services/order/testing/fake_stock_reservations.h"
#include "services/order/testing/in_memory_order_repository.h"
#include "services/order/testing/in_memory_queued_orders.h"
#include "tests/support/stack_clients.h"
#include "tests/support/stalling_proxy.h"

namespace seckill::order {
namespace {

using namespace std::chrono_literals;

// The order consumer as the service wires it (in batches), recording into an in-memory
// repository. Not started until Start(), so that messages published before wait for it.
struct RecordingConsumer {
  explicit RecordingConsumer(const amqp::Topology& topology, bool start = true,
                             std::chrono::microseconds linger = {}) {
    amqp::ConsumerOptions options{seckill::testing::StackBrokerOptions(), topology,
                                  topology.queues[1].name};
    options.prefetch = 256;
    options.max_batch = 128;
    options.linger = linger;
    consumer = std::make_unique<amqp::Consumer>(
        options,
        [this](std::vector<amqp::Delivery> d)
            -> boost::asio::awaitable<std::vector<amqp::Disposition>> {
          const int n = static_cast<int>(d.size());
          auto handling = handler(std::move(d));
          std::vector<amqp::Disposition> dispositions = co_await std::move(handling);
          ++batches;
          handled += n;
          co_return dispositions;
        });
    if (start) consumer->Start();
  }
  void WaitHandled(int n) {
    for (int i = 0; i < 200 && handled < n; ++i) std::this_thread::sleep_for(50ms);
  }
  void Stop() { consumer->Stop(); }

  base::SystemClock clock;
  testing::FakeStockReservations reservations;
  testing::InMemoryOrderRepository repository;
  testing::InMemoryQueuedOrders queued{clock};
  base::Metrics metrics;
  app::RecordOrder record{reservations, repository, queued, clock, metrics};
  std::atomic<int> handled{0};
  std::atomic<int> batches{0};
  std::unique_ptr<amqp::Consumer> consumer;
  api::OrderMessageHandler handler{
      [this](
          std::vector<domain::Order> orders) -> boost::asio::awaitable<std::vector<absl::Status>> {
        auto recording = record(std::move(orders));
        co_return base::StatusesOf(co_await std::move(recording));
      },
      [this] { return consumer->Stopping(); }};
};

class AmqpOrderQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::mt19937_64 rng(std::random_device{}());
    suffix_ = std::to_string(rng() % 1'000'000'000);
    amqp::QueueSpec dead{
        "test.dead." + suffix_, "test.dlx." + suffix_, "fanout", "", true, "", "", 0};
    amqp::QueueSpec orders{
        "test.orders." + suffix_, "test.ex." + suffix_, "direct", "placed", true, dead.exchange, "",
        messaging::kDeliveryLimit};
    topology_ = amqp::Topology{{dead, orders}};
  }
  void TearDown() override {
    auto conn = amqp::Connection::Open(seckill::testing::StackBrokerOptions());
    if (!conn.ok()) return;
    for (const auto& q : topology_.queues) {
      amqp_queue_delete((*conn)->state(), amqp::Connection::kChannel,
                        amqp_cstring_bytes(q.name.c_str()), 0, 0);
      amqp_exchange_delete((*conn)->state(), amqp::Connection::kChannel,
                           amqp_cstring_bytes(q.exchange.c_str()), 0);
    }
  }

  amqp::PublisherOptions PublisherOptions(std::string routing_key = "placed") {
    amqp::PublisherOptions o;
    o.broker = seckill::testing::StackBrokerOptions();
    o.topology = topology_;
    o.exchange = topology_.queues[1].exchange;
    o.routing_key = std::move(routing_key);
    return o;
  }
  absl::Status PublishAndWait(amqp::Publisher& publisher, amqp::Message message) {
    std::promise<absl::Status> promise;
    auto future = promise.get_future();
    publisher.Publish(std::move(message), [&promise](absl::Status s) { promise.set_value(s); });
    if (future.wait_for(10s) != std::future_status::ready)
      return absl::DeadlineExceededError("test timeout");
    return future.get();
  }
  // Publishes until the publisher says "certainly not sent" no more: connecting (its
  // queue.declare included) may outlast a short test timeout on a loaded machine, and such an
  // attempt sent nothing, so retrying it cannot add a message to the queue.
  absl::Status PublishWhenConnected(amqp::Publisher& publisher, const amqp::Message& message) {
    absl::Status status = absl::UnavailableError("not tried");
    for (int i = 0; i < 100 && absl::IsUnavailable(status); ++i) {
      if (i > 0) std::this_thread::sleep_for(50ms);
      status = PublishAndWait(publisher, message);
    }
    return status;
  }
  // Messages waiting in `queue`, from a passive declare.
  uint32_t Depth(const std::string& queue) {
    auto conn = amqp::Connection::Open(seckill::testing::StackBrokerOptions());
    if (!conn.ok()) return 0;
    auto* ok = amqp_queue_declare((*conn)->state(), amqp::Connection::kChannel,
                                  amqp_cstring_bytes(queue.c_str()), 1, 0, 0, 0, amqp_empty_table);
    return ok == nullptr ? 0 : ok->message_count;
  }

  std::string suffix_;
  amqp::Topology topology_;
};

TEST_F(AmqpOrderQueueTest, ConfirmedPublishIsInTheQueue) {
  amqp::Publisher publisher(PublisherOptions());
  publisher.Start();
  domain::Order order{1, 2, 3, 1, 100, domain::OrderStatus::kQueued, 5};
  EXPECT_TRUE(PublishAndWait(publisher, {messaging::EncodeOrderPlaced(order, ""), "1"}).ok());
  EXPECT_TRUE(PublishAndWait(publisher, {messaging::EncodeOrderPlaced(order, ""), "2"}).ok());
  publisher.Stop();
  EXPECT_EQ(Depth(topology_.queues[1].name), 2u);
}

TEST_F(AmqpOrderQueueTest, UnroutableMandatoryPublishIsUnavailable) {
  amqp::Publisher publisher(PublisherOptions("no-such-binding"));
  publisher.Start();
  absl::Status status = PublishAndWait(publisher, {"x", "lost-1"});
  EXPECT_TRUE(absl::IsUnavailable(status)) << status;
  // The channel still works after a return.
  status = PublishAndWait(publisher, {"x", "lost-2"});
  EXPECT_TRUE(absl::IsUnavailable(status)) << status;
}

TEST_F(AmqpOrderQueueTest, BrokerUnreachableFailsFastAsUnavailable) {
  amqp::PublisherOptions o = PublisherOptions();
  o.broker.port = 1;  // nothing listens there
  amqp::Publisher publisher(o);
  publisher.Start();
  const auto start = std::chrono::steady_clock::now();
  absl::Status status = PublishAndWait(publisher, {"x", "1"});
  EXPECT_TRUE(absl::IsUnavailable(status)) << status;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

// F6 in miniature: the broker goes silent (no reset, no close). The publish in flight ends
// DEADLINE_EXCEEDED after the confirm timeout, and the publisher drops that connection, so what
// follows fails fast as UNAVAILABLE (certainly not sent) instead of joining the ambiguous ones;
// once the broker answers again, publishing resumes on a new connection.
TEST_F(AmqpOrderQueueTest, SilentBrokerEndsTheConfirmWaitThenReconnects) {
  const amqp::BrokerOptions broker = seckill::testing::StackBrokerOptions();
  seckill::testing::StallingProxy proxy(broker.host, broker.port);
  amqp::PublisherOptions o = PublisherOptions();
  o.broker.port = proxy.port();
  o.broker.connect_timeout = 300ms;
  o.confirm_timeout = 500ms;
  o.reconnect_min = 50ms;
  o.reconnect_max = 200ms;
  amqp::Publisher publisher(o);
  publisher.Start();
  const absl::Status before = PublishWhenConnected(publisher, {"before", "1"});
  ASSERT_TRUE(before.ok()) << before;

  proxy.Stall();
  absl::Status in_flight = PublishAndWait(publisher, {"during", "2"});
  EXPECT_TRUE(absl::IsDeadlineExceeded(in_flight)) << in_flight;
  absl::Status after = PublishAndWait(publisher, {"during", "3"});
  EXPECT_TRUE(absl::IsUnavailable(after)) << after;

  proxy.Resume();
  const absl::Status resumed = PublishWhenConnected(publisher, {"after", "4"});
  EXPECT_TRUE(resumed.ok()) << resumed;
  publisher.Stop();
  // The stalled bytes died with their connection: the first and the last message only.
  EXPECT_EQ(Depth(topology_.queues[1].name), 2u);
}

TEST_F(AmqpOrderQueueTest, SameMessageDeliveredTwiceMakesOneOrder) {
  RecordingConsumer consumer(topology_);

  amqp::Publisher publisher(PublisherOptions());
  publisher.Start();
  domain::Order order{4242, 9, 7, 1, 100, domain::OrderStatus::kQueued, 5};
  const std::string body = messaging::EncodeOrderPlaced(order, "");
  ASSERT_TRUE(PublishAndWait(publisher, {body, "4242"}).ok());
  ASSERT_TRUE(PublishAndWait(publisher, {body, "4242-again"}).ok());
  consumer.WaitHandled(2);
  consumer.Stop();
  EXPECT_EQ(consumer.handled.load(), 2);
  EXPECT_EQ(base::RunToCompletion(consumer.repository.CountByStatus(9))
                ->at(domain::OrderStatus::kCreated),
            1);
  EXPECT_EQ(Depth(topology_.queues[1].name), 0u);
}

// Orders accepted while messages await their confirms leave together: fewer messages than
// orders reach the queue, every order is confirmed, and the consumer records each one.
TEST_F(AmqpOrderQueueTest, OrdersAcceptedTogetherShareMessagesAndAreEachRecorded) {
  amqp::Publisher publisher(PublisherOptions());
  publisher.Start();
  const messaging::MessageSigner signer("the services' message key, 32 bytes or more");
  adapters::AmqpOrderEventPublisher events(publisher, signer, /*messages_in_flight=*/1);
  constexpr int kOrders = 300;
  std::atomic<int> confirmed{0}, failed{0};
  std::promise<void> all;
  std::atomic<int> answered{0};
  for (uint64_t id = 1; id <= kOrders; ++id) {
    boost::asio::co_spawn(
        boost::asio::system_executor(),
        [&, order = domain::Order{id, 31, 1000 + id, 1, 100, domain::OrderStatus::kQueued, 5},
         traceparent = std::string()]() -> boost::asio::awaitable<void> {
          auto publishing = events.Publish(order, traceparent);
          const absl::Status s = co_await std::move(publishing);
          (s.ok() ? confirmed : failed)++;
          if (++answered == kOrders) all.set_value();
        },
        boost::asio::detached);
  }
  ASSERT_EQ(all.get_future().wait_for(20s), std::future_status::ready);
  EXPECT_EQ(confirmed.load(), kOrders);
  EXPECT_EQ(failed.load(), 0);
  const uint32_t messages = Depth(topology_.queues[1].name);
  EXPECT_GE(messages, 2u);  // the first left alone, at once
  EXPECT_LT(messages, static_cast<uint32_t>(kOrders) / 2);

  RecordingConsumer consumer(topology_);
  consumer.WaitHandled(static_cast<int>(messages));
  consumer.Stop();
  publisher.Stop();
  EXPECT_EQ(base::RunToCompletion(consumer.repository.CountByStatus(31))
                ->at(domain::OrderStatus::kCreated),
            kOrders);
  EXPECT_EQ(Depth(topology_.queues[1].name), 0u);
}

TEST_F(AmqpOrderQueueTest, PoisonMessageGoesToTheDeadLetterQueue) {
  RecordingConsumer consumer(topology_);
  amqp::Publisher publisher(PublisherOptions());
  publisher.Start();
  ASSERT_TRUE(PublishAndWait(publisher, {"\xff\xfe definitely not an order", "poison-1"}).ok());
  consumer.WaitHandled(1);
  consumer.Stop();
  uint32_t dead = 0;
  for (int i = 0; i < 100 && dead == 0; ++i) {
    dead = Depth(topology_.queues[0].name);
    if (dead == 0) std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(dead, 1u);
  EXPECT_TRUE(base::RunToCompletion(consumer.repository.CountByStatus(9))->empty());
}

// A batch as the service consumes one: 200 orders waiting when the consumer starts, among them
// an undecodable body and an order the database refuses. Those two go to the dead-letter queue
// alone; the other 198 are recorded, in batches of more than one.
TEST_F(AmqpOrderQueueTest, PoisonInsideABatchIsDeadLetteredAloneItsNeighboursAreRecorded) {
  RecordingConsumer consumer(topology_, /*start=*/false);
  consumer.repository.refused.insert(6100 + 120);
  amqp::Publisher publisher(PublisherOptions());
  publisher.Start();
  for (uint64_t n = 0; n < 200; ++n) {
    const uint64_t id = 6100 + n;
    std::string body = n == 50
                           ? std::string("\xff\xfe not an order")
                           : messaging::EncodeOrderPlaced(
                                 {id, 9, 1000 + n, 1, 100, domain::OrderStatus::kQueued, 5}, "");
    ASSERT_TRUE(PublishAndWait(publisher, {body, std::to_string(id)}).ok());
  }
  publisher.Stop();
  consumer.consumer->Start();
  consumer.WaitHandled(200);
  uint32_t dead = 0;
  for (int i = 0; i < 100 && dead < 2; ++i) {
    dead = Depth(topology_.queues[0].name);
    if (dead < 2) std::this_thread::sleep_for(50ms);
  }
  consumer.Stop();
  EXPECT_EQ(dead, 2u);
  EXPECT_EQ(base::RunToCompletion(consumer.repository.CountByStatus(9))
                ->at(domain::OrderStatus::kCreated),
            198);
  EXPECT_FALSE(base::RunToCompletion(consumer.repository.Find(6100 + 120))->has_value());
  EXPECT_LT(consumer.batches.load(), 200);  // batched: fewer handler calls than messages
  EXPECT_EQ(Depth(topology_.queues[1].name), 0u);
}

// A batch that is not full waits up to its linger for more: an order arriving 100 ms after the
// first joins its batch when the linger is 3 s (and the batch is handled when the linger ends).
TEST_F(AmqpOrderQueueTest, ADeliveryArrivingWithinTheLingerJoinsTheBatch) {
  RecordingConsumer consumer(topology_, /*start=*/true, /*linger=*/3s);
  amqp::Publisher publisher(PublisherOptions());
  publisher.Start();
  for (uint64_t id : {7100, 7101}) {
    std::string body =
        messaging::EncodeOrderPlaced({id, 9, id, 1, 100, domain::OrderStatus::kQueued, 5}, "");
    ASSERT_TRUE(PublishWhenConnected(publisher, {body, std::to_string(id)}).ok());
    std::this_thread::sleep_for(100ms);
  }
  publisher.Stop();
  consumer.WaitHandled(2);
  consumer.Stop();
  EXPECT_EQ(consumer.handled.load(), 2);
  EXPECT_EQ(consumer.batches.load(), 1);
}

// The payment deadline through the real broker: a per-message TTL, dead-lettering to the expired
// queue, and its consumer cancelling the order unless it was paid.
TEST_F(AmqpOrderQueueTest, UnpaidOrderIsCancelledWhenItsPaymentDeadlineExpires) {
  amqp::QueueSpec expired{
      "test.expired." + suffix_, "test.expiry." + suffix_, "direct", "deadline", true, "", "", 0};
  amqp::QueueSpec waiting{"test.wait." + suffix_,
                          "test.deadline." + suffix_,
                          "direct",
                          "deadline",
                          false,
                          expired.exchange,
                          "deadline",
                          0};
  amqp::Topology deadline_topology{{expired, waiting}};
  topology_.queues.insert(topology_.queues.end(), {expired, waiting});  // deleted by TearDown

  base::SystemClock clock;
  testing::FakeStockReservations reservations;
  testing::InMemoryOrderRepository repository;
  testing::InMemoryQueuedOrders queued(clock);
  app::CancelOrder cancel(repository, reservations, queued, clock, /*payment_timeout_ms=*/1000);
  amqp::PublisherOptions po;
  po.broker = seckill::testing::StackBrokerOptions();
  po.topology = deadline_topology;
  po.exchange = waiting.exchange;
  po.routing_key = "deadline";
  amqp::Publisher publisher(po);
  publisher.Start();
  const messaging::MessageSigner signer("the services' message key, 32 bytes or more");
  adapters::AmqpPaymentDeadlines deadlines(publisher, signer, 1000);
  base::Metrics metrics;
  app::RecordOrder record(reservations, repository, queued, clock, metrics, &deadlines);

  std::unique_ptr<amqp::Consumer> consumer;
  api::OrderMessageHandler handler(
      api::OrderMessageHandler::OneAtATime(
          [&](domain::Order o) -> boost::asio::awaitable<absl::Status> {
            auto cancelling = cancel.CancelExpired(o.order_id);
            co_return (co_await std::move(cancelling)).status();
          }),
      [&] { return consumer->Stopping(); }, 5s, messaging::DecodeExpiredOrders);
  consumer =
      std::make_unique<amqp::Consumer>(amqp::ConsumerOptions{seckill::testing::StackBrokerOptions(),
                                                             deadline_topology, expired.name},
                                       [&](amqp::Delivery d) { return handler(std::move(d)); });
  consumer->Start();

  const int64_t now = clock.NowMs();
  // One batch: both deadlines in one message.
  std::vector<domain::Order> batch{{501, 9, 7, 1, 100, domain::OrderStatus::kQueued, now},
                                   {502, 9, 8, 1, 100, domain::OrderStatus::kQueued, now}};
  for (const auto& recorded : base::RunToCompletion(record(std::move(batch)))) {
    ASSERT_TRUE(recorded.ok());
  }
  ASSERT_EQ(base::RunToCompletion(repository.MarkPaid(502, 8, now)).value(),
            domain::PayOutcome::kPaid);  // paid in time
  auto status_of = [&](uint64_t id) {
    return (*base::RunToCompletion(repository.Find(id)))->status;
  };
  for (int i = 0; i < 200 && status_of(501) != domain::OrderStatus::kCancelled; ++i) {
    std::this_thread::sleep_for(50ms);
  }
  consumer->Stop();
  publisher.Stop();
  EXPECT_EQ(status_of(501), domain::OrderStatus::kCancelled);
  EXPECT_EQ(status_of(502), domain::OrderStatus::kPaid);
  std::lock_guard lock(reservations.mu_);
  EXPECT_EQ(reservations.cancels, std::vector<uint64_t>{501});  // its stock went back, once
}

}  // namespace
}  // namespace seckill::order
