#include "services/gateway/domain/user.h"

#include <algorithm>
#include <iterator>

namespace seckill::gateway::domain {

std::string_view RoleName(Role role) { return role == Role::kAdmin ? "ADMIN" : "BUYER"; }

std::optional<Role> ParseRole(std::string_view name) {
  if (name == "ADMIN") return Role::kAdmin;
  if (name == "BUYER") return Role::kBuyer;
  return std::nullopt;
}

absl::Status ValidateUsername(std::string_view username) {
  if (username.size() < 3 || username.size() > 32) {
    return absl::InvalidArgumentError("username must be 3 to 32 characters");
  }
  for (char c : username) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) {
      return absl::InvalidArgumentError(
          "username may contain only letters, digits, '_', '.' and '-'");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidatePassword(std::string_view password) {
  if (password.size() < 8 || password.size() > 128) {
    return absl::InvalidArgumentError("password must be 8 to 128 characters");
  }
  return absl::OkStatus();
}

absl::Status ValidateProductionAdminPassword(std::string_view username, std::string_view password) {
  // Printed in documentation and scripts, ours and everyone's.
  static constexpr std::string_view kWellKnown[] = {"admin-dev-password", "admin",    "password",
                                                    "changeme",           "admin123", "123456"};
  if (password == username ||
      std::find(std::begin(kWellKnown), std::end(kWellKnown), password) != std::end(kWellKnown)) {
    return absl::InvalidArgumentError("is a well-known password: set a secret one");
  }
  if (password.size() < 16) {
    return absl::InvalidArgumentError("must be 16 characters or more");
  }
  return ValidatePassword(password);
}

}  // namespace seckill::gateway::domain
