#include "services/gateway/domain/user.h"

#include "gtest/gtest.h"

namespace seckill::gateway::domain {
namespace {

TEST(UserTest, UsernameRules) {
  EXPECT_TRUE(ValidateUsername("alice_01.x-y").ok());
  EXPECT_FALSE(ValidateUsername("al").ok());
  EXPECT_FALSE(ValidateUsername(std::string(33, 'a')).ok());
  EXPECT_FALSE(ValidateUsername("alice bob").ok());
  EXPECT_FALSE(ValidateUsername("alice|x").ok());
  EXPECT_FALSE(ValidateUsername("ålice").ok());
}

TEST(UserTest, PasswordRules) {
  EXPECT_TRUE(ValidatePassword("12345678").ok());
  EXPECT_FALSE(ValidatePassword("1234567").ok());
  EXPECT_FALSE(ValidatePassword(std::string(129, 'x')).ok());
}

TEST(UserTest, ProductionRefusesWellKnownAndShortAdminPasswords) {
  EXPECT_TRUE(ValidateProductionAdminPassword("admin", "k3Jx-9vQe_wT2mZr").ok());
  for (const char* weak : {"admin-dev-password", "admin", "changeme", "short-but-8"}) {
    EXPECT_TRUE(absl::IsInvalidArgument(ValidateProductionAdminPassword("admin", weak))) << weak;
  }
  EXPECT_FALSE(ValidateProductionAdminPassword("operator-in-chief", "operator-in-chief").ok());
  EXPECT_FALSE(ValidateProductionAdminPassword("admin", std::string(129, 'x')).ok());
}

}  // namespace
}  // namespace seckill::gateway::domain
