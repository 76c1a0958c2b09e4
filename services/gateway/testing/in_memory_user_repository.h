#pragma once

#include <map>
#include <mutex>

#include "fmt/format.h"
#include "services/gateway/domain/user.h"

namespace seckill::gateway::testing {

// A UserRepository in memory, for unit tests of the account use cases; the contract suite
// (adapters/user_repository_contract_test.cc) holds it to the MariaDB repository's behaviour.
class InMemoryUserRepository final : public domain::UserRepository {
 public:
  base::Async<uint64_t> Create(const domain::User& user) override {
    std::lock_guard lock(mu_);
    if (by_name_.contains(user.username)) co_return absl::AlreadyExistsError("username taken");
    domain::User stored = user;
    stored.user_id = ++next_id_;
    stored.token_version = domain::kFirstTokenVersion;
    by_name_[user.username] = stored;
    co_return stored.user_id;
  }
  base::Async<std::vector<std::pair<uint64_t, std::string>>> CreateMany(
      const std::vector<std::string>& usernames, const std::string& hash,
      domain::Role role) override {
    std::lock_guard lock(mu_);
    for (const auto& name : usernames) {
      if (by_name_.contains(name)) co_return absl::AlreadyExistsError("username taken");
    }
    std::vector<std::pair<uint64_t, std::string>> out;
    for (const auto& name : usernames) {
      by_name_[name] = domain::User{++next_id_, name, hash, role};
      out.emplace_back(next_id_, name);
    }
    co_return out;
  }
  base::Async<std::optional<domain::User>> FindByUsername(const std::string& username) override {
    std::lock_guard lock(mu_);
    auto it = by_name_.find(username);
    if (it == by_name_.end()) co_return std::optional<domain::User>();
    co_return std::optional<domain::User>(it->second);
  }
  base::Async<std::optional<uint32_t>> FindTokenVersion(uint64_t user_id) override {
    std::lock_guard lock(mu_);
    domain::User* user = ById(user_id);
    if (user == nullptr) co_return std::optional<uint32_t>();
    co_return std::optional<uint32_t>(user->token_version);
  }
  base::Async<uint32_t> ResetPassword(uint64_t user_id, const std::string& password_hash,
                                      int64_t revocation_expires_at_ms) override {
    std::lock_guard lock(mu_);
    absl::StatusOr<uint32_t> version = BumpTokenVersion(user_id, revocation_expires_at_ms);
    if (version.ok()) ById(user_id)->password_hash = password_hash;
    co_return version;
  }
  base::Async<uint32_t> RevokeAll(uint64_t user_id, int64_t revocation_expires_at_ms) override {
    std::lock_guard lock(mu_);
    co_return BumpTokenVersion(user_id, revocation_expires_at_ms);
  }
  base::AsyncStatus RevokeToken(const domain::Revocation& revocation) override {
    std::lock_guard lock(mu_);
    domain::Revocation stored = revocation;
    stored.seq = ++next_seq_;
    revocations_[stored.seq] = stored;
    co_return absl::OkStatus();
  }
  base::Async<std::vector<domain::Revocation>> RevocationsAfter(uint64_t after_seq,
                                                                int limit) override {
    std::lock_guard lock(mu_);
    std::vector<domain::Revocation> out;
    for (auto it = revocations_.upper_bound(after_seq);
         it != revocations_.end() && static_cast<int>(out.size()) < limit; ++it) {
      out.push_back(it->second);
    }
    co_return out;
  }
  base::AsyncStatus ForgetExpiredRevocations(int64_t now_ms) override {
    std::lock_guard lock(mu_);
    std::erase_if(revocations_,
                  [now_ms](const auto& r) { return r.second.expires_at_ms < now_ms; });
    co_return absl::OkStatus();
  }

 private:
  domain::User* ById(uint64_t user_id) {
    for (auto& [name, user] : by_name_) {
      if (user.user_id == user_id) return &user;
    }
    return nullptr;
  }
  absl::StatusOr<uint32_t> BumpTokenVersion(uint64_t user_id, int64_t expires_at_ms) {
    domain::User* user = ById(user_id);
    if (user == nullptr) return absl::NotFoundError(fmt::format("no user {}", user_id));
    ++user->token_version;
    ++next_seq_;
    revocations_[next_seq_] =
        domain::Revocation{next_seq_, user_id, "", user->token_version, expires_at_ms};
    return user->token_version;
  }

  std::mutex mu_;
  uint64_t next_id_ = 0;
  uint64_t next_seq_ = 0;
  std::map<std::string, domain::User> by_name_;
  std::map<uint64_t, domain::Revocation> revocations_;  // by seq
};

}  // namespace seckill::gateway::testing
