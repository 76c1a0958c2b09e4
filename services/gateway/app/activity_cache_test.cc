#include "services/gateway/app/activity_cache.h"

#include "gtest/gtest.h"

namespace seckill::gateway::app {
namespace {

// A product service whose answers the test hands out by hand.
struct FakeSource {
  struct Call {
    uint64_t activity_id;
    ActivityCache::Done done;
  };
  std::vector<Call> calls;
  ActivityCache::Fetch fetch() {
    return [this](uint64_t id, ActivityCache::Done done) {
      calls.push_back({id, std::move(done)});
    };
  }
  // Answers the oldest open call with this activity (remaining = `remaining`).
  void Answer(int64_t remaining, int64_t start_ms = 0, int64_t end_ms = 9'000'000'000'000) {
    Call call = std::move(calls.front());
    calls.erase(calls.begin());
    domain::Activity a;
    a.activity_id = call.activity_id;
    a.remaining = remaining;
    a.start_at_ms = start_ms;
    a.end_at_ms = end_ms;
    call.done(std::optional<domain::Activity>(a));
  }
};

class ActivityCacheTest : public ::testing::Test {
 protected:
  base::ManualClock clock_{1'000'000};
  FakeSource source_;
  ActivityCache cache_{clock_, source_.fetch()};
  // Get, and what it answered (nullopt: not answered yet).
  std::shared_ptr<std::optional<ActivityCache::Fetched>> Get(uint64_t id) {
    auto answer = std::make_shared<std::optional<ActivityCache::Fetched>>();
    cache_.Get(id, [answer](ActivityCache::Fetched f) { *answer = std::move(f); });
    return answer;
  }
};

TEST_F(ActivityCacheTest, AFreshCopyIsServedWithoutAFetch) {
  auto first = Get(7);
  ASSERT_EQ(source_.calls.size(), 1u);
  EXPECT_FALSE(first->has_value());
  source_.Answer(5);
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((**first)->value().remaining, 5);
  clock_.AdvanceMs(200);
  auto second = Get(7);
  EXPECT_EQ(source_.calls.size(), 0u);
  ASSERT_TRUE(second->has_value());
  EXPECT_EQ((**second)->value().remaining, 5);
}

TEST_F(ActivityCacheTest, ACopyOlderThanTheBoundIsNeverServed) {
  Get(7);
  source_.Answer(5);
  clock_.AdvanceMs(201);
  auto later = Get(7);
  EXPECT_FALSE(later->has_value()) << "a 201 ms old copy was served";
  ASSERT_EQ(source_.calls.size(), 1u);
  source_.Answer(4);
  EXPECT_EQ((**later)->value().remaining, 4);
}

TEST_F(ActivityCacheTest, AgeCountsFromWhenTheFetchStarted) {
  Get(7);
  clock_.AdvanceMs(150);  // a slow answer: what it says was true at some point after the start
  source_.Answer(5);
  clock_.AdvanceMs(51);
  Get(7);
  EXPECT_EQ(source_.calls.size(), 1u)
      << "201 ms after its fetch started, the copy must be refreshed";
}

TEST_F(ActivityCacheTest, OneFetchInFlightPerActivityHowEverManyReaders) {
  std::vector<std::shared_ptr<std::optional<ActivityCache::Fetched>>> readers;
  for (int i = 0; i < 100; ++i) readers.push_back(Get(7));
  Get(8);
  ASSERT_EQ(source_.calls.size(), 2u);
  source_.Answer(3);
  for (const auto& r : readers) {
    ASSERT_TRUE(r->has_value());
    EXPECT_EQ((**r)->value().remaining, 3);
  }
}

TEST_F(ActivityCacheTest, AFailedFetchIsNotKept) {
  auto first = Get(7);
  ActivityCache::Done done = std::move(source_.calls.front().done);
  source_.calls.clear();
  done(absl::UnavailableError("product service down"));
  ASSERT_TRUE(first->has_value());
  EXPECT_TRUE(absl::IsUnavailable((*first)->status()));
  Get(7);
  EXPECT_EQ(source_.calls.size(), 1u);
}

TEST_F(ActivityCacheTest, NoSuchActivityIsKeptForTheBound) {
  Get(404);
  ActivityCache::Done done = std::move(source_.calls.front().done);
  source_.calls.clear();
  done(std::optional<domain::Activity>());
  auto again = Get(404);
  EXPECT_EQ(source_.calls.size(), 0u);
  ASSERT_TRUE(again->has_value());
  EXPECT_FALSE((*again)->value().has_value());
  EXPECT_EQ(cache_.AdmitOrder(404), std::nullopt) << "not found is for the order service to say";
}

TEST_F(ActivityCacheTest, TheSoldOutMarkLastsItsTtlThenOneProbeGoesThrough) {
  EXPECT_EQ(cache_.AdmitOrder(7), std::nullopt);
  cache_.NoteOrderAnswer(7, common::v1::REFUSAL_SOLD_OUT);
  EXPECT_EQ(cache_.AdmitOrder(7), common::v1::REFUSAL_SOLD_OUT);
  clock_.AdvanceMs(99);
  EXPECT_EQ(cache_.AdmitOrder(7), common::v1::REFUSAL_SOLD_OUT);
  clock_.AdvanceMs(1);
  EXPECT_EQ(cache_.AdmitOrder(7), std::nullopt)
      << "the mark lapsed: this order must reach the ledger";
  EXPECT_EQ(cache_.AdmitOrder(7), common::v1::REFUSAL_SOLD_OUT) << "one probe at a time";
  cache_.NoteOrderAnswer(7,
                         common::v1::REFUSAL_SOLD_OUT);  // the ledger said SOLD_OUT again: renewed
  clock_.AdvanceMs(99);
  EXPECT_EQ(cache_.AdmitOrder(7), common::v1::REFUSAL_SOLD_OUT);
  clock_.AdvanceMs(1);
  EXPECT_EQ(cache_.AdmitOrder(7), std::nullopt);
  cache_.NoteOrderAnswer(
      7, common::v1::REFUSAL_UNSPECIFIED);  // the probe bought a unit that came back
  EXPECT_EQ(cache_.AdmitOrder(7), std::nullopt);
  EXPECT_EQ(cache_.AdmitOrder(7), std::nullopt) << "cleared: every order goes to the ledger again";
}

TEST_F(ActivityCacheTest, AProbeThatNeverAnswersIsReplacedAfterTheTtl) {
  cache_.NoteOrderAnswer(7, common::v1::REFUSAL_SOLD_OUT);
  clock_.AdvanceMs(100);
  EXPECT_EQ(cache_.AdmitOrder(7), std::nullopt);  // the probe, which never comes back
  clock_.AdvanceMs(99);
  EXPECT_EQ(cache_.AdmitOrder(7), common::v1::REFUSAL_SOLD_OUT);
  clock_.AdvanceMs(1);
  EXPECT_EQ(cache_.AdmitOrder(7), std::nullopt)
      << "a lost probe must not keep the activity sold out";
}

TEST(ActivityCacheOptionsTest, ATtlOfZeroTurnsTheMarkOff) {
  base::ManualClock clock{1'000'000};
  FakeSource source;
  ActivityCache cache(clock, source.fetch(), ActivityCache::Options{.sold_out_ttl_ms = 0});
  cache.NoteOrderAnswer(7, common::v1::REFUSAL_SOLD_OUT);
  EXPECT_EQ(cache.AdmitOrder(7), std::nullopt);
  EXPECT_EQ(cache.AdmitOrder(7), std::nullopt);
}

TEST_F(ActivityCacheTest, TheSaleWindowIsAnsweredLocallyOutsideTheMargin) {
  const int64_t now = clock_.NowMs();
  Get(7);
  source_.Answer(5, /*start_ms=*/now + 5000, /*end_ms=*/now + 10'000);
  EXPECT_EQ(cache_.AdmitOrder(7), common::v1::REFUSAL_NOT_STARTED);
  clock_.AdvanceMs(4001);  // 999 ms before the start: inside the margin, the ledger decides
  EXPECT_EQ(cache_.AdmitOrder(7), std::nullopt);
  clock_.AdvanceMs(6998);  // 999 ms after the end: still the ledger's call
  EXPECT_EQ(cache_.AdmitOrder(7), std::nullopt);
  clock_.AdvanceMs(1);
  EXPECT_EQ(cache_.AdmitOrder(7), common::v1::REFUSAL_ENDED);
}

TEST_F(ActivityCacheTest, OutsideTheWindowFetchesTheWindowOnce) {
  cache_.NoteOrderAnswer(7, common::v1::REFUSAL_NOT_STARTED);
  cache_.NoteOrderAnswer(7, common::v1::REFUSAL_NOT_STARTED);
  ASSERT_EQ(source_.calls.size(), 1u);
  const int64_t now = clock_.NowMs();
  source_.Answer(5, now - 20'000, now - 10'000);
  cache_.NoteOrderAnswer(7, common::v1::REFUSAL_NOT_STARTED);
  EXPECT_EQ(source_.calls.size(), 0u);
  EXPECT_EQ(cache_.AdmitOrder(7), common::v1::REFUSAL_ENDED);
}

TEST(ActivityCacheCapacityTest, MemoryIsBoundedAndExpiredEntriesMakeRoom) {
  base::ManualClock clock{1'000'000};
  FakeSource source;
  ActivityCache cache(clock, source.fetch(), ActivityCache::Options{.capacity = 2});
  auto get = [&](uint64_t id) { cache.Get(id, [](const ActivityCache::Fetched&) {}); };
  get(1);
  source.Answer(1);
  get(2);
  source.Answer(1);
  get(3);  // full: fetched, not kept
  source.Answer(1);
  get(3);
  EXPECT_EQ(source.calls.size(), 1u) << "the third activity must not have been kept";
  source.Answer(1);
  clock.AdvanceMs(201);  // 1 and 2 expire: the next newcomer finds room
  get(4);
  source.Answer(1);
  get(4);
  EXPECT_EQ(source.calls.size(), 0u);
}

}  // namespace
}  // namespace seckill::gateway::app
