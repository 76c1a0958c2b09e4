#include "services/order/api/dead_letter_handler.h"

#include <thread>

#include "fmt/format.h"
#include "libs/base/counters.h"
#include "libs/base/status.h"
#include "services/order/messaging/order_queue.h"
#include "spdlog/spdlog.h"

namespace seckill::order::api {

amqp::Disposition DeadLetterHandler::operator()(const amqp::Delivery& delivery) const {
  // A letter of many orders is kept as one letter per order, each with its own OrderPlaced body
  // (so each can be replayed on its own); its orders that were recorded are no dead letters.
  absl::StatusOr<std::vector<std::string>> bodies = messaging::SplitOrderMessage(delivery);
  if (!bodies.ok()) {
    return Keep(delivery.message_id, delivery.body, std::nullopt,
                std::string(bodies.status().message()), Letter::kWhole);
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
    const amqp::Disposition kept =
        Keep(message_id, body, decoded.ok() ? std::optional<domain::Order>(*decoded) : std::nullopt,
             reason, kind);
    // Given back: the members kept so far are kept again on redelivery (idempotently).
    if (kept != amqp::Disposition::kAck) return kept;
  }
  return amqp::Disposition::kAck;
}

amqp::Disposition DeadLetterHandler::Keep(const std::string& message_id, const std::string& body,
                                          const std::optional<domain::Order>& order,
                                          const std::string& reason, Letter kind) const {
  std::chrono::milliseconds backoff(50);
  while (true) {
    const absl::Status kept = keep_(message_id, body, order, reason, kind);
    if (kept.ok()) {
      static base::Counter& dead_letters = base::Counters::Process().Get(
          "seckill_order_dead_letters_total",
          "Dead letters kept (and their orders failed with stock returned)");
      dead_letters.Add();
      return amqp::Disposition::kAck;
    }
    if (base::IsTransient(kept)) {
      spdlog::warn("dead letter {}: cannot be kept yet ({}); retrying in {} ms", message_id,
                   kept.ToString(), backoff.count());
    } else {
      spdlog::error(
          "dead letter {}: cannot be kept ({}); it stays in the dead-letter queue, retried every "
          "{} ms",
          message_id, kept.ToString(), backoff.count());
    }
    for (auto waited = std::chrono::milliseconds(0); waited < backoff;
         waited += std::chrono::milliseconds(50)) {
      if (stopping_()) return amqp::Disposition::kRequeue;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    backoff = std::min(backoff * 2, max_backoff_);
  }
}

}  // namespace seckill::order::api
