#include "services/order/api/order_message_handler.h"

#include <thread>

#include "libs/base/counters.h"
#include "libs/base/status.h"
#include "services/order/messaging/order_queue.h"
#include "spdlog/spdlog.h"

namespace seckill::order::api {

amqp::Disposition OrderMessageHandler::operator()(const amqp::Delivery& delivery) const {
  if (delivery.redelivered) {
    static base::Counter& redeliveries = base::Counters::Process().Get(
        "seckill_order_redeliveries_total",
        "Messages the broker delivered again (a consumer died or gave them back before its ack)");
    redeliveries.Add();
  }
  auto order = messaging::DecodeOrderPlaced(delivery.body);
  if (!order.ok()) {
    spdlog::error("order queue: dead-lettering message {}: {}", delivery.message_id,
                  order.status().ToString());
    return amqp::Disposition::kDeadLetter;
  }
  std::chrono::milliseconds backoff(50);
  while (true) {
    const absl::Status done = work_(*order);
    if (done.ok()) return amqp::Disposition::kAck;
    if (!base::IsTransient(done)) {
      spdlog::error("order {}: cannot be processed ({}); dead-lettering it", order->order_id, done.ToString());
      return amqp::Disposition::kDeadLetter;
    }
    spdlog::warn("order {}: processing failed ({}); retrying in {} ms", order->order_id, done.ToString(),
                 backoff.count());
    for (auto waited = std::chrono::milliseconds(0); waited < backoff;
         waited += std::chrono::milliseconds(50)) {
      if (stopping_()) return amqp::Disposition::kRequeue;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    backoff = std::min(backoff * 2, max_backoff_);
  }
}

}  // namespace seckill::order::api
