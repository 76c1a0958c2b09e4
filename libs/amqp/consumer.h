#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "boost/asio/awaitable.hpp"
#include "boost/asio/io_context.hpp"
#include "libs/amqp/connection.h"
#include "libs/base/metrics.h"

namespace seckill::amqp {

// What the consumer does with a delivery once the handler returns.
enum class Disposition {
  kAck,         // done (committed): remove it
  kRequeue,     // not done, try again later (e.g. shutting down mid-retry)
  kDeadLetter,  // can never succeed (poison): reject without requeue, to the dead-letter queue
};

// Called on the consumer's thread once a delivery's settlement (ack, nack or reject) was
// written to the broker (OK) or could not be (the error); not called when the connection was
// lost before its turn.
using SettledHook = std::function<void(Disposition, const absl::Status&)>;

struct Delivery {
  std::string body;
  std::string message_id;
  std::map<std::string, std::string> headers;  // string-valued headers only
  bool redelivered = false;
  // The handler may set *on_settled to learn how the delivery was settled (e.g. to end its
  // spans at the ack); the consumer keeps a share of it past the handler's return.
  std::shared_ptr<SettledHook> on_settled = std::make_shared<SettledHook>();
};

struct ConsumerOptions {
  BrokerOptions broker;
  Topology topology;
  std::string queue;
  uint16_t prefetch = 64;
  // At most this many deliveries are handed to a batch handler at once: those that have arrived
  // by the time the first is in hand, and those that arrive within `linger` of the socket
  // running dry. Keep it <= prefetch.
  size_t max_batch = 1;
  // How long a batch that is not full waits for more before it is handled. The broker writes a
  // backlog in pieces (a few deliveries each); without a wait, a consumer sharing the CPU with
  // it handles every piece as a batch of its own, and each batch costs a commit. 0: no wait.
  std::chrono::microseconds linger{0};
  std::chrono::milliseconds reconnect_min{100};
  std::chrono::milliseconds reconnect_max{3000};
};

// Consumes one queue with manual acks on its own connection, driven by one coroutine on its
// own thread: it waits for the socket to be readable (no thread blocks on a future or sleeps),
// takes what has arrived (up to max_batch, lingering for more), awaits the handler's coroutine and
// sends the ack only after it answered kAck. A batch all acked is acked with one `multiple` ack.
// Then each delivery's on_settled hook, if the handler set one, is told how it was settled.
// The handler runs on the consumer's thread and must not block it (blocking work goes to a worker
// pool, awaited). Reconnects with back-off, redeclaring the topology; deliveries not acked before a
// disconnect are redelivered by the broker, so handlers must be idempotent. Opening a
// connection and the AMQP handshake are rabbitmq-c's blocking calls, bounded by the broker
// options' connect timeout; they hold only this consumer's thread.
class Consumer {
 public:
  using Handler = std::function<boost::asio::awaitable<Disposition>(Delivery)>;
  using BatchHandler =
      std::function<boost::asio::awaitable<std::vector<Disposition>>(std::vector<Delivery>)>;

  // Counts into `metrics` (null: counted unlisted), labelled with the queue:
  // seckill_amqp_deliveries_total, seckill_amqp_consumer_batch_size (deliveries per handler
  // call) and seckill_amqp_settled_total{disposition}: ack, requeue, dead_letter.
  Consumer(ConsumerOptions options, BatchHandler handler, base::Metrics* metrics = nullptr);
  // One delivery at a time (max_batch is ignored).
  Consumer(ConsumerOptions options, Handler handler, base::Metrics* metrics = nullptr);
  ~Consumer() { Stop(); }
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  void Start();
  // Finishes the batch in hand (the handler's retries give it back when Stopping()), then
  // closes and joins the thread. Idempotent.
  void Stop();
  // True while stopping; handlers that retry should check it between tries.
  bool Stopping() const { return stopping_.load(); }
  bool Connected() const { return connected_.load(); }

 private:
  boost::asio::awaitable<void> Run();
  boost::asio::awaitable<absl::Status> ConsumeOnce(Connection& conn);
  // Hands the batch to the handler, settles each delivery as it says, and empties the batch.
  boost::asio::awaitable<absl::Status> Dispatch(Connection& conn, std::vector<Delivery>& batch,
                                                std::vector<uint64_t>& tags);

  ConsumerOptions options_;
  BatchHandler handler_;
  std::unique_ptr<base::Metrics> unlisted_;  // when no registry was given
  base::Metrics& metrics_;
  base::Counter& deliveries_;
  base::Histogram& batch_sizes_;
  base::Counter& acked_;
  base::Counter& requeued_;
  base::Counter& dead_lettered_;
  boost::asio::io_context context_{1};
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> connected_{false};
};

}  // namespace seckill::amqp
