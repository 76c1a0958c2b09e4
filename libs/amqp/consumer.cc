#include "libs/amqp/consumer.h"

#include <amqp.h>
#include <amqp_framing.h>

#include <algorithm>
#include <memory>

#include "boost/asio/co_spawn.hpp"
#include "boost/asio/detached.hpp"
#include "boost/asio/posix/stream_descriptor.hpp"
#include "boost/asio/redirect_error.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/use_awaitable.hpp"
#include "fmt/format.h"
#include "libs/base/backoff.h"
#include "libs/base/status.h"
#include "spdlog/spdlog.h"

namespace seckill::amqp {

namespace asio = boost::asio;

namespace {

// While nothing arrives the consumer still wakes this often: to notice Stop() and to let
// rabbitmq-c send its heartbeats (it does so inside amqp_consume_message).
constexpr std::chrono::milliseconds kIdleWake{200};

base::Counter& Settled(base::Metrics& metrics, const std::string& queue, const char* disposition) {
  return metrics.Get("seckill_amqp_settled_total",
                     "Deliveries settled, by what the handler decided: ack (done), requeue (try "
                     "again later), dead_letter (to the dead-letter queue)",
                     {{"queue", queue}, {"disposition", disposition}});
}

}  // namespace

Consumer::Consumer(ConsumerOptions options, BatchHandler handler, base::Metrics* metrics)
    : options_(std::move(options)),
      handler_(std::move(handler)),
      metrics_(base::GivenOrUnlisted(metrics, unlisted_)),
      deliveries_(metrics_.Get("seckill_amqp_deliveries_total",
                               "Messages delivered to this consumer (redeliveries included)",
                               {{"queue", options_.queue}})),
      batch_sizes_(metrics_.GetHistogram(
          "seckill_amqp_consumer_batch_size", "Deliveries handed to the handler at once",
          {{"queue", options_.queue}}, {1, 2, 4, 8, 16, 32, 64, 128, 256, 512})),
      acked_(Settled(metrics_, options_.queue, "ack")),
      requeued_(Settled(metrics_, options_.queue, "requeue")),
      dead_lettered_(Settled(metrics_, options_.queue, "dead_letter")) {}

Consumer::Consumer(ConsumerOptions options, Handler handler, base::Metrics* metrics)
    : Consumer(std::move(options), BatchHandler{}, metrics) {
  options_.max_batch = 1;
  handler_ = [handler = std::move(handler)](
                 std::vector<Delivery> batch) -> asio::awaitable<std::vector<Disposition>> {
    auto handled = handler(std::move(batch.front()));
    const Disposition disposition = co_await std::move(handled);
    co_return std::vector<Disposition>{disposition};
  };
}

void Consumer::Start() {
  asio::co_spawn(context_, Run(), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);  // a bug: let it end the process loudly
  });
  thread_ = std::thread([this] { context_.run(); });
}

void Consumer::Stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

asio::awaitable<void> Consumer::Run() {
  base::Backoff backoff(options_.reconnect_min, options_.reconnect_max);
  while (!stopping_) {
    auto conn = Connection::Open(options_.broker);
    absl::Status status = conn.status();
    if (status.ok()) status = (*conn)->Declare(options_.topology);
    if (status.ok()) {
      backoff.Reset();
      connected_ = true;
      spdlog::info("amqp consumer: consuming {}", options_.queue);
      auto consumed = ConsumeOnce(**conn);
      status = co_await std::move(consumed);
      connected_ = false;
      if (!status.ok()) (*conn)->MarkBroken();
    }
    if (stopping_) break;
    const std::chrono::milliseconds delay = backoff.Next();
    spdlog::warn("amqp consumer: {}; reconnecting in {} ms", status.ToString(), delay.count());
    const std::function<bool()> stopping = [this] { return stopping_.load(); };
    auto pause = base::PauseUnlessStopping(delay, stopping);
    co_await std::move(pause);
  }
  spdlog::info("amqp consumer: stopped");
}

asio::awaitable<absl::Status> Consumer::ConsumeOnce(Connection& conn) {
  amqp_connection_state_t state = conn.state();
  amqp_basic_qos(state, Connection::kChannel, 0, options_.prefetch, 0);
  if (absl::Status s = RpcError(state, "basic.qos"); !s.ok()) co_return s;
  amqp_basic_consume(state, Connection::kChannel, amqp_cstring_bytes(options_.queue.c_str()),
                     amqp_empty_bytes, 0, /*no_ack=*/0, 0, amqp_empty_table);
  if (absl::Status s = RpcError(state, "basic.consume"); !s.ok()) co_return s;

  // The socket is rabbitmq-c's: Asio only waits for it to be readable, and lets it go unclosed.
  const asio::any_io_executor executor = co_await asio::this_coro::executor;
  asio::posix::stream_descriptor socket(executor, amqp_get_sockfd(state));
  struct LetGo {
    asio::posix::stream_descriptor& socket;
    ~LetGo() { socket.release(); }
  } let_go{socket};
  asio::steady_timer wake(executor);

  std::vector<Delivery> batch;
  std::vector<uint64_t> tags;
  const size_t max_batch = std::max<size_t>(1, options_.max_batch);
  asio::steady_timer::time_point linger_until;
  while (!stopping_) {
    if (batch.empty()) amqp_maybe_release_buffers(state);
    // Takes what has arrived without waiting (a zero timeout polls; frames rabbitmq-c has
    // buffered already come first).
    timeval no_wait{0, 0};
    amqp_envelope_t envelope;
    amqp_rpc_reply_t reply = amqp_consume_message(state, &envelope, &no_wait, 0);
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
        reply.library_error == AMQP_STATUS_TIMEOUT) {
      const auto now = asio::steady_timer::clock_type::now();
      if (!batch.empty() && (batch.size() >= max_batch || now >= linger_until)) {
        auto dispatched = Dispatch(conn, batch, tags);
        if (absl::Status s = co_await std::move(dispatched); !s.ok()) co_return s;
        continue;
      }
      // Nothing yet (or a batch still lingering): wait for the socket until the deadline. The
      // wake-up's handler may run after this wait ended (both completed in one turn of the
      // loop): it then finds itself disarmed and leaves the socket alone (which may be gone).
      auto armed = std::make_shared<asio::posix::stream_descriptor*>(&socket);
      wake.expires_at(batch.empty() ? now + kIdleWake : linger_until);
      wake.async_wait([armed](boost::system::error_code ec) {
        boost::system::error_code ignored;
        if (!ec && *armed != nullptr) (*armed)->cancel(ignored);
      });
      boost::system::error_code ec;
      auto readable = socket.async_wait(asio::posix::stream_descriptor::wait_read,
                                        asio::redirect_error(asio::use_awaitable, ec));
      co_await std::move(readable);
      *armed = nullptr;
      wake.cancel();
      continue;
    }
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
        reply.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
      // A frame other than a delivery (e.g. the broker closing the channel).
      amqp_frame_t frame;
      if (amqp_simple_wait_frame(state, &frame) != AMQP_STATUS_OK) {
        co_return absl::UnavailableError("connection lost");
      }
      if (frame.frame_type == AMQP_FRAME_METHOD &&
          (frame.payload.method.id == AMQP_CHANNEL_CLOSE_METHOD ||
           frame.payload.method.id == AMQP_CONNECTION_CLOSE_METHOD)) {
        co_return absl::UnavailableError("broker closed the channel");
      }
      continue;
    }
    if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
      co_return absl::UnavailableError(
          fmt::format("consume failed: {}", reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION
                                                ? amqp_error_string2(reply.library_error)
                                                : "server exception"));
    }
    // A batch's first delivery starts its linger.
    if (batch.empty()) linger_until = asio::steady_timer::clock_type::now() + options_.linger;
    Delivery& delivery = batch.emplace_back();
    delivery.body.assign(static_cast<char*>(envelope.message.body.bytes),
                         envelope.message.body.len);
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
      auto dispatched = Dispatch(conn, batch, tags);
      if (absl::Status s = co_await std::move(dispatched); !s.ok()) co_return s;
    }
  }
  // Finish what is in hand before closing.
  auto dispatched = Dispatch(conn, batch, tags);
  co_return co_await std::move(dispatched);
}

asio::awaitable<absl::Status> Consumer::Dispatch(Connection& conn, std::vector<Delivery>& batch,
                                                 std::vector<uint64_t>& tags) {
  if (batch.empty()) co_return absl::OkStatus();
  amqp_connection_state_t state = conn.state();
  const size_t count = batch.size();
  deliveries_.Add(static_cast<int64_t>(count));
  batch_sizes_.Observe(static_cast<double>(count));
  std::vector<std::shared_ptr<SettledHook>> hooks;
  hooks.reserve(count);
  for (const Delivery& d : batch) hooks.push_back(d.on_settled);
  auto handled = handler_(std::move(batch));
  const std::vector<Disposition> dispositions = co_await std::move(handled);
  absl::Status status;
  if (dispositions.size() != count) {
    // A handler bug: leave the batch unacked; the broker redelivers it after the reconnect.
    status = absl::InternalError("consumer handler: one disposition per delivery expected");
  } else if (std::all_of(dispositions.begin(), dispositions.end(),
                         [](Disposition d) { return d == Disposition::kAck; })) {
    // Every earlier delivery is settled already, so `multiple` acks exactly this batch.
    const int rc = amqp_basic_ack(state, Connection::kChannel, tags.back(), /*multiple=*/1);
    acked_.Add(static_cast<int64_t>(count));
    if (rc != AMQP_STATUS_OK)
      status = absl::UnavailableError(fmt::format("ack failed: {}", amqp_error_string2(rc)));
    for (const std::shared_ptr<SettledHook>& hook : hooks) {
      if (*hook) (*hook)(Disposition::kAck, status);
    }
  } else {
    for (size_t i = 0; i < count && status.ok(); ++i) {
      int rc = AMQP_STATUS_OK;
      switch (dispositions[i]) {
        case Disposition::kAck:
          rc = amqp_basic_ack(state, Connection::kChannel, tags[i], 0);
          acked_.Add();
          break;
        case Disposition::kRequeue:
          rc = amqp_basic_nack(state, Connection::kChannel, tags[i], 0, /*requeue=*/1);
          requeued_.Add();
          break;
        case Disposition::kDeadLetter:
          rc = amqp_basic_reject(state, Connection::kChannel, tags[i], /*requeue=*/0);
          dead_lettered_.Add();
          break;
      }
      if (rc != AMQP_STATUS_OK)
        status = absl::UnavailableError(fmt::format("ack failed: {}", amqp_error_string2(rc)));
      if (*hooks[i]) (*hooks[i])(dispositions[i], status);
    }
  }
  batch.clear();
  tags.clear();
  co_return status;
}

}  // namespace seckill::amqp
