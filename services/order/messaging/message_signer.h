#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "libs/amqp/consumer.h"
#include "libs/amqp/publisher.h"
#include "libs/crypto/hmac_sha256.h"

namespace seckill::order::messaging {

// The order service's messages (orders placed, payment deadlines) carry an HMAC-SHA256 of their
// kind (the kMessageHeader value, empty for one OrderPlaced) and body under a key only the
// services hold (setting messages.key), in header kSignatureHeader as hex. Anyone else who can
// publish to the broker cannot make a message the consumers act on.
inline constexpr char kSignatureHeader[] = "seckill-signature";

class MessageSigner {
 public:
  // `key` must be at least 32 bytes (the settings check it).
  explicit MessageSigner(std::string_view key) : mac_(key) {}

  // Adds the signature header to `message` (after its kind header is set).
  void Sign(amqp::Message& message) const;
  // OK when the delivery carries the signature of its kind and body; PERMISSION_DENIED
  // ("unsigned" or "forged: the signature does not match") otherwise.
  absl::Status Check(const amqp::Delivery& delivery) const;

 private:
  const crypto::HmacSha256 mac_;
};

}  // namespace seckill::order::messaging
