#include "services/gateway/app/accounts.h"

#include "libs/base/status.h"

namespace seckill::gateway::app {

base::Async<uint64_t> Accounts::Register(const std::string& username, const std::string& password,
                                         const std::string& address) const {
  if (absl::Status valid = domain::ValidateUsername(username); !valid.ok()) co_return valid;
  if (absl::Status valid = domain::ValidatePassword(password); !valid.ok()) co_return valid;
  absl::StatusOr<LoginGuard::Slot> slot = guard_.StartHashing(address);
  if (!slot.ok()) co_return slot.status();
  auto hashing = hasher_.Hash(password);
  const absl::StatusOr<std::string> hash = co_await std::move(hashing);
  if (!hash.ok()) co_return hash.status();
  const domain::User user{0, username, *hash, domain::Role::kBuyer};
  auto creating = users_.Create(user);
  co_return co_await std::move(creating);
}

base::Async<std::string> Accounts::DummyHash() const {
  {
    std::lock_guard lock(dummy_mu_);
    if (dummy_hash_) co_return *dummy_hash_;
  }
  // Two first logins at once may both hash: harmless, the hash is only ever verified against.
  const std::string dummy_password = "seckill-dummy-password";
  auto hashing = hasher_.Hash(dummy_password);
  absl::StatusOr<std::string> hash = co_await std::move(hashing);
  if (!hash.ok()) co_return hash.status();
  std::lock_guard lock(dummy_mu_);
  dummy_hash_ = *hash;
  co_return hash;
}

base::Async<Session> Accounts::Login(const std::string& username, const std::string& password,
                                     const std::string& address) const {
  if (absl::Status allowed = guard_.CheckAttempt(username, address); !allowed.ok()) {
    co_return allowed;
  }
  absl::StatusOr<LoginGuard::Slot> slot = guard_.StartHashing(address);
  if (!slot.ok()) co_return slot.status();
  auto finding = users_.FindByUsername(username);
  const absl::StatusOr<std::optional<domain::User>> user = co_await std::move(finding);
  if (!user.ok()) co_return user.status();
  if (!user->has_value()) {
    // Verifying against a dummy keeps "no such user" and "wrong password" equally slow.
    auto dummying = DummyHash();
    const absl::StatusOr<std::string> dummy = co_await std::move(dummying);
    if (dummy.ok()) {
      auto verifying = hasher_.Verify(*dummy, password);
      co_await std::move(verifying);
    }
    guard_.RecordFailure(username, address);
    co_return absl::UnauthenticatedError("wrong username or password");
  }
  auto verifying = hasher_.Verify((*user)->password_hash, password);
  if (!co_await std::move(verifying)) {
    guard_.RecordFailure(username, address);
    co_return absl::UnauthenticatedError("wrong username or password");
  }
  guard_.RecordSuccess(username, address);
  const domain::Principal principal{(*user)->user_id, (*user)->role};
  co_return Session{sessions_.Open(principal, (*user)->token_version), (*user)->user_id};
}

base::Async<std::vector<IssuedUser>> Accounts::RegisterMany(const std::string& prefix, int count,
                                                            const std::string& password) const {
  if (count < 1 || count > kMaxBulkUsers) {
    co_return absl::InvalidArgumentError(
        fmt::format("count must be between 1 and {}", kMaxBulkUsers));
  }
  std::vector<std::string> names;
  names.reserve(static_cast<size_t>(count));
  for (int i = 1; i <= count; ++i) names.push_back(fmt::format("{}-{}", prefix, i));
  for (const std::string& name : {names.front(), names.back()}) {
    if (absl::Status s = domain::ValidateUsername(name); !s.ok()) {
      co_return absl::InvalidArgumentError(
          fmt::format("prefix makes a bad username: {}", s.message()));
    }
  }
  if (absl::Status valid = domain::ValidatePassword(password); !valid.ok()) co_return valid;
  auto hashing = hasher_.Hash(password);
  const absl::StatusOr<std::string> hash = co_await std::move(hashing);
  if (!hash.ok()) co_return hash.status();
  auto creating = users_.CreateMany(names, *hash, domain::Role::kBuyer);
  absl::StatusOr<std::vector<std::pair<uint64_t, std::string>>> created =
      co_await std::move(creating);
  if (!created.ok()) co_return created.status();
  std::vector<IssuedUser> out;
  out.reserve(created->size());
  for (auto& [id, name] : *created) {
    out.push_back(IssuedUser{
        id, name, sessions_.Open({id, domain::Role::kBuyer}, domain::kFirstTokenVersion)});
  }
  co_return out;
}

base::AsyncStatus Accounts::EnsureAdmin(const std::string& username,
                                        const std::string& password) const {
  if (absl::Status valid = domain::ValidateUsername(username); !valid.ok()) co_return valid;
  if (absl::Status valid = domain::ValidatePassword(password); !valid.ok()) co_return valid;
  auto finding = users_.FindByUsername(username);
  const absl::StatusOr<std::optional<domain::User>> existing = co_await std::move(finding);
  if (!existing.ok()) co_return existing.status();
  if (existing->has_value()) {
    const domain::User& user = **existing;
    if (user.role != domain::Role::kAdmin) {
      co_return absl::FailedPreconditionError(fmt::format(
          "the admin username \"{}\" belongs to a buyer, who is never made admin; set admin.user "
          "(SECKILL_ADMIN_USER) to a name no one has",
          username));
    }
    auto verifying = hasher_.Verify(user.password_hash, password);
    if (co_await std::move(verifying)) co_return absl::OkStatus();
    auto hashing = hasher_.Hash(password);
    const absl::StatusOr<std::string> hash = co_await std::move(hashing);
    if (!hash.ok()) co_return hash.status();
    auto resetting = users_.ResetPassword(user.user_id, *hash, sessions_.RevocationExpiresAtMs());
    co_return (co_await std::move(resetting)).status();
  }
  auto hashing = hasher_.Hash(password);
  const absl::StatusOr<std::string> hash = co_await std::move(hashing);
  if (!hash.ok()) co_return hash.status();
  const domain::User admin{0, username, *hash, domain::Role::kAdmin};
  auto creating = users_.Create(admin);
  const absl::StatusOr<uint64_t> id = co_await std::move(creating);
  // ALREADY_EXISTS: another gateway won the race.
  if (absl::IsAlreadyExists(id.status())) co_return absl::OkStatus();
  co_return id.status();
}

}  // namespace seckill::gateway::app
