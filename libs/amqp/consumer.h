#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "libs/amqp/connection.h"

namespace seckill::amqp {

struct Delivery {
  std::string body;
  std::string message_id;
  std::map<std::string, std::string> headers;  // string-valued headers only
  bool redelivered = false;
};

// What the consumer does with a delivery once the handler returns.
enum class Disposition {
  kAck,         // done (committed): remove it
  kRequeue,     // not done, try again later (e.g. shutting down mid-retry)
  kDeadLetter,  // can never succeed (poison): reject without requeue, to the dead-letter queue
};

struct ConsumerOptions {
  BrokerOptions broker;
  Topology topology;
  std::string queue;
  uint16_t prefetch = 64;
  // At most this many deliveries are handed to a batch handler at once: those that have arrived
  // by the time the first is in hand (no waiting to fill a batch). Keep it <= prefetch.
  size_t max_batch = 1;
  std::chrono::milliseconds reconnect_min{100};
  std::chrono::milliseconds reconnect_max{3000};
};

// Consumes one queue with manual acks on its own connection and thread; the handler runs on
// that thread, may block (it writes to the database), and the ack is sent only after it
// returns kAck. A batch handler gets the deliveries that are waiting (up to max_batch) and
// returns one disposition each; a batch all acked is acked with one `multiple` ack. Reconnects
// with back-off, redeclaring the topology; deliveries not acked before a disconnect are
// redelivered by the broker, so handlers must be idempotent.
class Consumer {
 public:
  using Handler = std::function<Disposition(const Delivery&)>;
  using BatchHandler = std::function<std::vector<Disposition>(const std::vector<Delivery>&)>;

  Consumer(ConsumerOptions options, BatchHandler handler)
      : options_(std::move(options)), handler_(std::move(handler)) {}
  // One delivery at a time (max_batch is ignored).
  Consumer(ConsumerOptions options, Handler handler);
  ~Consumer() { Stop(); }
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  void Start();
  // Finishes the delivery in hand, then closes. Idempotent.
  void Stop();
  // True while stopping; long-running handlers should check it between retries.
  bool Stopping() const { return stopping_.load(); }
  bool Connected() const { return connected_.load(); }

 private:
  void Loop();
  absl::Status ConsumeOnce(Connection& conn);
  // Hands the batch to the handler, settles each delivery as it says, and empties the batch.
  absl::Status Dispatch(Connection& conn, std::vector<Delivery>& batch, std::vector<uint64_t>& tags);

  ConsumerOptions options_;
  BatchHandler handler_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> connected_{false};
};

}  // namespace seckill::amqp
