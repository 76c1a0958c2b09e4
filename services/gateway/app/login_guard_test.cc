#include "services/gateway/app/login_guard.h"

#include <optional>
#include <vector>

#include "gtest/gtest.h"

namespace seckill::gateway::app {
namespace {

std::string RetryAfter(const absl::Status& s) {
  auto payload = s.GetPayload(LoginGuard::kRetryAfterPayload);
  return payload ? std::string(*payload) : "";
}

TEST(LoginGuardTest, WaitsDoubleAfterTheFreeFailuresAndASuccessClearsThem) {
  base::ManualClock clock(0);
  LoginGuard guard(clock, {.free_failures = 3, .first_wait_ms = 1'000, .max_wait_ms = 4'000});
  for (int i = 0; i < 2; ++i) guard.RecordFailure("alice", "a");
  EXPECT_TRUE(guard.CheckAttempt("alice", "a").ok());
  guard.RecordFailure("alice", "a");
  EXPECT_EQ(RetryAfter(guard.CheckAttempt("alice", "a")), "1");
  EXPECT_EQ(RetryAfter(guard.CheckAttempt("ALICE", "a")), "1") << "usernames ignore case";
  EXPECT_TRUE(guard.CheckAttempt("alice", "b").ok()) << "another address is not slowed";
  EXPECT_TRUE(guard.CheckAttempt("bob", "a").ok()) << "another account is not slowed";
  clock.AdvanceMs(1'000);
  EXPECT_TRUE(guard.CheckAttempt("alice", "a").ok());
  guard.RecordFailure("alice", "a");
  EXPECT_EQ(RetryAfter(guard.CheckAttempt("alice", "a")), "2");
  for (int i = 0; i < 10; ++i) guard.RecordFailure("alice", "a");
  EXPECT_EQ(RetryAfter(guard.CheckAttempt("alice", "a")), "4") << "capped";
  guard.RecordSuccess("alice", "a");
  EXPECT_TRUE(guard.CheckAttempt("alice", "a").ok());
}

TEST(LoginGuardTest, PasswordJobsAreBoundedInTotalAndPerAddress) {
  base::ManualClock clock(0);
  LoginGuard guard(clock, {.max_hashing = 3, .max_hashing_per_address = 2});
  std::vector<LoginGuard::Slot> held;
  held.push_back(*guard.StartHashing("a"));
  held.push_back(*guard.StartHashing("a"));
  EXPECT_TRUE(absl::IsResourceExhausted(guard.CheckHashingRoom("a")));
  EXPECT_TRUE(guard.CheckHashingRoom("b").ok());
  const absl::StatusOr<LoginGuard::Slot> third_of_a = guard.StartHashing("a");
  EXPECT_TRUE(absl::IsResourceExhausted(third_of_a.status()));
  EXPECT_EQ(RetryAfter(third_of_a.status()), "1");
  held.push_back(*guard.StartHashing("b"));
  EXPECT_TRUE(absl::IsResourceExhausted(guard.StartHashing("c").status())) << "the total";
  held.pop_back();  // b's job ends
  EXPECT_TRUE(guard.StartHashing("c").ok());
  held.clear();
  for (int i = 0; i < 2; ++i) EXPECT_TRUE(guard.StartHashing("a").ok()) << "all given back";
}

}  // namespace
}  // namespace seckill::gateway::app
