#include "services/order/messaging/message_signer.h"

#include "services/order/messaging/order_queue.h"

namespace seckill::order::messaging {

namespace {

// What is signed: the kind, a line break (no kind has one), the body.
std::string SignedText(std::string_view kind, std::string_view body) {
  std::string text;
  text.reserve(kind.size() + 1 + body.size());
  text.append(kind).append("\n").append(body);
  return text;
}

}  // namespace

void MessageSigner::Sign(amqp::Message& message) const {
  std::string_view kind;
  for (const auto& [name, value] : message.headers) {
    if (name == kMessageHeader) kind = value;
  }
  message.headers.emplace_back(kSignatureHeader,
                               crypto::ToHex(mac_.Mac(SignedText(kind, message.body))));
}

absl::Status MessageSigner::Check(const amqp::Delivery& delivery) const {
  auto signature = delivery.headers.find(kSignatureHeader);
  if (signature == delivery.headers.end()) {
    return absl::PermissionDeniedError("unsigned: the message has no seckill-signature header");
  }
  auto kind = delivery.headers.find(kMessageHeader);
  std::string mac;
  if (!crypto::FromHex(signature->second, &mac) ||
      !mac_.Verify(SignedText(kind == delivery.headers.end() ? "" : kind->second, delivery.body),
                   mac)) {
    return absl::PermissionDeniedError("forged: the message's signature does not match it");
  }
  return absl::OkStatus();
}

}  // namespace seckill::order::messaging
