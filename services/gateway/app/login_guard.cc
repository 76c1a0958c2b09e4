#include "services/gateway/app/login_guard.h"

#include <algorithm>
#include <cctype>

#include "absl/strings/cord.h"
#include "fmt/format.h"

namespace seckill::gateway::app {

namespace {
absl::Status TooMany(const char* message, int64_t retry_after_ms, const char* reason) {
  absl::Status s = absl::ResourceExhaustedError(message);
  const int64_t seconds = std::max<int64_t>(1, (retry_after_ms + 999) / 1000);
  s.SetPayload(LoginGuard::kRetryAfterPayload, absl::Cord(std::to_string(seconds)));
  s.SetPayload(LoginGuard::kReasonPayload, absl::Cord(reason));
  return s;
}
}  // namespace

std::string LoginGuard::PairKey(std::string_view account, std::string_view address) {
  // Usernames are case-insensitive: "Admin" is the admin's account too.
  std::string key(account);
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  key += '\n';
  key += address;
  return key;
}

absl::Status LoginGuard::CheckAttempt(std::string_view account, std::string_view address) const {
  const int64_t now = clock_.NowMs();
  std::lock_guard lock(mu_);
  auto it = failures_.find(PairKey(account, address));
  if (it == failures_.end() || it->second.wait_until_ms <= now) return absl::OkStatus();
  return TooMany("too many failed logins for this account from your address; wait and retry",
                 it->second.wait_until_ms - now, "LOGIN_FAILURES");
}

namespace {
absl::Status Busy() {
  return TooMany("too many password checks in progress; retry shortly", 1'000, "BUSY");
}
}  // namespace

absl::Status LoginGuard::CheckHashingRoom(std::string_view address) const {
  std::lock_guard lock(mu_);
  auto it = hashing_by_address_.find(std::string(address));
  const int mine = it == hashing_by_address_.end() ? 0 : it->second;
  if (hashing_ >= options_.max_hashing || mine >= options_.max_hashing_per_address) return Busy();
  return absl::OkStatus();
}

absl::StatusOr<LoginGuard::Slot> LoginGuard::StartHashing(std::string_view address) {
  std::lock_guard lock(mu_);
  int& mine = hashing_by_address_[std::string(address)];
  if (hashing_ >= options_.max_hashing || mine >= options_.max_hashing_per_address) {
    if (mine == 0) hashing_by_address_.erase(std::string(address));
    return Busy();
  }
  ++mine;
  ++hashing_;
  return Slot(this, std::string(address));
}

void LoginGuard::FinishHashing(const std::string& address) {
  std::lock_guard lock(mu_);
  --hashing_;
  auto it = hashing_by_address_.find(address);
  if (it != hashing_by_address_.end() && --it->second <= 0) hashing_by_address_.erase(it);
}

LoginGuard::Slot::~Slot() {
  if (guard_ != nullptr) guard_->FinishHashing(address_);
}

void LoginGuard::RecordFailure(std::string_view account, std::string_view address) {
  const int64_t now = clock_.NowMs();
  std::lock_guard lock(mu_);
  if (failures_.size() >= options_.max_tracked_pairs) {
    std::erase_if(failures_, [now](const auto& e) { return e.second.wait_until_ms <= now; });
    if (failures_.size() >= options_.max_tracked_pairs) failures_.clear();
  }
  Failures& f = failures_[PairKey(account, address)];
  ++f.count;
  if (f.count >= options_.free_failures) {
    const int doublings = std::min(f.count - options_.free_failures, 20);
    f.wait_until_ms = now + std::min(options_.first_wait_ms << doublings, options_.max_wait_ms);
  }
}

void LoginGuard::RecordSuccess(std::string_view account, std::string_view address) {
  std::lock_guard lock(mu_);
  failures_.erase(PairKey(account, address));
}

}  // namespace seckill::gateway::app
