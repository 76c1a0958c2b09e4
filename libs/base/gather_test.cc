#include "libs/base/gather.h"

#include <thread>

#include "gtest/gtest.h"

namespace seckill::base {
namespace {

TEST(GatherTest, DeliversEveryValueInSlotOrderOnceTheLastArrives) {
  std::optional<absl::StatusOr<std::vector<int>>> got;
  auto gather = Gather<int>::Of(3, [&](absl::StatusOr<std::vector<int>> v) { got = std::move(v); });
  auto s0 = Gather<int>::Slot(gather, 0), s1 = Gather<int>::Slot(gather, 1),
       s2 = Gather<int>::Slot(gather, 2);
  gather.reset();  // the slots keep it alive
  s2(30);
  s0(10);
  EXPECT_FALSE(got.has_value());
  s1(20);
  ASSERT_TRUE(got.has_value() && got->ok());
  EXPECT_EQ(**got, (std::vector<int>{10, 20, 30}));
}

TEST(GatherTest, ReportsTheFirstErrorAfterAllHaveRun) {
  int calls = 0;
  absl::Status error;
  auto gather = Gather<int>::Of(3, [&](absl::StatusOr<std::vector<int>> v) {
    ++calls;
    error = v.status();
  });
  Gather<int>::Slot(gather, 0)(absl::UnavailableError("first"));
  Gather<int>::Slot(gather, 1)(absl::InternalError("second"));
  EXPECT_EQ(calls, 0);
  Gather<int>::Slot(gather, 2)(3);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(absl::IsUnavailable(error));
}

TEST(GatherTest, SlotsMayRunOnManyThreads) {
  std::atomic<int> sum{-1};
  auto gather = Gather<int>::Of(64, [&](absl::StatusOr<std::vector<int>> v) {
    int s = 0;
    for (int x : *v) s += x;
    sum = s;
  });
  std::vector<std::thread> threads;
  for (int i = 0; i < 64; ++i) threads.emplace_back(Gather<int>::Slot(gather, i), i);
  for (auto& t : threads) t.join();
  EXPECT_EQ(sum.load(), 64 * 63 / 2);
}

}  // namespace
}  // namespace seckill::base
