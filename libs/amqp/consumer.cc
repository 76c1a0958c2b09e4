#include "libs/amqp/consumer.h"

#include <amqp.h>
#include <amqp_framing.h>

#include <algorithm>

#include "fmt/format.h"
#include "libs/base/status.h"
#include "spdlog/spdlog.h"

namespace seckill::amqp {

Consumer::Consumer(ConsumerOptions options, Handler handler) : options_(std::move(options)) {
  options_.max_batch = 1;
  handler_ = [handler = std::move(handler)](const std::vector<Delivery>& batch) {
    return std::vector<Disposition>{handler(batch.front())};
  };
}

void Consumer::Start() { thread_ = std::thread([this] { Loop(); }); }

void Consumer::Stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void Consumer::Loop() {
  std::chrono::milliseconds backoff = options_.reconnect_min;
  while (!stopping_) {
    auto conn = Connection::Open(options_.broker);
    absl::Status status = conn.status();
    if (status.ok()) status = (*conn)->Declare(options_.topology);
    if (status.ok()) {
      backoff = options_.reconnect_min;
      connected_ = true;
      spdlog::info("amqp consumer: consuming {}", options_.queue);
      status = ConsumeOnce(**conn);
      connected_ = false;
      if (!status.ok()) (*conn)->MarkBroken();
    }
    if (stopping_) break;
    spdlog::warn("amqp consumer: {}; reconnecting in {} ms", status.ToString(), backoff.count());
    for (auto waited = std::chrono::milliseconds(0); waited < backoff && !stopping_;
         waited += std::chrono::milliseconds(50)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    backoff = std::min(backoff * 2, options_.reconnect_max);
  }
  spdlog::info("amqp consumer: stopped");
}

absl::Status Consumer::ConsumeOnce(Connection& conn) {
  amqp_connection_state_t state = conn.state();
  amqp_basic_qos(state, Connection::kChannel, 0, options_.prefetch, 0);
  if (absl::Status s = RpcError(state, "basic.qos"); !s.ok()) return s;
  amqp_basic_consume(state, Connection::kChannel, amqp_cstring_bytes(options_.queue.c_str()),
                     amqp_empty_bytes, 0, /*no_ack=*/0, 0, amqp_empty_table);
  if (absl::Status s = RpcError(state, "basic.consume"); !s.ok()) return s;

  std::vector<Delivery> batch;
  std::vector<uint64_t> tags;
  const size_t max_batch = std::max<size_t>(1, options_.max_batch);
  while (!stopping_) {
    if (batch.empty()) amqp_maybe_release_buffers(state);
    // The first delivery is waited for; the rest of a batch is what has already arrived.
    timeval timeout{0, batch.empty() ? 200 * 1000 : 0};
    amqp_envelope_t envelope;
    amqp_rpc_reply_t reply = amqp_consume_message(state, &envelope, &timeout, 0);
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
        reply.library_error == AMQP_STATUS_TIMEOUT) {
      if (absl::Status s = Dispatch(conn, batch, tags); !s.ok()) return s;
      continue;
    }
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
        reply.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
      // A frame other than a delivery (e.g. the broker closing the channel).
      amqp_frame_t frame;
      if (amqp_simple_wait_frame(state, &frame) != AMQP_STATUS_OK) {
        return absl::UnavailableError("connection lost");
      }
      if (frame.frame_type == AMQP_FRAME_METHOD &&
          (frame.payload.method.id == AMQP_CHANNEL_CLOSE_METHOD ||
           frame.payload.method.id == AMQP_CONNECTION_CLOSE_METHOD)) {
        return absl::UnavailableError("broker closed the channel");
      }
      continue;
    }
    if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
      return absl::UnavailableError(fmt::format(
          "consume failed: {}", reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION
                                    ? amqp_error_string2(reply.library_error)
                                    : "server exception"));
    }
    Delivery& delivery = batch.emplace_back();
    delivery.body.assign(static_cast<char*>(envelope.message.body.bytes), envelope.message.body.len);
    delivery.redelivered = envelope.redelivered != 0;
    const amqp_basic_properties_t& props = envelope.message.properties;
    if (props._flags & AMQP_BASIC_MESSAGE_ID_FLAG) {
      delivery.message_id.assign(static_cast<char*>(props.message_id.bytes), props.message_id.len);
    }
    if (props._flags & AMQP_BASIC_HEADERS_FLAG) {
      for (int i = 0; i < props.headers.num_entries; ++i) {
        const amqp_table_entry_t& e = props.headers.entries[i];
        if (e.value.kind == AMQP_FIELD_KIND_UTF8 || e.value.kind == AMQP_FIELD_KIND_BYTES) {
          delivery.headers[std::string(static_cast<char*>(e.key.bytes), e.key.len)] =
              std::string(static_cast<char*>(e.value.value.bytes.bytes), e.value.value.bytes.len);
        }
      }
    }
    tags.push_back(envelope.delivery_tag);
    amqp_destroy_envelope(&envelope);
    if (batch.size() >= max_batch) {
      if (absl::Status s = Dispatch(conn, batch, tags); !s.ok()) return s;
    }
  }
  // Finish what is in hand before closing.
  return Dispatch(conn, batch, tags);
}

absl::Status Consumer::Dispatch(Connection& conn, std::vector<Delivery>& batch,
                                std::vector<uint64_t>& tags) {
  if (batch.empty()) return absl::OkStatus();
  amqp_connection_state_t state = conn.state();
  const std::vector<Disposition> dispositions = handler_(batch);
  absl::Status status;
  if (dispositions.size() != batch.size()) {
    // A handler bug: leave the batch unacked; the broker redelivers it after the reconnect.
    status = absl::InternalError("consumer handler: one disposition per delivery expected");
  } else if (std::all_of(dispositions.begin(), dispositions.end(),
                         [](Disposition d) { return d == Disposition::kAck; })) {
    // Every earlier delivery is settled already, so `multiple` acks exactly this batch.
    const int rc = amqp_basic_ack(state, Connection::kChannel, tags.back(), /*multiple=*/1);
    if (rc != AMQP_STATUS_OK) status = absl::UnavailableError(fmt::format("ack failed: {}", amqp_error_string2(rc)));
  } else {
    for (size_t i = 0; i < batch.size() && status.ok(); ++i) {
      int rc = AMQP_STATUS_OK;
      switch (dispositions[i]) {
        case Disposition::kAck:
          rc = amqp_basic_ack(state, Connection::kChannel, tags[i], 0);
          break;
        case Disposition::kRequeue:
          rc = amqp_basic_nack(state, Connection::kChannel, tags[i], 0, /*requeue=*/1);
          break;
        case Disposition::kDeadLetter:
          rc = amqp_basic_reject(state, Connection::kChannel, tags[i], /*requeue=*/0);
          break;
      }
      if (rc != AMQP_STATUS_OK) status = absl::UnavailableError(fmt::format("ack failed: {}", amqp_error_string2(rc)));
    }
  }
  batch.clear();
  tags.clear();
  return status;
}

}  // namespace seckill::amqp
