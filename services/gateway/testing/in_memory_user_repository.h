#pragma once

#include <map>
#include <mutex>

#include "services/gateway/domain/user.h"

namespace seckill::gateway::testing {

// A UserRepository in memory, for unit tests of the account use cases.
class InMemoryUserRepository final : public domain::UserRepository {
 public:
  base::Async<uint64_t> Create(const domain::User& user) override {
    std::lock_guard lock(mu_);
    if (by_name_.contains(user.username)) co_return absl::AlreadyExistsError("username taken");
    domain::User stored = user;
    stored.user_id = ++next_id_;
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
  base::AsyncStatus Promote(uint64_t user_id) override {
    std::lock_guard lock(mu_);
    for (auto& [name, user] : by_name_) {
      if (user.user_id == user_id) user.role = domain::Role::kAdmin;
    }
    co_return absl::OkStatus();
  }

 private:
  std::mutex mu_;
  uint64_t next_id_ = 0;
  std::map<std::string, domain::User> by_name_;
};

}  // namespace seckill::gateway::testing
