#include "libs/base/coalescer.h"

#include <optional>
#include <thread>

#include "gtest/gtest.h"

namespace seckill::base {
namespace {

// A batch sender that holds each batch until the test completes it.
struct HeldBatches {
  std::vector<std::vector<int>> sent;
  std::vector<Coalescer<int, int>::BatchDone> pending;
  std::vector<Coalescer<int, int>::Clock::time_point> oldest_submits;
  Coalescer<int, int>::Send Sender() {
    return [this](std::vector<int> items, Coalescer<int, int>::Clock::time_point oldest,
                  Coalescer<int, int>::BatchDone done) {
      oldest_submits.push_back(oldest);
      sent.push_back(std::move(items));
      pending.push_back(std::move(done));
    };
  }
  // Answers batch `i` with each item times ten.
  void Complete(size_t i) {
    std::vector<int> results;
    for (int x : sent[i]) results.push_back(x * 10);
    auto done = std::move(pending[i]);
    done(std::move(results));
  }
};

TEST(CoalescerTest, AnIdleCallerSendsAtOnceABusyOneInBatches) {
  HeldBatches held;
  auto coalescer = Coalescer<int, int>::Create(held.Sender(), /*max_in_flight=*/1, /*max_batch=*/3);
  std::map<int, int> got;
  auto record = [&](int key) {
    return [&got, key](absl::StatusOr<int> r) { got[key] = r.value(); };
  };
  coalescer->Submit(1, record(1));
  ASSERT_EQ(held.sent.size(), 1u);  // nothing in flight: sent at once, alone
  for (int i = 2; i <= 6; ++i) coalescer->Submit(i, record(i));
  EXPECT_EQ(held.sent.size(), 1u);  // waiting for the slot
  held.Complete(0);
  EXPECT_EQ(got.at(1), 10);
  ASSERT_EQ(held.sent.size(), 2u);
  EXPECT_EQ(held.sent[1], (std::vector<int>{2, 3, 4}));  // at most max_batch
  held.Complete(1);
  ASSERT_EQ(held.sent.size(), 3u);
  EXPECT_EQ(held.sent[2], (std::vector<int>{5, 6}));
  held.Complete(2);
  EXPECT_EQ(got, (std::map<int, int>{{1, 10}, {2, 20}, {3, 30}, {4, 40}, {5, 50}, {6, 60}}));
}

// A batch is sent with its oldest call's submit time, so its deadline can be that call's.
TEST(CoalescerTest, ABatchKnowsWhenItsOldestCallWasSubmitted) {
  HeldBatches held;
  auto coalescer = Coalescer<int, int>::Create(held.Sender(), 1, 10);
  coalescer->Submit(1, [](absl::StatusOr<int>) {});
  const auto before_second = Coalescer<int, int>::Clock::now();
  coalescer->Submit(2, [](absl::StatusOr<int>) {});
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  coalescer->Submit(3, [](absl::StatusOr<int>) {});
  held.Complete(0);
  ASSERT_EQ(held.sent.size(), 2u);
  EXPECT_EQ(held.sent[1], (std::vector<int>{2, 3}));
  EXPECT_GE(held.oldest_submits[1], before_second);
  EXPECT_LT(held.oldest_submits[1], before_second + std::chrono::milliseconds(20));
}

TEST(CoalescerTest, UpToMaxInFlightBatchesAreSentWithoutWaiting) {
  HeldBatches held;
  auto coalescer = Coalescer<int, int>::Create(held.Sender(), 2, 100);
  for (int i = 1; i <= 4; ++i) coalescer->Submit(i, [](absl::StatusOr<int>) {});
  ASSERT_EQ(held.sent.size(), 2u);
  EXPECT_EQ(held.sent[0], std::vector<int>{1});
  EXPECT_EQ(held.sent[1], std::vector<int>{2});
  held.Complete(1);  // out of order is fine
  ASSERT_EQ(held.sent.size(), 3u);
  EXPECT_EQ(held.sent[2], (std::vector<int>{3, 4}));
}

// Calls submitted together leave together (in batches of at most max_batch, as many at once
// as slots allow), and their caller gets every result, in order, once the last is known.
TEST(CoalescerTest, CallsSubmittedTogetherLeaveTogetherAndAreAnsweredTogether) {
  HeldBatches held;
  auto coalescer = Coalescer<int, int>::Create(held.Sender(), /*max_in_flight=*/2, /*max_batch=*/3);
  std::optional<std::vector<absl::StatusOr<int>>> got;
  coalescer->SubmitAll({1, 2, 3, 4, 5, 6, 7},
                       [&got](std::vector<absl::StatusOr<int>> r) { got = std::move(r); });
  ASSERT_EQ(held.sent.size(), 2u);  // both slots used at once
  EXPECT_EQ(held.sent[0], (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(held.sent[1], (std::vector<int>{4, 5, 6}));
  held.Complete(1);
  EXPECT_FALSE(got.has_value());  // not until the last is known
  ASSERT_EQ(held.sent.size(), 3u);
  EXPECT_EQ(held.sent[2], (std::vector<int>{7}));
  held.pending[0](absl::UnavailableError("down"));
  held.Complete(2);
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(got->size(), 7u);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(absl::IsUnavailable((*got)[i].status()));
  for (int i = 3; i < 7; ++i) EXPECT_EQ((*got)[i].value(), (i + 1) * 10);

  bool empty_answered = false;
  coalescer->SubmitAll({}, [&](std::vector<absl::StatusOr<int>> r) { empty_answered = r.empty(); });
  EXPECT_TRUE(empty_answered);
}

TEST(CoalescerTest, ABatchErrorIsEveryCallersAndAWrongSizedAnswerIsAnError) {
  std::vector<absl::Status> statuses;
  auto failing = Coalescer<int, int>::Create(
      [](std::vector<int>, auto, Coalescer<int, int>::BatchDone done) {
        done(absl::UnavailableError("down"));
      },
      1, 10);
  failing->Submit(1, [&](absl::StatusOr<int> r) { statuses.push_back(r.status()); });
  auto short_answer = Coalescer<int, int>::Create(
      [](std::vector<int>, auto, Coalescer<int, int>::BatchDone done) { done(std::vector<int>{}); },
      1, 10);
  short_answer->Submit(2, [&](absl::StatusOr<int> r) { statuses.push_back(r.status()); });
  ASSERT_EQ(statuses.size(), 2u);
  EXPECT_TRUE(absl::IsUnavailable(statuses[0]));
  EXPECT_TRUE(absl::IsInternal(statuses[1]));
}

}  // namespace
}  // namespace seckill::base
