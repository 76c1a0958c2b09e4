// One contract, two implementations: the in-memory fake used by unit tests and the Redis
// Functions used in production must agree on every case, or the fake is lying.
#include <map>
#include <random>
#include <regex>
#include <thread>

#include "gtest/gtest.h"
#include "libs/base/clock.h"
#include "libs/base/run_to_completion.h"
#include "services/product/adapters/redis_stock_ledger.h"
#include "services/product/testing/in_memory_stock_ledger.h"
#include "tests/support/stack_redis.h"
#include "tests/support/wait.h"

namespace seckill::product {
namespace {

using domain::ConfirmOutcome;
using domain::ReleaseOutcome;
// A reservation's answers, in the vocabulary's words.
constexpr domain::Refusal kReserved = common::v1::REFUSAL_UNSPECIFIED;
constexpr domain::Refusal kActivityNotFound = common::v1::REFUSAL_ACTIVITY_NOT_FOUND;
constexpr domain::Refusal kNotStarted = common::v1::REFUSAL_NOT_STARTED;
constexpr domain::Refusal kEnded = common::v1::REFUSAL_ENDED;
constexpr domain::Refusal kSoldOut = common::v1::REFUSAL_SOLD_OUT;
constexpr domain::Refusal kPurchaseLimit = common::v1::REFUSAL_PURCHASE_LIMIT;
using seckill::testing::WaitFor;

// A ledger operation's result, awaited to its end.
template <class T>
absl::StatusOr<T> Await(base::Async<T> operation) {
  return base::RunToCompletion(std::move(operation));
}

// Both ledgers keep an ended activity's per-order records this long (a production ledger keeps
// them for a day or more): the retention case below waits it out.
constexpr int64_t kRetentionMs = 400;

struct InMemoryEnv {
  domain::StockLedger& Ledger() { return ledger; }
  base::SystemClock clock;
  testing::InMemoryStockLedger ledger{clock, kRetentionMs};
};

struct RedisEnv {
  RedisEnv() {
    auto loaded = WaitFor<redis::Reply>([this](auto done) {
      redis.client()->Command({"FUNCTION", "LOAD", "REPLACE", adapters::StockFunctionsSource()},
                              done);
    });
    EXPECT_TRUE(loaded.ok() && loaded->type != redis::Reply::Type::kError);
  }
  domain::StockLedger& Ledger() { return ledger; }
  seckill::testing::StackRedis redis{"SECKILL_REDIS_URL"};
  adapters::RedisStockLedger ledger{redis.client(), kRetentionMs};
};

template <class Env>
class StockLedgerContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::mt19937_64 rng(std::random_device{}());
    activity_ = 1'000'000'000 + rng() % 1'000'000'000;
  }
  domain::StockLedger& ledger() { return env_.Ledger(); }

  domain::ActivityTerms Terms(int64_t stock, int64_t limit, int64_t start_offset_ms = -60'000,
                              int64_t end_offset_ms = 600'000) {
    const int64_t now = base::SystemClock().NowMs();
    return domain::ActivityTerms{1,    "t", 990, stock, now + start_offset_ms, now + end_offset_ms,
                                 limit};
  }
  bool Seed(const domain::ActivityTerms& terms) {
    return Await(ledger().Seed(activity_, terms)).value();
  }
  absl::StatusOr<domain::ReserveResult> TryReserve(uint64_t user, uint64_t order, int64_t qty = 1,
                                                   const std::string& key = "") {
    domain::ReservationRequest r{activity_, user, order, qty, key};
    Remember(r);
    return Await(ledger().Reserve(r));
  }
  // What the order's message will claim of this reservation (Terms' price is 990).
  void Remember(const domain::ReservationRequest& r) {
    claims_[r.order_id] = {r.order_id, r.user_id, r.quantity, 990 * r.quantity};
  }
  // The claim of a reservation this test made; for any other order, one that claims nothing.
  domain::ReservationClaim Claim(uint64_t order) const {
    auto it = claims_.find(order);
    return it != claims_.end() ? it->second : domain::ReservationClaim{order, 0, 0, 0};
  }
  std::vector<domain::ReservationClaim> Claims(const std::vector<uint64_t>& orders) const {
    std::vector<domain::ReservationClaim> claims;
    for (uint64_t order : orders) claims.push_back(Claim(order));
    return claims;
  }
  domain::ReserveResult Reserve(uint64_t user, uint64_t order, int64_t qty = 1,
                                const std::string& key = "") {
    return TryReserve(user, order, qty, key).value();
  }
  domain::ReleaseResult Release(uint64_t order) {
    return Await(ledger().Release(activity_, order)).value();
  }
  domain::ConfirmResult Confirm(uint64_t order) {
    return Await(ledger().Confirm(activity_, Claim(order))).value();
  }
  domain::ReleaseResult Cancel(uint64_t order) {
    return Await(ledger().Cancel(activity_, order)).value();
  }
  domain::StockSnapshot Snapshot() { return Await(ledger().Snapshot(activity_)).value(); }

  Env env_;
  uint64_t activity_ = 0;
  std::map<uint64_t, domain::ReservationClaim> claims_;
};

using Implementations = ::testing::Types<InMemoryEnv, RedisEnv>;
TYPED_TEST_SUITE(StockLedgerContractTest, Implementations);

// Many calls at once answer as the single calls would, in order, each seeing the ones before.
// An order's message claims its reservation's buyer, units and amount; a claim that is not the
// reservation's (a forged message) confirms nothing and changes nothing.
TYPED_TEST(StockLedgerContractTest, AClaimThatIsNotTheReservationsConfirmsNothing) {
  const uint64_t a = this->activity_;
  ASSERT_TRUE(this->Seed(this->Terms(/*stock=*/5, /*limit=*/3)));
  ASSERT_EQ(this->Reserve(7, 1501, 1).refusal, kReserved);
  const domain::ReservationClaim real = this->Claim(1501);
  const auto before = this->Snapshot();
  for (const domain::ReservationClaim& forged :
       {domain::ReservationClaim{1501, 8, 1, 990}, domain::ReservationClaim{1501, 7, 3, 2970},
        domain::ReservationClaim{1501, 7, 1, 1}}) {
    auto answer = Await(this->ledger().Confirm(a, forged));
    ASSERT_TRUE(answer.ok()) << answer.status();
    EXPECT_EQ(answer->outcome, ConfirmOutcome::kMismatch);
    auto many = Await(this->ledger().ConfirmMany(a, {forged}));
    ASSERT_TRUE(many.ok()) << many.status();
    EXPECT_EQ(many->at(0).outcome, ConfirmOutcome::kMismatch);
  }
  const auto after = this->Snapshot();
  EXPECT_EQ(after.remaining, before.remaining);
  EXPECT_EQ(after.reserved, before.reserved);  // still RESERVED
  EXPECT_EQ(Await(this->ledger().Confirm(a, real))->outcome, ConfirmOutcome::kConfirmed);
}

TYPED_TEST(StockLedgerContractTest, ManyCallsAtOnceAnswerAsOneAtATime) {
  const uint64_t a = this->activity_;
  ASSERT_TRUE(this->Seed(this->Terms(/*stock=*/2, /*limit=*/1)));
  std::vector<domain::ReservationRequest> requests = {{a, 7, 101, 1, ""},
                                                      {a, 7, 102, 1, ""},
                                                      {a, 8, 103, 1, "k8"},
                                                      {a, 9, 104, 1, ""},
                                                      {a, 8, 105, 1, "k8"}};
  for (const domain::ReservationRequest& r : requests) this->Remember(r);
  auto reserved = Await(this->ledger().ReserveMany(a, requests));
  ASSERT_TRUE(reserved.ok()) << reserved.status();
  ASSERT_EQ(reserved->size(), 5u);
  EXPECT_EQ((*reserved)[0].refusal, kReserved);
  EXPECT_EQ((*reserved)[1].refusal, kPurchaseLimit);
  EXPECT_EQ((*reserved)[2].refusal, kReserved);
  EXPECT_EQ((*reserved)[2].remaining, 0);
  EXPECT_EQ((*reserved)[3].refusal, kSoldOut);
  EXPECT_TRUE((*reserved)[4].duplicate);
  EXPECT_EQ((*reserved)[4].order_id, 103u);

  auto marked = Await(this->ledger().MarkPublishedMany(a, {101, 999, 103}));
  ASSERT_TRUE(marked.ok()) << marked.status();
  EXPECT_EQ(*marked, (std::vector<bool>{true, false, true}));
  EXPECT_EQ(this->Release(101).outcome, ReleaseOutcome::kReleased);
  auto confirmed = Await(this->ledger().ConfirmMany(a, this->Claims({103, 101, 999, 103})));
  ASSERT_TRUE(confirmed.ok()) << confirmed.status();
  ASSERT_EQ(confirmed->size(), 4u);
  EXPECT_EQ((*confirmed)[0].outcome, ConfirmOutcome::kConfirmed);
  EXPECT_EQ((*confirmed)[1].outcome, ConfirmOutcome::kReleased);
  EXPECT_EQ((*confirmed)[2].outcome, ConfirmOutcome::kNotFound);
  EXPECT_EQ((*confirmed)[3].outcome, ConfirmOutcome::kAlreadyConfirmed);
  EXPECT_EQ(this->Snapshot().remaining, 1);
  EXPECT_EQ(this->Snapshot().reserved, 0);
}

TYPED_TEST(StockLedgerContractTest, SeedIsOnceOnly) {
  EXPECT_TRUE(this->Seed(this->Terms(5, 1)));
  this->Reserve(1, 101);
  EXPECT_FALSE(this->Seed(this->Terms(5, 1)));
  EXPECT_EQ(this->Snapshot().remaining, 4);
}

TYPED_TEST(StockLedgerContractTest, UnknownActivityIsNotFoundNotSoldOut) {
  EXPECT_EQ(this->Reserve(1, 101).refusal, kActivityNotFound);
  EXPECT_FALSE(this->Snapshot().found);
}

TYPED_TEST(StockLedgerContractTest, SellsExactlyTheStockThenSoldOut) {
  this->Seed(this->Terms(3, 1));
  for (uint64_t user = 1; user <= 3; ++user) {
    auto r = this->Reserve(user, 100 + user);
    EXPECT_EQ(r.refusal, kReserved);
    EXPECT_EQ(r.price_cents, 990);
    EXPECT_EQ(r.remaining, static_cast<int64_t>(3 - user));
  }
  EXPECT_EQ(this->Reserve(4, 104).refusal, kSoldOut);
  auto s = this->Snapshot();
  EXPECT_EQ(s.stock, 3);
  EXPECT_EQ(s.remaining, 0);
  EXPECT_EQ(s.reserved, 3);
}

TYPED_TEST(StockLedgerContractTest, PerUserLimitHoldsAcrossOrders) {
  this->Seed(this->Terms(10, 2));
  EXPECT_EQ(this->Reserve(7, 201).refusal, kReserved);
  EXPECT_EQ(this->Reserve(7, 202).refusal, kReserved);
  EXPECT_EQ(this->Reserve(7, 203).refusal, kPurchaseLimit);
  EXPECT_EQ(this->Reserve(8, 204, 3).refusal, kPurchaseLimit);
  EXPECT_EQ(this->Snapshot().remaining, 8);
}

// A quantity below 1 is the caller's bug (the services' APIs refuse it first): the call fails and
// nothing is reserved.
TYPED_TEST(StockLedgerContractTest, FailsABadQuantityAndRefusesOutsideTheWindow) {
  this->Seed(this->Terms(10, 1));
  EXPECT_FALSE(this->TryReserve(1, 301, 0).ok());
  EXPECT_FALSE(this->TryReserve(1, 302, -1).ok());
  EXPECT_EQ(this->Snapshot().remaining, 10);
  this->activity_ += 1;
  this->Seed(this->Terms(10, 1, 3'600'000, 7'200'000));
  EXPECT_EQ(this->Reserve(1, 303).refusal, kNotStarted);
  this->activity_ += 1;
  this->Seed(this->Terms(10, 1, -7'200'000, -1'000));
  EXPECT_EQ(this->Reserve(1, 304).refusal, kEnded);
}

TYPED_TEST(StockLedgerContractTest, ReplayingAnOrderIdReservesOnce) {
  this->Seed(this->Terms(10, 5));
  EXPECT_EQ(this->Reserve(1, 401).refusal, kReserved);
  EXPECT_EQ(this->Reserve(1, 401).refusal, kReserved);
  EXPECT_EQ(this->Snapshot().remaining, 9);
}

TYPED_TEST(StockLedgerContractTest, IdempotencyKeyReturnsTheFirstOrder) {
  this->Seed(this->Terms(10, 5));
  EXPECT_EQ(this->Reserve(1, 501, 1, "key-a").refusal, kReserved);
  auto again = this->Reserve(1, 502, 1, "key-a");
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.refusal, kReserved);
  EXPECT_EQ(again.order_id, 501u);
  // Another user's identical key is a different request.
  EXPECT_EQ(this->Reserve(2, 503, 1, "key-a").refusal, kReserved);
  EXPECT_EQ(this->Snapshot().remaining, 8);
}

// The key is any text: the ledger's record format is its own business ('|' separates the
// fields of a Redis record).
TYPED_TEST(StockLedgerContractTest, AnIdempotencyKeyMayHoldAnyText) {
  this->Seed(this->Terms(10, 5));
  const std::string key = "a|b|R|c";
  EXPECT_EQ(this->Reserve(1, 511, 1, key).refusal, kReserved);
  auto again = this->Reserve(1, 512, 1, key);
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.order_id, 511u);
  EXPECT_FALSE(this->Reserve(1, 513, 1, "a|b").duplicate);  // a prefix is another key
  EXPECT_EQ(this->Release(511).outcome, ReleaseOutcome::kReleased);
  EXPECT_EQ(this->Confirm(511).outcome, ConfirmOutcome::kReleased);
  EXPECT_FALSE(this->Reserve(1, 514, 1, key).duplicate);  // released: the key is free again
  EXPECT_EQ(this->Snapshot().remaining, 8);
}

TYPED_TEST(StockLedgerContractTest, ReleaseReturnsStockExactlyOnce) {
  this->Seed(this->Terms(1, 1));
  this->Reserve(1, 601, 1, "k");
  auto first = this->Release(601);
  EXPECT_EQ(first.outcome, ReleaseOutcome::kReleased);
  EXPECT_EQ(first.quantity_returned, 1);
  auto second = this->Release(601);
  EXPECT_EQ(second.outcome, ReleaseOutcome::kAlreadyReleased);
  EXPECT_EQ(second.quantity_returned, 0);
  EXPECT_EQ(this->Release(999).outcome, ReleaseOutcome::kNotFound);
  auto s = this->Snapshot();
  EXPECT_EQ(s.remaining, 1);
  EXPECT_EQ(s.reserved, 0);
  // The buyer and the key are free again.
  EXPECT_EQ(this->Reserve(1, 602, 1, "k").refusal, kReserved);
}

TYPED_TEST(StockLedgerContractTest, ConfirmedCannotBeReleasedAndReleasedCannotBeConfirmed) {
  this->Seed(this->Terms(5, 1));
  this->Reserve(1, 701);
  this->Reserve(2, 702);
  EXPECT_EQ(this->Confirm(701).outcome, ConfirmOutcome::kConfirmed);
  EXPECT_EQ(this->Confirm(701).outcome, ConfirmOutcome::kAlreadyConfirmed);
  EXPECT_EQ(this->Release(701).outcome, ReleaseOutcome::kAlreadyConfirmed);
  EXPECT_EQ(this->Release(702).outcome, ReleaseOutcome::kReleased);
  EXPECT_EQ(this->Confirm(702).outcome, ConfirmOutcome::kReleased);
  EXPECT_EQ(this->Confirm(703).outcome, ConfirmOutcome::kNotFound);
  auto s = this->Snapshot();
  EXPECT_EQ(s.remaining, 4);
  EXPECT_EQ(s.reserved, 0);
}

TYPED_TEST(StockLedgerContractTest, AdjustRepairsOnlyWhatItSawAndNeverBelowZero) {
  this->Seed(this->Terms(10, 1));
  auto adjust = [&](int64_t expected, int64_t delta) {
    return Await(this->ledger().Adjust(this->activity_, expected, delta)).value();
  };
  EXPECT_EQ(adjust(9, -1).outcome, domain::AdjustOutcome::kChanged);  // it is 10, not 9
  EXPECT_EQ(adjust(10, -11).outcome, domain::AdjustOutcome::kNegative);
  auto done = adjust(10, -2);
  EXPECT_EQ(done.outcome, domain::AdjustOutcome::kAdjusted);
  EXPECT_EQ(done.remaining, 8);
  EXPECT_EQ(this->Snapshot().remaining, 8);
  this->activity_ += 1;
  EXPECT_EQ(adjust(0, 1).outcome, domain::AdjustOutcome::kActivityNotFound);
}

TYPED_TEST(StockLedgerContractTest, SweepReleasesOnlyStaleReservedUnits) {
  this->Seed(this->Terms(5, 2));
  this->Reserve(1, 1001, 2);
  this->Reserve(2, 1002);
  this->Reserve(3, 1003);
  ASSERT_EQ(this->Confirm(1002).outcome, ConfirmOutcome::kConfirmed);
  auto sweep = [&](int64_t age_ms) {
    return Await(this->ledger().SweepStale(this->activity_, age_ms, 100)).value();
  };
  EXPECT_EQ(sweep(60'000).released, 0);  // nothing is a minute old yet
  auto swept = sweep(-1000);             // everything made up to now counts as stale
  EXPECT_EQ(swept.released, 2);
  EXPECT_EQ(swept.units, 3);
  EXPECT_EQ(sweep(-1000).released, 0);  // once only
  auto s = this->Snapshot();
  EXPECT_EQ(s.remaining, 4);  // 5 - the confirmed unit
  EXPECT_EQ(s.reserved, 0);
  // A late message for a swept reservation cannot become an order.
  EXPECT_EQ(this->Confirm(1001).outcome, ConfirmOutcome::kReleased);
  EXPECT_EQ(this->Reserve(1, 1004, 2).refusal, kReserved);  // the buyer is free again
}

// A reservation whose message the broker holds is resolved by its consumer, never by the sweep,
// however long the queue takes (a database outage holds messages in it).
TYPED_TEST(StockLedgerContractTest, SweepLeavesPublishedReservationsToTheirConsumer) {
  this->Seed(this->Terms(5, 2));
  this->Reserve(1, 1401);
  this->Reserve(2, 1402);
  auto mark = [&](uint64_t order) {
    return Await(this->ledger().MarkPublished(this->activity_, order)).value();
  };
  EXPECT_TRUE(mark(1401));
  EXPECT_FALSE(mark(1499));  // no such reservation
  auto swept = Await(this->ledger().SweepStale(this->activity_, -1000, 100)).value();
  EXPECT_EQ(swept.released, 1);  // only the unpublished 1402
  EXPECT_FALSE(mark(1402));      // released: nothing to mark
  EXPECT_EQ(this->Snapshot().reserved, 1);
  EXPECT_EQ(this->Confirm(1401).outcome, ConfirmOutcome::kConfirmed);  // its consumer resolves it
  EXPECT_FALSE(mark(1401));                                            // confirmed: nothing to mark
  EXPECT_EQ(this->Snapshot().reserved, 0);
}

TYPED_TEST(StockLedgerContractTest, ReviveTakesAReleasedOrdersUnitsBackOnce) {
  this->Seed(this->Terms(1, 1));
  this->Reserve(1, 1101);
  auto revive = [&](uint64_t order) {
    return Await(this->ledger().Revive(this->activity_, order)).value().outcome;
  };
  EXPECT_EQ(revive(1101), domain::ReviveOutcome::kNotReleased);  // still reserved
  ASSERT_EQ(this->Release(1101).outcome, ReleaseOutcome::kReleased);
  EXPECT_EQ(revive(1101), domain::ReviveOutcome::kRevived);
  EXPECT_EQ(revive(1101), domain::ReviveOutcome::kNotReleased);  // once only
  EXPECT_EQ(this->Snapshot().remaining, 0);
  EXPECT_EQ(this->Confirm(1101).outcome, ConfirmOutcome::kAlreadyConfirmed);
  EXPECT_EQ(this->Reserve(1, 1102).refusal, kPurchaseLimit);  // the buyer holds it
  // A released order whose unit was sold meanwhile cannot be revived.
  this->Reserve(2, 1103);
  ASSERT_EQ(this->Cancel(1101).outcome, ReleaseOutcome::kReleased);
  ASSERT_EQ(this->Reserve(3, 1104).refusal, kReserved);
  const auto refused = Await(this->ledger().Revive(this->activity_, 1101));
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_EQ(refused->outcome, domain::ReviveOutcome::kRefused);
  EXPECT_EQ(refused->refusal, kSoldOut);
  EXPECT_EQ(revive(9999), domain::ReviveOutcome::kNotFound);
}

TYPED_TEST(StockLedgerContractTest, ReseedRebuildsTheLedgerFromLiveOrders) {
  const auto terms = this->Terms(5, 1);
  this->Seed(terms);
  this->Reserve(1, 1201);
  this->Reserve(2, 1202);
  // Reseeded from the database: orders 1201 (user 1) and 1301 (user 3) are live; 1202 is not.
  auto remaining =
      Await(this->ledger().Reseed(this->activity_, terms, {{1201, 1, 1}, {1301, 3, 1}}));
  ASSERT_TRUE(remaining.ok());
  EXPECT_EQ(*remaining, 3);
  auto s = this->Snapshot();
  EXPECT_EQ(s.remaining, 3);
  EXPECT_EQ(s.reserved, 0);
  EXPECT_EQ(this->Reserve(1, 1203).refusal, kPurchaseLimit);  // user 1 holds one
  EXPECT_EQ(this->Confirm(1202).outcome,
            ConfirmOutcome::kNotFound);  // its late message becomes FAILED
  EXPECT_EQ(this->Cancel(1301).outcome,
            ReleaseOutcome::kReleased);  // live orders can still be cancelled
  EXPECT_EQ(this->Snapshot().remaining, 4);
  EXPECT_EQ(this->Reserve(2, 1204).refusal, kReserved);
}

TYPED_TEST(StockLedgerContractTest, CancellingAConfirmedOrderReturnsItsStockOnceAndFreesTheBuyer) {
  this->Seed(this->Terms(1, 1));
  this->Reserve(1, 801, 1, "key");
  ASSERT_EQ(this->Confirm(801).outcome, ConfirmOutcome::kConfirmed);
  EXPECT_EQ(this->Reserve(2, 802).refusal, kSoldOut);
  auto cancelled = this->Cancel(801);
  EXPECT_EQ(cancelled.outcome, ReleaseOutcome::kReleased);
  EXPECT_EQ(cancelled.quantity_returned, 1);
  EXPECT_EQ(this->Cancel(801).outcome, ReleaseOutcome::kAlreadyReleased);
  EXPECT_EQ(this->Cancel(899).outcome, ReleaseOutcome::kNotFound);
  auto s = this->Snapshot();
  EXPECT_EQ(s.remaining, 1);
  EXPECT_EQ(s.reserved, 0);
  // The cancelled buyer can buy again, with the same idempotency key even.
  EXPECT_EQ(this->Reserve(1, 803, 1, "key").refusal, kReserved);
}

TYPED_TEST(StockLedgerContractTest, CancellingAReservedOrderAlsoClearsItsInFlightUnits) {
  this->Seed(this->Terms(3, 1));
  this->Reserve(1, 901);
  EXPECT_EQ(this->Cancel(901).outcome, ReleaseOutcome::kReleased);
  EXPECT_EQ(this->Confirm(901).outcome, ConfirmOutcome::kReleased);  // too late to become an order
  auto s = this->Snapshot();
  EXPECT_EQ(s.remaining, 3);
  EXPECT_EQ(s.reserved, 0);
}

// Memory stays bounded: the retention after an activity's end, its per-order records are gone
// (an operation on one of its orders answers not found); its stock figures stay for
// reconciliation. Within the retention every record answers as ever.
TYPED_TEST(StockLedgerContractTest, PerOrderRecordsGoTheRetentionAfterTheEnd) {
  const int64_t end_offset_ms = 600;
  ASSERT_TRUE(this->Seed(this->Terms(/*stock=*/5, /*limit=*/2, -60'000, end_offset_ms)));
  const auto ended_at = std::chrono::steady_clock::now() + std::chrono::milliseconds(end_offset_ms);
  EXPECT_EQ(this->Reserve(7, 301, 1, "key-7").refusal, kReserved);
  EXPECT_EQ(this->Reserve(8, 302).refusal, kReserved);
  EXPECT_EQ(this->Reserve(9, 303).refusal, kReserved);
  EXPECT_EQ(this->Confirm(301).outcome, ConfirmOutcome::kConfirmed);
  EXPECT_EQ(this->Release(302).outcome, ReleaseOutcome::kReleased);
  EXPECT_EQ(this->Confirm(303).outcome, ConfirmOutcome::kConfirmed);

  std::this_thread::sleep_until(ended_at + std::chrono::milliseconds(50));
  // Ended, within the retention: the records are there.
  EXPECT_TRUE(this->Reserve(7, 304, 1, "key-7").duplicate);
  EXPECT_EQ(this->Cancel(303).outcome, ReleaseOutcome::kReleased);

  std::this_thread::sleep_until(ended_at + std::chrono::milliseconds(kRetentionMs + 300));
  EXPECT_EQ(this->Confirm(301).outcome, ConfirmOutcome::kNotFound);
  EXPECT_EQ(this->Cancel(301).outcome, ReleaseOutcome::kNotFound);
  EXPECT_EQ(this->Release(302).outcome, ReleaseOutcome::kNotFound);
  EXPECT_EQ(this->Reserve(7, 305, 1, "key-7").refusal, kEnded);
  const domain::StockSnapshot after = this->Snapshot();
  EXPECT_TRUE(after.found);
  EXPECT_EQ(after.stock, 5);
  EXPECT_EQ(after.remaining, 4);  // 301 sold; 302 released and 303 cancelled came back
  EXPECT_EQ(after.reserved, 0);
}

// The instance id names the running store: the same from one call to the next (a restart is
// what changes it).
TYPED_TEST(StockLedgerContractTest, TheInstanceIdIsStableWhileTheStoreRuns) {
  auto first = Await(this->ledger().InstanceId());
  auto second = Await(this->ledger().InstanceId());
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->empty());
  EXPECT_EQ(first.value(), second.value());
}

// The Lua functions spell refusals as numbers: each entry of their REFUSAL table must be the
// proto's number for that name, and every refusal they can give must be in the proto.
TEST(StockFunctionsTest, TheirRefusalNumbersAreTheProtos) {
  const std::string lua(adapters::StockFunctionsSource());
  const std::regex entry(R"((REFUSAL_[A-Z_]+) = (\d+),)");
  int entries = 0;
  for (std::sregex_iterator it(lua.begin(), lua.end(), entry), end; it != end; ++it) {
    common::v1::Refusal proto_value{};
    ASSERT_TRUE(common::v1::Refusal_Parse((*it)[1].str(), &proto_value))
        << (*it)[1] << " is not in refusal.proto";
    EXPECT_EQ(std::stoi((*it)[2].str()), static_cast<int>(proto_value)) << (*it)[1];
    ++entries;
  }
  EXPECT_GE(entries, 5);
  const std::regex use(R"(REFUSAL\.(REFUSAL_[A-Z_]+))");
  for (std::sregex_iterator it(lua.begin(), lua.end(), use), end; it != end; ++it) {
    EXPECT_NE(lua.find((*it)[1].str() + " = "), std::string::npos) << (*it)[1] << " has no number";
  }
}

}  // namespace
}  // namespace seckill::product
