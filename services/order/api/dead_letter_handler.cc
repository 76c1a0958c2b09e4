#include "services/order/api/dead_letter_handler.h"

#include "fmt/format.h"
#include "libs/base/backoff.h"
#include "libs/base/status.h"
#include "services/order/messaging/order_queue.h"
#include "spdlog/spdlog.h"

namespace seckill::order::api {

boost::asio::awaitable<amqp::Disposition> DeadLetterHandler::operator()(
    amqp::Delivery delivery) const {
  // A letter of many orders is kept as one letter per order, each with its own OrderPlaced body
  // (so each can be replayed on its own); its orders that were recorded are no dead letters.
  if (absl::Status ours = authentic_(delivery); !ours.ok()) {
    auto kept = Keep(delivery.message_id, delivery.body, std::optional<domain::Order>(),
                     std::string(ours.message()), Letter::kWhole);
    co_return co_await std::move(kept);
  }
  absl::StatusOr<std::vector<std::string>> bodies = messaging::SplitOrderMessage(delivery);
  if (!bodies.ok()) {
    std::string reason(bodies.status().message());
    auto kept = Keep(delivery.message_id, delivery.body, std::optional<domain::Order>(),
                     std::move(reason), Letter::kWhole);
    co_return co_await std::move(kept);
  }
  const Letter kind = bodies->size() == 1 ? Letter::kWhole : Letter::kBatchMember;
  for (size_t i = 0; i < bodies->size(); ++i) {
    const std::string& body = (*bodies)[i];
    absl::StatusOr<domain::Order> decoded = messaging::DecodeOrderPlaced(body);
    const std::string message_id = kind == Letter::kWhole ? delivery.message_id
                                   : decoded.ok()         ? std::to_string(decoded->order_id)
                                                  : fmt::format("{}#{}", delivery.message_id, i);
    const std::string reason =
        decoded.ok() ? (kind == Letter::kWhole
                            ? "dead-lettered by the order queue"
                            : fmt::format("dead-lettered by the order queue in message {}",
                                          delivery.message_id))
                     : std::string(decoded.status().message());
    std::optional<domain::Order> order;
    if (decoded.ok()) order = *decoded;
    auto keeping = Keep(message_id, body, std::move(order), reason, kind);
    const amqp::Disposition kept = co_await std::move(keeping);
    // Given back: the members kept so far are kept again on redelivery (idempotently).
    if (kept != amqp::Disposition::kAck) co_return kept;
  }
  co_return amqp::Disposition::kAck;
}

boost::asio::awaitable<amqp::Disposition> DeadLetterHandler::Keep(
    std::string message_id, std::string body, std::optional<domain::Order> order,
    std::string reason, Letter kind) const {
  base::Backoff backoff(std::chrono::milliseconds(50), max_backoff_);
  while (true) {
    auto keeping = keep_(message_id, body, order, reason, kind);
    const absl::Status kept = co_await std::move(keeping);
    if (kept.ok()) co_return amqp::Disposition::kAck;
    const std::chrono::milliseconds delay = backoff.Next();
    if (base::IsTransient(kept)) {
      spdlog::warn("dead letter {}: cannot be kept yet ({}); retrying in {} ms", message_id,
                   kept.ToString(), delay.count());
    } else {
      spdlog::error(
          "dead letter {}: cannot be kept ({}); it stays in the dead-letter queue, retried every "
          "{} ms",
          message_id, kept.ToString(), delay.count());
    }
    auto pause = base::PauseUnlessStopping(delay, stopping_);
    const bool waited = co_await std::move(pause);
    if (!waited) co_return amqp::Disposition::kRequeue;
  }
}

}  // namespace seckill::order::api
