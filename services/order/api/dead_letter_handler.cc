#include "services/order/api/dead_letter_handler.h"

#include <thread>

#include "libs/base/counters.h"
#include "libs/base/status.h"
#include "services/order/messaging/order_queue.h"
#include "spdlog/spdlog.h"

namespace seckill::order::api {

amqp::Disposition DeadLetterHandler::operator()(const amqp::Delivery& delivery) const {
  absl::StatusOr<domain::Order> decoded = messaging::DecodeOrderPlaced(delivery.body);
  const std::optional<domain::Order> order =
      decoded.ok() ? std::optional<domain::Order>(*decoded) : std::nullopt;
  const std::string reason =
      decoded.ok() ? "dead-lettered by the order queue" : std::string(decoded.status().message());
  std::chrono::milliseconds backoff(50);
  while (true) {
    const absl::Status kept = keep_(delivery.message_id, delivery.body, order, reason);
    if (kept.ok()) {
      static base::Counter& dead_letters = base::Counters::Process().Get(
          "seckill_order_dead_letters_total",
          "Dead letters kept (and their orders failed with stock returned)");
      dead_letters.Add();
      return amqp::Disposition::kAck;
    }
    if (base::IsTransient(kept)) {
      spdlog::warn("dead letter {}: cannot be kept yet ({}); retrying in {} ms",
                   delivery.message_id, kept.ToString(), backoff.count());
    } else {
      spdlog::error(
          "dead letter {}: cannot be kept ({}); it stays in the dead-letter queue, retried every "
          "{} ms",
          delivery.message_id, kept.ToString(), backoff.count());
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
