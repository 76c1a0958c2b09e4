#include "services/order/api/order_consumers.h"

#include "libs/base/status.h"
#include "services/order/messaging/order_queue.h"

namespace seckill::order::api {

namespace asio = boost::asio;

namespace {

// The order queue is recorded in batches (one confirm call, one INSERT and one commit each) of
// what has arrived, lingering up to kOrderLinger for more: the broker writes a backlog a few
// deliveries at a time, and without the wait most batches were one such piece (9 orders where
// 128 were queued), so a backlog drained at a fraction of the database's pace. A lone order
// waits that long more to be recorded (its buyer's answer does not wait for it).
constexpr std::chrono::microseconds kOrderLinger{1000};

amqp::ConsumerOptions QueueOptions(const amqp::BrokerOptions& broker, amqp::Topology topology,
                                   const char* queue, uint16_t prefetch, size_t max_batch,
                                   std::chrono::microseconds linger = {}) {
  amqp::ConsumerOptions options;
  options.broker = broker;
  options.topology = std::move(topology);
  options.queue = queue;
  options.prefetch = prefetch;
  options.max_batch = max_batch;
  options.linger = linger;
  return options;
}

}  // namespace

// The handlers ask their consumer whether it is stopping, so they are built first and read the
// consumer through `this`: the consumers exist before any delivery arrives.
namespace {

// `decode`, for messages `signer` verifies only.
OrderMessageHandler::Decode Verified(const messaging::MessageSigner& signer,
                                     OrderMessageHandler::Decode decode) {
  return [&signer, decode = std::move(decode)](
             const amqp::Delivery& delivery) -> absl::StatusOr<messaging::OrderMessage> {
    if (absl::Status signed_by_us = signer.Check(delivery); !signed_by_us.ok()) {
      return signed_by_us;
    }
    return decode(delivery);
  };
}

}  // namespace

OrderConsumers::OrderConsumers(const amqp::BrokerOptions& broker,
                               const messaging::MessageSigner& signer,
                               const app::RecordOrder& record, const app::CancelOrder& cancel,
                               const app::DeadLetters& dead_letters, base::Metrics& metrics,
                               tracing::Tracer* tracer)
    : redeliveries_(metrics.Get("seckill_order_redeliveries_total",
                                "Messages the broker delivered again (a consumer died or gave them "
                                "back before its ack)")),
      dead_letters_kept_(
          metrics.Get("seckill_order_dead_letters_total",
                      "Dead letters kept (and their orders failed with stock returned)")),
      orders_handler_(
          [&record](
              std::vector<domain::Order> orders) -> asio::awaitable<std::vector<absl::Status>> {
            auto recording = record(std::move(orders));
            co_return base::StatusesOf(co_await std::move(recording));
          },
          [this] { return orders_->Stopping(); }, std::chrono::seconds(5),
          Verified(signer, messaging::DecodeOrderMessage), {tracer, messaging::kOrderQueue}),
      expired_handler_(
          OrderMessageHandler::OneAtATime(
              [&cancel](domain::Order o) -> asio::awaitable<absl::Status> {
                auto cancelling = cancel.CancelExpired(o.order_id);
                co_return (co_await std::move(cancelling)).status();
              }),
          [this] { return expired_->Stopping(); }, std::chrono::seconds(5),
          Verified(signer, messaging::DecodeExpiredOrders)),
      dead_handler_(
          [&dead_letters, &kept = dead_letters_kept_](
              std::string message_id, std::string body, std::optional<domain::Order> order,
              std::string reason, app::DeadLetters::Letter kind) -> asio::awaitable<absl::Status> {
            auto receiving = dead_letters.Receive(std::move(message_id), std::move(body),
                                                  std::move(order), std::move(reason), kind);
            const absl::Status received = co_await std::move(receiving);
            if (received.ok()) kept.Add();
            co_return received;
          },
          [this] { return dead_->Stopping(); },
          [&signer](const amqp::Delivery& d) { return signer.Check(d); }),
      orders_(std::make_unique<amqp::Consumer>(
          QueueOptions(broker, messaging::OrderQueueTopology(), messaging::kOrderQueue, 256, 128,
                       kOrderLinger),
          [this](std::vector<amqp::Delivery> d) {
            for (const amqp::Delivery& one : d)
              if (one.redelivered) redeliveries_.Add();
            return orders_handler_(std::move(d));
          },
          &metrics)),
      expired_(std::make_unique<amqp::Consumer>(
          QueueOptions(broker, messaging::PaymentDeadlineTopology(), messaging::kExpiredQueue, 64,
                       128),
          [this](amqp::Delivery d) {
            if (d.redelivered) redeliveries_.Add();
            return expired_handler_(std::move(d));
          },
          &metrics)),
      dead_(std::make_unique<amqp::Consumer>(
          QueueOptions(broker, messaging::OrderQueueTopology(), messaging::kDeadLetterQueue, 64,
                       128),
          [this](amqp::Delivery d) { return dead_handler_(std::move(d)); }, &metrics)) {}

void OrderConsumers::Start() {
  dead_->Start();
  orders_->Start();
  expired_->Start();
}

void OrderConsumers::Stop() {
  orders_->Stop();
  expired_->Stop();
  dead_->Stop();
}

bool OrderConsumers::Connected() const { return orders_->Connected(); }

}  // namespace seckill::order::api
