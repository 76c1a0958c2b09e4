#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/base/clock.h"

namespace seckill::gateway::app {

// What keeps password guessing from costing more than the guesser: failures of one account from
// one client address make that pair wait (1 s after the third, doubling to a minute), so a
// guesser slows only their own attempts on that account and the owner, elsewhere, logs in; and
// password hashing (argon2id, tens of milliseconds of CPU each) has a bounded number of jobs in
// flight, in total and per client address, so guessers cannot queue up work that delays
// everyone. Refusals are RESOURCE_EXHAUSTED carrying kRetryAfterPayload (seconds). In memory,
// per gateway; thread-safe.
class LoginGuard {
 public:
  struct Options {
    int free_failures = 3;  // failures of a pair before it has to wait
    int64_t first_wait_ms = 1'000;
    int64_t max_wait_ms = 60'000;
    int max_hashing = 24;                // password jobs in flight on this gateway
    int max_hashing_per_address = 2;     // of which one client address may hold
    size_t max_tracked_pairs = 100'000;  // past this, the oldest waits are forgotten
  };
  static constexpr char kRetryAfterPayload[] = "seckill.login/retry-after-seconds";
  static constexpr char kReasonPayload[] = "seckill.login/reason";

  // Holds one password job's place; gives it back when destroyed.
  class Slot {
   public:
    Slot(Slot&& other) noexcept : guard_(other.guard_), address_(std::move(other.address_)) {
      other.guard_ = nullptr;
    }
    Slot& operator=(Slot&&) = delete;
    ~Slot();

   private:
    friend class LoginGuard;
    Slot(LoginGuard* guard, std::string address) : guard_(guard), address_(std::move(address)) {}
    LoginGuard* guard_;
    std::string address_;
  };

  LoginGuard(const base::Clock& clock, Options options) : clock_(clock), options_(options) {}

  // OK unless `account` has failed from `address` often enough that this attempt must wait.
  absl::Status CheckAttempt(std::string_view account, std::string_view address) const;
  // A place for one password job for `address`, or RESOURCE_EXHAUSTED when the gateway or that
  // address has as many in flight as allowed.
  absl::StatusOr<Slot> StartHashing(std::string_view address);
  // What StartHashing would answer now, without taking a place.
  absl::Status CheckHashingRoom(std::string_view address) const;
  void RecordFailure(std::string_view account, std::string_view address);
  void RecordSuccess(std::string_view account, std::string_view address);

 private:
  struct Failures {
    int count = 0;
    int64_t wait_until_ms = 0;
  };
  static std::string PairKey(std::string_view account, std::string_view address);
  void FinishHashing(const std::string& address);

  const base::Clock& clock_;
  const Options options_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Failures> failures_;  // by account '\n' address
  std::unordered_map<std::string, int> hashing_by_address_;
  int hashing_ = 0;
};

}  // namespace seckill::gateway::app
