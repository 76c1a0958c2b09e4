#include "services/order/api/dead_letter_handler.h"

#include <thread>

#include "libs/base/status.h"
#include "services/order/messaging/order_queue.h"
#include "spdlog/spdlog.h"

namespace seckill::order::api {

amqp::Disposition DeadLetterHandler::operator()(const amqp::Delivery& delivery) const {
  absl::StatusOr<domain::Order> decoded = messaging::DecodeOrderPlaced(delivery.body);
  const std::optional<domain::Order> order = decoded.ok() ? std::optional<domain::Order>(*decoded) : std::nullopt;
  const std::string reason = decoded.ok() ? "dead-lettered by the order queue"
                                          : std::string(decoded.status().message());
  std::chrono::milliseconds backoff(50);
  while (true) {
    absl::Status kept = dead_letters_.Receive(delivery.message_id, delivery.body, order, reason);
    if (kept.ok()) return amqp::Disposition::kAck;
    const bool transient = absl::IsUnavailable(kept) || absl::IsDeadlineExceeded(kept) || absl::IsAborted(kept) ||
                           absl::IsResourceExhausted(kept);
    if (!transient) {
      spdlog::error("dead letter {}: cannot be kept ({}); dropping it", delivery.message_id, kept.ToString());
      return amqp::Disposition::kAck;
    }
    for (auto waited = std::chrono::milliseconds(0); waited < backoff; waited += std::chrono::milliseconds(50)) {
      if (stopping_()) return amqp::Disposition::kRequeue;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
}

}  // namespace seckill::order::api
