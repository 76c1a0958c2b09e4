// seckill-publish-bench: R_pub, the baseline of the accept path. Publishes OrderPlaced messages
// of the production size with the project's AMQP publisher (persistent, mandatory, confirmed) to
// a quorum queue declared like the order queue (its own name, deleted afterwards), keeping
// `--window` publishes in flight, and reports the confirmed rate and the confirm latency.
// With --order-queue it fills the stack's own order queue instead, with orders of one activity
// (ids from --first-order-id, one buyer each from --first-user): the drain measurement's input,
// for reservations made beforehand.
#include <amqp.h>
#include <amqp_framing.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <vector>

#include "CLI/CLI.hpp"
#include "libs/amqp/publisher.h"
#include "libs/base/build_info.h"
#include "libs/base/url.h"
#include "services/order/messaging/message_signer.h"
#include "services/order/messaging/order_queue.h"
#include "tools/bench/stack_env.h"

namespace {

using Clock = std::chrono::steady_clock;

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const size_t k = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

}  // namespace

int main(int argc, char** argv) {
  using namespace seckill;
  CLI::App cli{"seckill-publish-bench: publish-with-confirm rate to a quorum queue (R_pub)"};
  cli.set_version_flag("--version", seckill::base::VersionLine("seckill-publish-bench"));
  std::string env_file = ".run/stack.env";
  int messages = 20000, window = 256;
  cli.add_option("--stack-env", env_file, "settings of the stack (written by `make up`)");
  cli.add_option("--messages", messages, "messages to publish")->check(CLI::Range(1, 10'000'000));
  cli.add_option("--window", window, "publishes in flight at once")->check(CLI::Range(1, 4096));
  bool order_queue = false;
  uint64_t activity = 0, first_order_id = 0, first_user = 0;
  cli.add_flag("--order-queue", order_queue, "publish to the stack's order queue (kept)");
  cli.add_option("--activity", activity, "--order-queue: the orders' activity");
  cli.add_option("--first-order-id", first_order_id, "--order-queue: the first order id");
  cli.add_option("--first-user", first_user, "--order-queue: the first order's buyer");
  CLI11_PARSE(cli, argc, argv);
  if (order_queue && (activity == 0 || first_order_id == 0 || first_user == 0)) {
    std::fprintf(
        stderr,
        "seckill-publish-bench: --order-queue needs --activity, --first-order-id, --first-user\n");
    return 2;
  }

  const auto env = bench::ReadEnvFile(env_file);
  auto it = env.find("SECKILL_AMQP_URL");
  auto url = base::ParseUrl(it == env.end() ? "" : it->second, 5672);
  if (!url.ok()) {
    std::fprintf(stderr, "seckill-publish-bench: no SECKILL_AMQP_URL in %s\n", env_file.c_str());
    return 2;
  }
  // Signed as the order service signs its messages (the consumer acts on no other), which is
  // part of the publishing cost measured.
  auto key = env.find("SECKILL_MESSAGES_KEY");
  if (key == env.end() || key->second.size() < 32) {
    std::fprintf(stderr, "seckill-publish-bench: no SECKILL_MESSAGES_KEY in %s\n",
                 env_file.c_str());
    return 2;
  }
  const order::messaging::MessageSigner signer(key->second);
  amqp::PublisherOptions options;
  options.broker.host = url->host;
  options.broker.port = url->port;
  options.broker.user = url->user;
  options.broker.password = url->password;
  options.broker.vhost = url->path.empty() ? "/" : url->path;
  // The order queue's declaration under names of its own.
  amqp::Topology topology = order::messaging::OrderQueueTopology();
  const std::string suffix = order_queue ? "" : ".bench-pub." + std::to_string(getpid());
  for (amqp::QueueSpec& q : topology.queues) {
    if (order_queue) break;
    q.name += suffix;
    q.exchange += suffix;
    if (!q.dead_letter_exchange.empty()) q.dead_letter_exchange += suffix;
  }
  options.topology = topology;
  options.exchange = topology.queues[1].exchange;
  options.routing_key = topology.queues[1].routing_key;
  options.max_in_flight = static_cast<size_t>(window);

  // A production-sized body: an OrderPlaced as the order service encodes it.
  std::string body =
      order::messaging::EncodeOrderPlaced({386418485946748928ULL, 2, 10002, 1, 100,
                                           order::domain::OrderStatus::kQueued, 1'764'662'400'000},
                                          "");
  auto body_of = [&](int n) {
    if (!order_queue) return body;
    const auto i = static_cast<uint64_t>(n);
    return order::messaging::EncodeOrderPlaced(
        {first_order_id + i, activity, first_user + i, 1, 100, order::domain::OrderStatus::kQueued,
         1'764'662'400'000},
        "");
  };

  amqp::Publisher publisher(options);
  publisher.Start();
  for (int i = 0; i < 100 && !publisher.Connected(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  if (!publisher.Connected()) {
    std::fprintf(stderr, "seckill-publish-bench: cannot connect to the broker\n");
    return 1;
  }

  std::mutex mu;
  std::condition_variable finished;
  std::vector<double> latencies_ms;
  latencies_ms.reserve(static_cast<size_t>(messages));
  int sent = 0, settled = 0, failed = 0;
  std::function<void()> publish_next;
  publish_next = [&] {  // called with `mu` held
    const int n = sent++;
    const Clock::time_point start = Clock::now();
    amqp::Message message{body_of(n), "bench-" + std::to_string(n)};
    signer.Sign(message);
    publisher.Publish(std::move(message), [&, start](absl::Status status) {
      const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      std::lock_guard lock(mu);
      latencies_ms.push_back(ms);
      if (!status.ok()) ++failed;
      if (++settled == messages) finished.notify_all();
      if (sent < messages) publish_next();
    });
  };
  const Clock::time_point t0 = Clock::now();
  {
    std::unique_lock lock(mu);
    for (int i = 0; i < window && sent < messages; ++i) publish_next();
    finished.wait(lock, [&] { return settled == messages; });
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  publisher.Stop();

  if (auto conn = amqp::Connection::Open(options.broker); conn.ok() && !order_queue) {
    for (const amqp::QueueSpec& q : topology.queues) {
      amqp_queue_delete((*conn)->state(), amqp::Connection::kChannel,
                        amqp_cstring_bytes(q.name.c_str()), 0, 0);
      amqp_exchange_delete((*conn)->state(), amqp::Connection::kChannel,
                           amqp_cstring_bytes(q.exchange.c_str()), 0);
    }
  }
  std::printf("seckill-publish-bench: %d messages of %zu bytes, window %d, quorum queue%s\n",
              messages, body.size(), window, order_queue ? " (the order queue)" : "");
  std::printf("  confirmed    %d in %.2f s = %.0f msg/s\n", messages - failed, seconds,
              (messages - failed) / seconds);
  std::printf("  latency      p50 %.2f ms  p99 %.2f ms  p99.9 %.2f ms\n",
              Percentile(latencies_ms, 0.5), Percentile(latencies_ms, 0.99),
              Percentile(latencies_ms, 0.999));
  std::printf("  failed       %d\n", failed);
  return failed == 0 ? 0 : 1;
}
