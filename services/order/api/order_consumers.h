#pragma once

#include <memory>

#include "libs/amqp/connection.h"
#include "libs/amqp/consumer.h"
#include "libs/base/metrics.h"
#include "services/order/api/dead_letter_handler.h"
#include "services/order/api/order_message_handler.h"
#include "services/order/app/cancel_order.h"
#include "services/order/app/dead_letters.h"
#include "services/order/app/record_order.h"
#include "services/order/messaging/message_signer.h"

namespace seckill::order::api {

// The order service's three queue consumers, each on its own connection and thread:
// - the order queue: orders recorded in batches (what has arrived, up to 128 messages of the 256
//   the broker may have outstanding: one confirm call, one multi-row INSERT, one ack);
// - the expired payment deadlines: each order still unpaid is cancelled;
// - the dead-letter queue: each letter kept, its order failed, its stock returned.
// The use cases must outlive this object.
class OrderConsumers {
 public:
  // Counts into `metrics` (which must outlive it) the redeliveries and the dead letters kept.
  // Only messages `signer` verifies are acted on; any other is dead-lettered, and kept as a
  // letter that names no order.
  OrderConsumers(const amqp::BrokerOptions& broker, const messaging::MessageSigner& signer,
                 const app::RecordOrder& record, const app::CancelOrder& cancel,
                 const app::DeadLetters& dead_letters, base::Metrics& metrics,
                 tracing::Tracer* tracer = nullptr);

  void Start();
  // Each finishes the batch in hand, then stops.
  void Stop();
  // Whether the order queue's consumer is connected (readiness).
  bool Connected() const;

 private:
  base::Counter& redeliveries_;
  base::Counter& dead_letters_kept_;
  OrderMessageHandler orders_handler_;
  OrderMessageHandler expired_handler_;
  DeadLetterHandler dead_handler_;
  std::unique_ptr<amqp::Consumer> orders_;
  std::unique_ptr<amqp::Consumer> expired_;
  std::unique_ptr<amqp::Consumer> dead_;
};

}  // namespace seckill::order::api
