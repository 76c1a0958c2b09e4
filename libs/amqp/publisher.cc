#include "libs/amqp/publisher.h"

#include <amqp.h>
#include <amqp_framing.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>

#include "fmt/format.h"
#include "libs/base/status.h"
#include "spdlog/spdlog.h"

namespace seckill::amqp {

using Clock = std::chrono::steady_clock;

namespace {

base::Counter& Result(base::Metrics& metrics, const std::string& exchange, const char* result) {
  return metrics.Get("seckill_amqp_publish_results_total",
                     "Publishes by how they ended: confirmed (stored in a queue), nacked, returned "
                     "(unroutable), unconfirmed (outcome unknown), not_sent",
                     {{"exchange", exchange}, {"result", result}});
}

}  // namespace

Publisher::Publisher(PublisherOptions options, base::Metrics* metrics)
    : options_(std::move(options)),
      metrics_(base::GivenOrUnlisted(metrics, unlisted_)),
      published_(metrics_.Get("seckill_amqp_published_total",
                              "Messages sent to the broker (each then confirmed or not)",
                              {{"exchange", options_.exchange}})),
      confirmed_(Result(metrics_, options_.exchange, "confirmed")),
      nacked_(Result(metrics_, options_.exchange, "nacked")),
      returned_count_(Result(metrics_, options_.exchange, "returned")),
      unconfirmed_(Result(metrics_, options_.exchange, "unconfirmed")),
      not_sent_(Result(metrics_, options_.exchange, "not_sent")),
      backoff_(options_.reconnect_min) {
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

Publisher::~Publisher() {
  Stop();
  if (wake_fd_ >= 0) close(wake_fd_);
}

void Publisher::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void Publisher::Publish(Message message, Done done) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.push_back(Pending{std::move(message), std::move(done), {}});
      Wake();
      return;
    }
  }
  not_sent_.Add();
  done(absl::UnavailableError("publisher is stopping"));
}

void Publisher::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    Wake();
  }
  if (thread_.joinable()) thread_.join();
}

void Publisher::Wake() {
  const uint64_t one = 1;
  [[maybe_unused]] auto n = write(wake_fd_, &one, sizeof(one));
}

void Publisher::FailQueued(const absl::Status& status) {
  std::deque<Pending> failed;
  {
    std::lock_guard lock(mu_);
    failed.swap(queue_);
  }
  not_sent_.Add(static_cast<int64_t>(failed.size()));
  for (Pending& p : failed) p.done(status);
}

void Publisher::Broken(const absl::Status& why) {
  spdlog::warn("amqp publisher: connection lost: {}", why.ToString());
  if (conn_ != nullptr) conn_->MarkBroken();
  conn_.reset();
  connected_ = false;
  // Sent but unconfirmed: the broker may or may not have them.
  auto outstanding = std::move(outstanding_);
  outstanding_.clear();
  returned_.clear();
  unconfirmed_.Add(static_cast<int64_t>(outstanding.size()));
  for (auto& [tag, p] : outstanding) {
    p.done(absl::DeadlineExceededError(
        fmt::format("connection lost before the broker confirmed: {}", why.message())));
  }
  next_connect_ = Clock::now() + backoff_;
}

bool Publisher::EnsureConnected() {
  if (conn_ != nullptr) return true;
  if (Clock::now() < next_connect_) return false;
  auto conn = Connection::Open(options_.broker);
  absl::Status status = conn.status();
  if (status.ok()) status = (*conn)->Declare(options_.topology);
  if (status.ok()) {
    amqp_confirm_select_t req{};
    amqp_simple_rpc_decoded((*conn)->state(), Connection::kChannel, AMQP_CONFIRM_SELECT_METHOD,
                            AMQP_CONFIRM_SELECT_OK_METHOD, &req);
    status = RpcError((*conn)->state(), "confirm.select");
  }
  if (!status.ok()) {
    spdlog::warn("amqp publisher: {}; retrying in {} ms", status.ToString(), backoff_.count());
    next_connect_ = Clock::now() + backoff_;
    backoff_ = std::min(backoff_ * 2, options_.reconnect_max);
    return false;
  }
  conn_ = std::move(*conn);
  next_tag_ = 1;  // delivery tags restart on every channel
  backoff_ = options_.reconnect_min;
  connected_ = true;
  spdlog::info("amqp publisher: connected to {}:{}", options_.broker.host, options_.broker.port);
  return true;
}

void Publisher::SendQueued() {
  std::deque<Pending> batch;
  {
    std::lock_guard lock(mu_);
    const size_t room =
        options_.max_in_flight - std::min(options_.max_in_flight, outstanding_.size());
    while (!queue_.empty() && batch.size() < room) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
  }
  const amqp_bytes_t exchange = amqp_cstring_bytes(options_.exchange.c_str());
  const amqp_bytes_t routing_key = amqp_cstring_bytes(options_.routing_key.c_str());
  while (!batch.empty()) {
    Pending p = std::move(batch.front());
    batch.pop_front();
    const Message& m = p.message;
    std::vector<amqp_table_entry_t> entries;
    for (const auto& [key, value] : m.headers) {
      amqp_table_entry_t e;
      e.key = amqp_cstring_bytes(key.c_str());
      e.value.kind = AMQP_FIELD_KIND_UTF8;
      e.value.value.bytes = amqp_cstring_bytes(value.c_str());
      entries.push_back(e);
    }
    amqp_basic_properties_t props{};
    props._flags = AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_CONTENT_TYPE_FLAG |
                   AMQP_BASIC_MESSAGE_ID_FLAG | AMQP_BASIC_HEADERS_FLAG;
    props.delivery_mode = AMQP_DELIVERY_PERSISTENT;
    props.content_type = amqp_cstring_bytes(m.content_type.c_str());
    props.message_id = amqp_cstring_bytes(m.message_id.c_str());
    props.headers = amqp_table_t{static_cast<int>(entries.size()), entries.data()};
    std::string expiration;
    if (m.expiration_ms > 0) {
      expiration = std::to_string(m.expiration_ms);
      props._flags |= AMQP_BASIC_EXPIRATION_FLAG;
      props.expiration = amqp_cstring_bytes(expiration.c_str());
    }
    amqp_bytes_t body{m.body.size(), const_cast<char*>(m.body.data())};
    const int rc = amqp_basic_publish(conn_->state(), Connection::kChannel, exchange, routing_key,
                                      /*mandatory=*/1, /*immediate=*/0, &props, body);
    if (rc != AMQP_STATUS_OK) {
      // Part of the frame may have left: the broker could still route it.
      unconfirmed_.Add();
      p.done(absl::DeadlineExceededError(
          fmt::format("publish failed mid-send: {}", amqp_error_string2(rc))));
      {
        std::lock_guard lock(mu_);
        for (auto it = batch.rbegin(); it != batch.rend(); ++it) queue_.push_front(std::move(*it));
      }
      Broken(absl::UnavailableError(amqp_error_string2(rc)));
      return;
    }
    published_.Add();
    p.deadline = Clock::now() + options_.confirm_timeout;
    outstanding_.emplace(next_tag_++, std::move(p));
  }
}

void Publisher::Settle(uint64_t tag, bool multiple, bool acked) {
  auto settle_one = [&](std::map<uint64_t, Pending>::iterator it) {
    Pending p = std::move(it->second);
    outstanding_.erase(it);
    if (!acked) {
      nacked_.Add();
      p.done(absl::UnavailableError("broker refused the message (nack)"));
    } else if (returned_.erase(p.message.message_id) > 0) {
      returned_count_.Add();
      p.done(absl::UnavailableError("broker could not route the message (returned)"));
    } else {
      confirmed_.Add();
      p.done(absl::OkStatus());
    }
  };
  if (multiple) {
    while (!outstanding_.empty() && outstanding_.begin()->first <= tag)
      settle_one(outstanding_.begin());
  } else if (auto it = outstanding_.find(tag); it != outstanding_.end()) {
    settle_one(it);
  }
}

void Publisher::PumpFrames(int wait_ms) {
  amqp_connection_state_t state = conn_->state();
  if (!amqp_frames_enqueued(state) && !amqp_data_in_buffer(state)) {
    pollfd fds[2] = {{amqp_get_sockfd(state), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    poll(fds, 2, wait_ms);
    uint64_t drained = 0;
    [[maybe_unused]] auto n = read(wake_fd_, &drained, sizeof(drained));
  }
  // Also services heartbeats: rabbitmq-c sends and checks them inside this call.
  while (conn_ != nullptr) {
    amqp_frame_t frame;
    timeval zero{0, 0};
    const int rc = amqp_simple_wait_frame_noblock(state, &frame, &zero);
    if (rc == AMQP_STATUS_TIMEOUT) break;
    if (rc != AMQP_STATUS_OK) {
      Broken(absl::UnavailableError(amqp_error_string2(rc)));
      return;
    }
    if (frame.frame_type != AMQP_FRAME_METHOD) continue;
    switch (frame.payload.method.id) {
      case AMQP_BASIC_ACK_METHOD: {
        const auto* ack = static_cast<amqp_basic_ack_t*>(frame.payload.method.decoded);
        Settle(ack->delivery_tag, ack->multiple != 0, true);
        break;
      }
      case AMQP_BASIC_NACK_METHOD: {
        const auto* nack = static_cast<amqp_basic_nack_t*>(frame.payload.method.decoded);
        Settle(nack->delivery_tag, nack->multiple != 0, false);
        break;
      }
      case AMQP_BASIC_RETURN_METHOD: {
        // The returned message's content follows; its ack comes after it.
        amqp_message_t message;
        amqp_rpc_reply_t r = amqp_read_message(state, frame.channel, &message, 0);
        if (r.reply_type != AMQP_RESPONSE_NORMAL) {
          Broken(absl::UnavailableError("could not read a returned message"));
          return;
        }
        if (message.properties._flags & AMQP_BASIC_MESSAGE_ID_FLAG) {
          returned_.emplace(static_cast<char*>(message.properties.message_id.bytes),
                            message.properties.message_id.len);
        }
        amqp_destroy_message(&message);
        break;
      }
      case AMQP_CHANNEL_CLOSE_METHOD:
      case AMQP_CONNECTION_CLOSE_METHOD:
        Broken(absl::UnavailableError("broker closed the connection"));
        return;
      default:
        break;
    }
  }
  if (conn_ != nullptr) amqp_maybe_release_buffers(state);
}

void Publisher::ExpireDeadlines() {
  // A confirm overdue by the whole timeout means the broker, or the path to it, went silent (a
  // live broker confirms in milliseconds, and heartbeats would take two intervals to notice).
  // Everything sent on this connection is now of unknown outcome; dropping the connection makes
  // what comes next fail fast as certainly-not-sent while it reconnects, instead of vanishing
  // into the same silence.
  // Deadlines grow with delivery tags (set when sent), so the oldest outstanding is the first due.
  if (!outstanding_.empty() && outstanding_.begin()->second.deadline <= Clock::now()) {
    Broken(absl::DeadlineExceededError("the broker did not confirm in time"));
  }
}

void Publisher::Loop() {
  Clock::time_point stop_deadline{};
  while (true) {
    bool stopping = false, has_queued = false;
    {
      std::lock_guard lock(mu_);
      stopping = stopping_;
      has_queued = !queue_.empty();
    }
    if (stopping) {
      FailQueued(absl::UnavailableError("publisher is stopping"));
      if (stop_deadline == Clock::time_point{})
        stop_deadline = Clock::now() + options_.confirm_timeout;
      if (outstanding_.empty() || conn_ == nullptr || Clock::now() >= stop_deadline) break;
    }
    if (conn_ == nullptr && !stopping) {
      // Connect eagerly (readiness depends on it); fail fast: a caller must not wait for a
      // broker that is down.
      if (!EnsureConnected() && has_queued) {
        FailQueued(absl::UnavailableError("message broker unavailable"));
      }
      if (conn_ == nullptr) {
        pollfd fd{wake_fd_, POLLIN, 0};
        poll(&fd, 1, 200);
        uint64_t drained = 0;
        [[maybe_unused]] auto n = read(wake_fd_, &drained, sizeof(drained));
        continue;
      }
    }
    if (!stopping) SendQueued();
    if (conn_ == nullptr) continue;
    const int heartbeat_ms = static_cast<int>(options_.broker.heartbeat.count() * 1000 / 2);
    PumpFrames(outstanding_.empty() ? std::max(heartbeat_ms, 100) : 20);
    ExpireDeadlines();
  }
  unconfirmed_.Add(static_cast<int64_t>(outstanding_.size()));
  for (auto& [tag, p] : outstanding_) {
    p.done(absl::DeadlineExceededError("publisher stopped before the broker confirmed"));
  }
  outstanding_.clear();
  conn_.reset();
  connected_ = false;
  spdlog::info("amqp publisher: stopped");
}

}  // namespace seckill::amqp
