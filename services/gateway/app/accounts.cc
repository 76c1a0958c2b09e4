#include "services/gateway/app/accounts.h"

#include "libs/base/status.h"

namespace seckill::gateway::app {

absl::StatusOr<uint64_t> Accounts::Register(const std::string& username,
                                            const std::string& password) const {
  SECKILL_RETURN_IF_ERROR(domain::ValidateUsername(username));
  SECKILL_RETURN_IF_ERROR(domain::ValidatePassword(password));
  auto hash = hasher_.Hash(password);
  if (!hash.ok()) return hash.status();
  return users_.Create(domain::User{0, username, *hash, domain::Role::kBuyer});
}

absl::StatusOr<Session> Accounts::Login(const std::string& username,
                                        const std::string& password) const {
  // Hashing a dummy for unknown users keeps "no such user" and "wrong password" equally slow.
  static const absl::StatusOr<std::string> kDummyHash = hasher_.Hash("seckill-dummy-password");
  auto user = users_.FindByUsername(username);
  if (!user.ok()) return user.status();
  if (!user->has_value()) {
    if (kDummyHash.ok()) hasher_.Verify(*kDummyHash, password);
    return absl::UnauthenticatedError("wrong username or password");
  }
  if (!hasher_.Verify((*user)->password_hash, password)) {
    return absl::UnauthenticatedError("wrong username or password");
  }
  const domain::Principal principal{(*user)->user_id, (*user)->role};
  return Session{tokens_.Issue(principal, clock_.NowMs()), (*user)->user_id};
}

absl::StatusOr<std::vector<IssuedUser>> Accounts::RegisterMany(const std::string& prefix, int count,
                                                               const std::string& password) const {
  if (count < 1 || count > kMaxBulkUsers) {
    return absl::InvalidArgumentError(fmt::format("count must be between 1 and {}", kMaxBulkUsers));
  }
  std::vector<std::string> names;
  names.reserve(static_cast<size_t>(count));
  for (int i = 1; i <= count; ++i) names.push_back(fmt::format("{}-{}", prefix, i));
  for (const std::string& name : {names.front(), names.back()}) {
    if (absl::Status s = domain::ValidateUsername(name); !s.ok()) {
      return absl::InvalidArgumentError(
          fmt::format("prefix makes a bad username: {}", s.message()));
    }
  }
  SECKILL_RETURN_IF_ERROR(domain::ValidatePassword(password));
  auto hash = hasher_.Hash(password);
  if (!hash.ok()) return hash.status();
  auto created = users_.CreateMany(names, *hash, domain::Role::kBuyer);
  if (!created.ok()) return created.status();
  const int64_t now = clock_.NowMs();
  std::vector<IssuedUser> out;
  out.reserve(created->size());
  for (auto& [id, name] : *created) {
    out.push_back(IssuedUser{id, name, tokens_.Issue({id, domain::Role::kBuyer}, now)});
  }
  return out;
}

absl::Status Accounts::EnsureAdmin(const std::string& username, const std::string& password) const {
  SECKILL_RETURN_IF_ERROR(domain::ValidateUsername(username));
  SECKILL_RETURN_IF_ERROR(domain::ValidatePassword(password));
  auto existing = users_.FindByUsername(username);
  if (!existing.ok()) return existing.status();
  if (existing->has_value()) {
    if ((*existing)->role == domain::Role::kAdmin) return absl::OkStatus();
    return users_.Promote((*existing)->user_id);
  }
  auto hash = hasher_.Hash(password);
  if (!hash.ok()) return hash.status();
  auto id = users_.Create(domain::User{0, username, *hash, domain::Role::kAdmin});
  if (absl::IsAlreadyExists(id.status())) return absl::OkStatus();  // another gateway won the race
  return id.status();
}

absl::StatusOr<domain::Principal> Accounts::Authenticate(std::string_view token) const {
  return tokens_.Verify(token, clock_.NowMs());
}

}  // namespace seckill::gateway::app
