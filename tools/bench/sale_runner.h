#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/mysql/connection.h"
#include "tools/bench/sale_client.h"

namespace seckill::bench {

struct SaleOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string admin_user;
  std::string admin_password;
  int64_t stock = 100;
  int buyers = 2000;
  int attempts = 2;  // orders each buyer sends; a buyer's attempts are sent back to back, so they
                     // race each other on different connections
  int concurrency = 200;
  // Open loop: when > 0, attempt i is due at start + i / rate seconds, whatever the answers so far,
  // so a sale can be stretched over a fault. Latency is then measured from the due time, so a
  // request that waited for a free connection counts its wait (no coordinated omission); raise
  // `concurrency` if the report shows late starts. 0 sends as fast as the connections allow.
  double rate = 0;
  // Orders the buyers: the same seed gives the same arrival order (and so the same winners when
  // nothing else interferes). 0 keeps buyer 0, 1, 2, ... in order.
  uint64_t seed = 0;
  // F19: one more buyer sends this many orders at once, `burst_at` into the sale, and again once
  // every other attempt is answered. Even-numbered ones share one Idempotency-Key (a resent
  // request), odd ones carry none (repeated presses). Their answers are in the history and the
  // checks like everyone else's, and the buyer must be told of one order at most.
  int duplicate_burst = 0;
  std::chrono::milliseconds burst_at{0};
  int64_t limit_per_user = 1;
  std::chrono::milliseconds request_timeout{10000};
  std::chrono::seconds drain_timeout{30};
  // Waited after the sale, before the drain and the checks: for orders a fault can delay past
  // the end of the sale (after a network partition, messages the broker has not received yet
  // arrive with TCP's retransmissions, seconds later), so the checks see them too.
  std::chrono::seconds settle{0};
  mysql::ConnectionOptions db;  // the database of record, for the invariant checks
  std::string history_path;     // when set, one CSV line per request
  // Server processes (name -> pid) whose CPU time over the sale and its drain is reported per
  // request, from /proc/PID/stat (utime + stime).
  std::map<std::string, int> watch;
  // Service instances (name -> base URL) whose share of the sale is reported: a gateway's (named
  // gateway...) order requests, from its flow metrics; a product instance's (product...)
  // reservations and an order instance's (order...) accepted and recorded orders, from the
  // counters at its /metrics (the URL of its probes).
  std::map<std::string, std::string> instances;
};

// One request and how it ended. `status` 0 means no HTTP answer (indeterminate).
struct Attempt {
  int buyer = 0;
  int64_t sent_us = 0;
  int64_t done_us = 0;
  int status = 0;
  std::string code;
  std::string order_id;
};

struct SaleReport {
  std::string activity_id;
  SaleOptions options;
  std::vector<Attempt> attempts;
  std::map<std::string, int64_t> outcomes;        // "202", "409 SOLD_OUT", "no answer", ...
  std::map<std::string, int64_t> burst_outcomes;  // the duplicate burst's share of `outcomes`
  int64_t started_epoch_ms =
      0;  // wall clock at the sale's start, to line faults up with the history
  double seconds = 0;
  int64_t late_starts = 0;  // paced mode: attempts sent more than 10 ms after they were due
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0;
  bool drained = false;
  double drain_seconds = 0;
  SaleClient::Stats stats;
  int64_t db_live_orders = 0;  // CREATED or PAID
  int64_t db_live_units = 0;
  int64_t db_failed_orders = 0;
  int64_t db_distinct_buyers = 0;  // of live orders
  std::vector<std::string> violations;
  // Where the figures come from: this build's type (the services of `make demo` come from the
  // same build folder), the cores, and /proc/loadavg before and after the sale.
  std::string build_type;
  unsigned cores = 0;
  std::string load_before, load_after;
  // CPU µs per request of each watched process, and of this load generator ("seckill-bench").
  std::map<std::string, double> cpu_us_per_request;
  // What each of `options.instances` counted over the sale and its drain: counter -> increase.
  std::map<std::string, std::map<std::string, int64_t>> per_instance;
};

// Sets up an activity and its buyers through the admin API, sends every buyer's orders at the
// chosen concurrency, waits for the queue to drain, then checks invariants I1-I4
// (docs/reliability.md) against the database and the order statuses. An error status means the
// sale could not be run at all; a run with broken invariants is reported in `violations`.
absl::StatusOr<SaleReport> RunSale(const SaleOptions& options);

// The human-readable report.
std::string FormatReport(const SaleReport& report);

}  // namespace seckill::bench
