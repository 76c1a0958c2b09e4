#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace seckill::base {

// A monotonic count of something that happened, exported in the Prometheus text format.
class Counter {
 public:
  void Add(int64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  int64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// A value that goes up and down (bytes in use, a breaker's state), set by its owner.
class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// How values were distributed (request durations, batch sizes): a count per bucket of upper
// bounds, the sum and the count, as a Prometheus histogram. Observe is lock-free.
class Histogram {
 public:
  // `bounds`: the buckets' upper bounds, ascending, in the metric's base unit (seconds for
  // durations); values above the last land in +Inf.
  explicit Histogram(std::vector<double> bounds);

  void Observe(double value);

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<int64_t> cumulative;  // per bound, then +Inf: values at or below it
    double sum = 0;
    int64_t count = 0;
  };
  Snapshot Read() const;

  // Request latencies, 0.5 ms to 10 s.
  static std::vector<double> LatencyBounds();

 private:
  const std::vector<double> bounds_;
  std::unique_ptr<std::atomic<int64_t>[]> buckets_;  // bounds_.size() + 1 (+Inf)
  std::atomic<double> sum_{0};
};

// A metric's labels, name -> value (e.g. {"route", "GET /api/v1/orders"}), in the order given.
using Labels = std::vector<std::pair<std::string, std::string>>;

// One sample of a family read at scrape time.
struct Sample {
  Labels labels;
  double value = 0;
};

// A service's metrics, by name: one registry, made by main() and given to what counts (there
// is no process-wide one), listed at the service's /metrics. Metrics are created once and never
// removed, so a reference from Get() or GetHistogram() stays valid as long as the registry; a
// component takes its metrics when it is built, so they are listed (as 0) from the start.
// A name is one family: every member has the family's kind and help, and its own labels.
class Metrics {
 public:
  // `name` must be a Prometheus metric name ending in `_total`; `help` says what is counted.
  Counter& Get(const std::string& name, const std::string& help, const Labels& labels = {});
  // `name` ends in its base unit (`_seconds`, `_bytes`) or says what it counts.
  Histogram& GetHistogram(const std::string& name, const std::string& help, const Labels& labels,
                          std::vector<double> bounds);
  Gauge& GetGauge(const std::string& name, const std::string& help, const Labels& labels = {});

  // A family whose samples are read when /metrics is scraped: figures another component already
  // keeps (the process's CPU time, flow-control counts, breaker states). `read` runs under the
  // registry's lock on the scraping thread: it must be quick, never wait on I/O, never call
  // the registry, and stay valid as long as the registry. A counter's samples must never fall.
  enum class Type { kCounter, kGauge };
  void AddCollector(const std::string& name, const std::string& help, Type type,
                    std::function<std::vector<Sample>()> read);

  // `# HELP`, `# TYPE` and the samples of every family, sorted by name, then by labels.
  std::string PrometheusText() const;

 private:
  enum class Kind { kCounter, kGauge, kHistogram, kCollectedCounter, kCollectedGauge };
  struct Family {
    Kind kind = Kind::kCounter;
    std::string help;
    // By the rendered labels (`a="x",b="y"`).
    std::map<std::string, std::unique_ptr<Counter>> counters;
    std::map<std::string, std::unique_ptr<Gauge>> gauges;
    std::map<std::string, std::unique_ptr<Histogram>> histograms;
    std::function<std::vector<Sample>()> collect;
  };
  Family& FamilyOf(const std::string& name, const std::string& help, Kind kind);
  static const char* TypeName(Kind kind);

  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
};

// `given`, or else a registry made in `own` whose metrics count but are listed nowhere: for a
// component whose registry is optional (tests and tools build it without one).
Metrics& GivenOrUnlisted(Metrics* given, std::unique_ptr<Metrics>& own);

// What a service measures on every request, beside its counters (the `metrics.*` settings).
struct MetricsOptions {
  // The duration histograms per HTTP route and per gRPC method, and the gRPC interceptors that
  // feed them. Off: neither family is listed and no request pays for them (the bench's rows
  // without telemetry).
  bool request_durations = true;
};

class SettingsSchema;
void DescribeSettings(SettingsSchema& schema, MetricsOptions& options);

}  // namespace seckill::base
