#include "libs/base/metrics.h"

#include <algorithm>
#include <stdexcept>

#include "fmt/format.h"
#include "libs/base/settings.h"

namespace seckill::base {
namespace {

// The labels as Prometheus writes them inside braces; values escaped (\\, \", \n).
std::string Render(const Labels& labels) {
  std::string out;
  for (const auto& [name, value] : labels) {
    if (!out.empty()) out += ',';
    out += name + "=\"";
    for (char c : value) {
      if (c == '\\' || c == '"') out += '\\';
      out += c == '\n' ? std::string("\\n") : std::string(1, c);
    }
    out += '"';
  }
  return out;
}

std::string Braced(const std::string& labels) { return labels.empty() ? "" : "{" + labels + "}"; }

// `labels` with one more label after them.
std::string With(const std::string& labels, const std::string& extra) {
  return "{" + (labels.empty() ? extra : labels + "," + extra) + "}";
}

}  // namespace

const char* Metrics::TypeName(Kind kind) {
  switch (kind) {
    case Kind::kCounter:
    case Kind::kCollectedCounter:
      return "counter";
    case Kind::kHistogram:
      return "histogram";
    default:
      return "gauge";
  }
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<int64_t>[]>(bounds_.size() + 1)) {
  if (!std::is_sorted(bounds_.begin(), bounds_.end())) {
    throw std::invalid_argument("histogram bounds must be ascending");
  }
}

void Histogram::Observe(double value) {
  const size_t bucket = static_cast<size_t>(
      std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot s;
  s.bounds = bounds_;
  int64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  s.count = running;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

std::vector<double> Histogram::LatencyBounds() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Metrics::Family& Metrics::FamilyOf(const std::string& name, const std::string& help, Kind kind) {
  auto [it, created] = families_.try_emplace(name);
  if (created) {
    it->second.kind = kind;
    it->second.help = help;
  } else if (it->second.kind != kind) {
    throw std::logic_error(fmt::format("metric {} is already of another kind", name));
  }
  return it->second;
}

Counter& Metrics::Get(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mu_);
  std::unique_ptr<Counter>& counter = FamilyOf(name, help, Kind::kCounter).counters[Render(labels)];
  if (counter == nullptr) counter = std::make_unique<Counter>();
  return *counter;
}

Gauge& Metrics::GetGauge(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mu_);
  std::unique_ptr<Gauge>& gauge = FamilyOf(name, help, Kind::kGauge).gauges[Render(labels)];
  if (gauge == nullptr) gauge = std::make_unique<Gauge>();
  return *gauge;
}

void Metrics::AddCollector(const std::string& name, const std::string& help, Type type,
                           std::function<std::vector<Sample>()> read) {
  std::lock_guard lock(mu_);
  const Kind kind = type == Type::kCounter ? Kind::kCollectedCounter : Kind::kCollectedGauge;
  if (families_.contains(name)) {
    throw std::logic_error(fmt::format("metric {} already exists", name));
  }
  FamilyOf(name, help, kind).collect = std::move(read);
}

Histogram& Metrics::GetHistogram(const std::string& name, const std::string& help,
                                 const Labels& labels, std::vector<double> bounds) {
  std::lock_guard lock(mu_);
  std::unique_ptr<Histogram>& histogram =
      FamilyOf(name, help, Kind::kHistogram).histograms[Render(labels)];
  if (histogram == nullptr) histogram = std::make_unique<Histogram>(std::move(bounds));
  return *histogram;
}

std::string Metrics::PrometheusText() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, family] : families_) {
    out +=
        fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, family.help, name, TypeName(family.kind));
    for (const auto& [labels, c] : family.counters) {
      out += fmt::format("{}{} {}\n", name, Braced(labels), c->Value());
    }
    for (const auto& [labels, g] : family.gauges) {
      out += fmt::format("{}{} {}\n", name, Braced(labels), g->Value());
    }
    if (family.collect) {
      std::vector<std::pair<std::string, double>> samples;
      for (Sample& sample : family.collect()) {
        samples.emplace_back(Render(sample.labels), sample.value);
      }
      std::sort(samples.begin(), samples.end());
      for (const auto& [labels, value] : samples) {
        out += fmt::format("{}{} {}\n", name, Braced(labels), value);
      }
    }
    for (const auto& [labels, h] : family.histograms) {
      const Histogram::Snapshot s = h->Read();
      for (size_t i = 0; i < s.cumulative.size(); ++i) {
        const std::string le = i < s.bounds.size() ? fmt::format("{}", s.bounds[i]) : "+Inf";
        out += fmt::format("{}_bucket{} {}\n", name, With(labels, "le=\"" + le + "\""),
                           s.cumulative[i]);
      }
      out += fmt::format("{}_sum{} {}\n{}_count{} {}\n", name, Braced(labels), s.sum, name,
                         Braced(labels), s.count);
    }
  }
  return out;
}

Metrics& GivenOrUnlisted(Metrics* given, std::unique_ptr<Metrics>& own) {
  if (given != nullptr) return *given;
  own = std::make_unique<Metrics>();
  return *own;
}

void DescribeSettings(SettingsSchema& schema, MetricsOptions& options) {
  schema.Choice("metrics.request_durations", &options.request_durations,
                {{"on", true}, {"off", false}},
                "on: request duration histograms per HTTP route and per gRPC method (off saves "
                "their cost on every request; the counters stay)");
}

}  // namespace seckill::base
