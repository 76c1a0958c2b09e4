#include "libs/base/counters.h"

#include "gtest/gtest.h"

namespace seckill::base {
namespace {

TEST(CountersTest, SameNameIsTheSameCounterAndTheTextListsAllSorted) {
  Counters counters;
  counters.Get("b_total", "bees").Add(2);
  Counter& a = counters.Get("a_total", "ants");
  a.Add();
  counters.Get("b_total", "ignored: the first help stays").Add();
  EXPECT_EQ(a.Value(), 1);
  EXPECT_EQ(counters.PrometheusText(),
            "# HELP a_total ants\n# TYPE a_total counter\na_total 1\n"
            "# HELP b_total bees\n# TYPE b_total counter\nb_total 3\n");
}

}  // namespace
}  // namespace seckill::base
