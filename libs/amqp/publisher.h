#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "libs/amqp/connection.h"
#include "libs/base/metrics.h"

namespace seckill::amqp {

struct Message {
  std::string body;
  // Must be unique among messages in flight: a basic.return is matched to its publish by it.
  std::string message_id;
  std::string content_type = "application/x-protobuf";
  int64_t expiration_ms = 0;  // > 0: the broker expires (dead-letters) it after this long
  std::vector<std::pair<std::string, std::string>> headers;
};

struct PublisherOptions {
  BrokerOptions broker;
  Topology topology;
  std::string exchange;
  std::string routing_key;
  // A publish not confirmed by then completes with DEADLINE_EXCEEDED (outcome unknown).
  std::chrono::milliseconds confirm_timeout{5000};
  // Publishes in flight (sent, not yet confirmed) at most; the rest wait their turn.
  size_t max_in_flight = 4096;
  std::chrono::milliseconds reconnect_min{100};
  std::chrono::milliseconds reconnect_max{3000};
};

// Publishes persistent, `mandatory` messages with publisher confirms on one connection owned by
// its own thread; many messages are in flight at once (a confirm window), so no caller thread
// waits. `done` runs on the publisher thread and must not block. Its status says:
//   OK                 the broker confirmed: the message is stored in a queue;
//   UNAVAILABLE        certainly not delivered (not connected, nacked, or unroutable/returned);
//   DEADLINE_EXCEEDED  outcome unknown (sent, but the confirm never came: timeout or connection
//                      lost). The message may still arrive; consumers must tolerate it.
// Reconnects with back-off and redeclares the topology. A confirm overdue by `confirm_timeout`
// counts as a lost connection: it is dropped and re-opened, failing what is still in flight
// with DEADLINE_EXCEEDED. Thread-safe.
class Publisher {
 public:
  using Done = std::function<void(absl::Status)>;

  // Counts into `metrics` (null: counted unlisted), labelled with the exchange:
  // seckill_amqp_published_total (sent) and seckill_amqp_publish_results_total{result}: confirmed,
  // nacked, returned (unroutable), unconfirmed (outcome unknown), not_sent.
  explicit Publisher(PublisherOptions options, base::Metrics* metrics = nullptr);
  ~Publisher();
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  void Start();
  void Publish(Message message, Done done);
  // Stops taking messages (they fail with UNAVAILABLE), waits for the confirms in flight (up to
  // the confirm timeout), then closes. Idempotent.
  void Stop();
  bool Connected() const { return connected_.load(); }

 private:
  struct Pending {
    Message message;
    Done done;
    std::chrono::steady_clock::time_point deadline;
  };

  void Loop();
  bool EnsureConnected();
  void SendQueued();
  void PumpFrames(int wait_ms);
  void Settle(uint64_t tag, bool multiple, bool acked);
  void ExpireDeadlines();
  void FailQueued(const absl::Status& status);
  void Broken(const absl::Status& why);
  void Wake();

  PublisherOptions options_;
  std::unique_ptr<base::Metrics> unlisted_;  // when no registry was given
  base::Metrics& metrics_;
  base::Counter& published_;
  base::Counter& confirmed_;
  base::Counter& nacked_;
  base::Counter& returned_count_;
  base::Counter& unconfirmed_;
  base::Counter& not_sent_;
  std::unique_ptr<Connection> conn_;
  std::atomic<bool> connected_{false};
  int wake_fd_ = -1;
  std::thread thread_;

  std::mutex mu_;
  std::deque<Pending> queue_;
  bool stopping_ = false;

  // Publisher thread only.
  uint64_t next_tag_ = 1;
  std::map<uint64_t, Pending> outstanding_;
  std::set<std::string> returned_;
  std::chrono::steady_clock::time_point next_connect_;
  std::chrono::milliseconds backoff_;
};

}  // namespace seckill::amqp
