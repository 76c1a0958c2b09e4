#include "libs/base/metrics.h"

#include <stdexcept>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/base/process_metrics.h"

namespace seckill::base {
namespace {

TEST(MetricsTest, SameNameIsTheSameCounterAndTheTextListsAllSorted) {
  Metrics counters;
  counters.Get("b_total", "bees").Add(2);
  Counter& a = counters.Get("a_total", "ants");
  a.Add();
  counters.Get("b_total", "ignored: the first help stays").Add();
  EXPECT_EQ(a.Value(), 1);
  EXPECT_EQ(counters.PrometheusText(),
            "# HELP a_total ants\n# TYPE a_total counter\na_total 1\n"
            "# HELP b_total bees\n# TYPE b_total counter\nb_total 3\n");
}

TEST(MetricsTest, LabelledCountersShareTheirFamilysHelpAndAreListedByLabels) {
  Metrics counters;
  counters.Get("r_total", "requests", {{"route", "GET /b"}, {"status", "200"}}).Add(2);
  counters.Get("r_total", "requests", {{"route", "GET /a"}, {"status", "404"}}).Add();
  counters.Get("r_total", "requests", {{"route", "say \"hi\"\n\\"}, {"status", "200"}});
  EXPECT_EQ(counters.PrometheusText(),
            "# HELP r_total requests\n# TYPE r_total counter\n"
            "r_total{route=\"GET /a\",status=\"404\"} 1\n"
            "r_total{route=\"GET /b\",status=\"200\"} 2\n"
            "r_total{route=\"say \\\"hi\\\"\\n\\\\\",status=\"200\"} 0\n");
}

TEST(MetricsTest, AHistogramListsCumulativeBucketsTheSumAndTheCount) {
  Metrics counters;
  Histogram& h = counters.GetHistogram("d_seconds", "durations", {{"route", "r"}}, {0.1, 1});
  h.Observe(0.05);
  h.Observe(0.1);  // a bound is inclusive
  h.Observe(0.5);
  h.Observe(7);
  counters.GetHistogram("e_seconds", "unused", {}, {1});
  EXPECT_EQ(counters.PrometheusText(),
            "# HELP d_seconds durations\n# TYPE d_seconds histogram\n"
            "d_seconds_bucket{route=\"r\",le=\"0.1\"} 2\n"
            "d_seconds_bucket{route=\"r\",le=\"1\"} 3\n"
            "d_seconds_bucket{route=\"r\",le=\"+Inf\"} 4\n"
            "d_seconds_sum{route=\"r\"} 7.65\n"
            "d_seconds_count{route=\"r\"} 4\n"
            "# HELP e_seconds unused\n# TYPE e_seconds histogram\n"
            "e_seconds_bucket{le=\"1\"} 0\ne_seconds_bucket{le=\"+Inf\"} 0\n"
            "e_seconds_sum 0\ne_seconds_count 0\n");
}

TEST(MetricsTest, ConcurrentObservationsAreAllCounted) {
  Metrics counters;
  Histogram& h = counters.GetHistogram("c_seconds", "c", {}, Histogram::LatencyBounds());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&h] {
      for (int i = 0; i < 10'000; ++i) h.Observe(0.001);
    });
  }
  for (std::thread& t : threads) t.join();
  const Histogram::Snapshot s = h.Read();
  EXPECT_EQ(s.count, 40'000);
  EXPECT_NEAR(s.sum, 40.0, 1e-6);
  EXPECT_EQ(s.cumulative[1], 40'000);  // le 0.001
  EXPECT_EQ(s.cumulative[0], 0);       // le 0.0005
}

TEST(MetricsTest, ANameIsOneKindOfMetric) {
  Metrics counters;
  counters.Get("x_total", "x");
  EXPECT_THROW(counters.GetHistogram("x_total", "x", {}, {1}), std::logic_error);
  EXPECT_THROW(Histogram({1, 0.5}), std::invalid_argument);
  EXPECT_THROW(counters.GetGauge("x_total", "x"), std::logic_error);
  EXPECT_THROW(counters.AddCollector("x_total", "x", Metrics::Type::kCounter,
                                     [] { return std::vector<Sample>{}; }),
               std::logic_error);
}

TEST(MetricsTest, GaugesAndCollectedFamiliesAreListedWithTheirType) {
  Metrics metrics;
  metrics.GetGauge("g_bytes", "in use").Set(2.5);
  metrics.GetGauge("g_bytes", "in use").Add(-1);
  int scrapes = 0;
  metrics.AddCollector("c_total", "read at scrape", Metrics::Type::kCounter, [&scrapes] {
    ++scrapes;
    return std::vector<Sample>{{{{"reason", "qps"}}, 7}, {{{"reason", "breaker"}}, 3}};
  });
  EXPECT_EQ(scrapes, 0);
  EXPECT_EQ(metrics.PrometheusText(),
            "# HELP c_total read at scrape\n# TYPE c_total counter\n"
            "c_total{reason=\"breaker\"} 3\nc_total{reason=\"qps\"} 7\n"
            "# HELP g_bytes in use\n# TYPE g_bytes gauge\ng_bytes 1.5\n");
  EXPECT_EQ(scrapes, 1);
}

TEST(MetricsTest, TheProcessFiguresAreReadFromProc) {
  Metrics metrics;
  AddProcessMetrics(metrics, "seckill-test");
  const std::string text = metrics.PrometheusText();
  for (const char* family : {"process_cpu_seconds_total ", "process_resident_memory_bytes ",
                             "process_virtual_memory_bytes ", "process_open_fds ",
                             "process_max_fds ", "process_start_time_seconds "}) {
    EXPECT_THAT(text, testing::HasSubstr(std::string("\n") + family)) << family;
  }
  EXPECT_THAT(text, testing::HasSubstr("seckill_build_info{service=\"seckill-test\",version=\""));
  // Real figures, not zeros: this process has memory, open files and a start.
  auto value = [&text](const std::string& name) {
    const size_t at = text.find("\n" + name + " ");
    return std::stod(text.substr(at + name.size() + 2));
  };
  EXPECT_GT(value("process_resident_memory_bytes"), 1e6);
  EXPECT_GE(value("process_open_fds"), 3);
  EXPECT_GT(value("process_start_time_seconds"), 1.7e9);
}

}  // namespace
}  // namespace seckill::base
