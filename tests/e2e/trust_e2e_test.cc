// What the local stack trusts (issue "Trust nothing on the host"): its secrets files are
// readable by their owner only, so another user on the machine cannot read the JWT key or the
// passwords in stack.env.
#include <sys/stat.h>

#include <string>

#include "gtest/gtest.h"
#include "tests/support/stack_env.h"

namespace seckill::testing {
namespace {

// The permission bits of `path`, or -1 when it cannot be read.
int ModeOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 07777);
}

TEST(TrustE2eTest, SecretsFilesAreReadableByTheirOwnerOnly) {
  const std::string env = StackEnv::Get().path();
  const std::string dir = env.substr(0, env.find_last_of('/'));
  for (const std::string& path : {env, dir + "/jwt.secret"}) {
    const int mode = ModeOf(path);
    ASSERT_GE(mode, 0) << path << " is missing";
    EXPECT_EQ(mode & 077, 0) << path << " is readable or writable by others: mode " << std::oct
                             << mode;
  }
}

}  // namespace
}  // namespace seckill::testing
