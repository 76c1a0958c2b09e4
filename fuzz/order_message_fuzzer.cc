// The order service's message decoding, as its consumers see a delivery: the signature check and
// the decoders of the order queue's and the expired queue's messages. The first byte picks the
// kind header (none, OrdersPlaced, PaymentDeadlines, something else) and whether the delivery
// carries a signature header; the rest is the body. Properties: no crash or sanitizer report;
// every decoded order has an id.
#include <cstddef>
#include <cstdint>
#include <string>

#include "libs/amqp/consumer.h"
#include "services/order/messaging/message_signer.h"
#include "services/order/messaging/order_queue.h"

namespace {

namespace messaging = seckill::order::messaging;

void Require(bool property) {
  if (!property) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const messaging::MessageSigner signer(std::string(32, 'k'));
  if (size == 0) return 0;
  seckill::amqp::Delivery delivery;
  delivery.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] & 3) {
    case 1:
      delivery.headers[messaging::kMessageHeader] = messaging::kOrdersPlacedMessage;
      break;
    case 2:
      delivery.headers[messaging::kMessageHeader] = messaging::kPaymentDeadlinesMessage;
      break;
    case 3:
      delivery.headers[messaging::kMessageHeader] = "Unknown";
      break;
    default:
      break;
  }
  if (data[0] & 4) delivery.headers[messaging::kSignatureHeader] = delivery.body.substr(0, 64);
  (void)signer.Check(delivery);
  if (auto placed = messaging::DecodeOrderMessage(delivery); placed.ok()) {
    for (const auto& order : placed->orders) Require(order.order_id != 0);
  }
  if (auto expired = messaging::DecodeExpiredOrders(delivery); expired.ok()) {
    for (const auto& order : expired->orders) Require(order.order_id != 0);
  }
  (void)messaging::DecodeOrderPlaced(delivery.body);
  return 0;
}
