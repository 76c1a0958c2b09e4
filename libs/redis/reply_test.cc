#include "libs/redis/reply.h"

#include "gtest/gtest.h"

namespace seckill::redis {
namespace {

// A Redis restarting from its AOF answers LOADING for a while: that is a reason to retry, not a
// broken command (found by `make chaos` F11, where it dead-lettered an accepted order).
TEST(ErrorReplyStatusTest, ServerNotReadyErrorsAreUnavailable) {
  for (const char* error :
       {"LOADING Redis is loading the dataset in memory", "BUSY Redis is busy running a script",
        "MASTERDOWN Link with MASTER is down", "TRYAGAIN Multiple keys request during rehashing",
        "CLUSTERDOWN The cluster is down", "LOADING"}) {
    absl::Status s = ErrorReplyStatus("seckill_confirm", error);
    EXPECT_TRUE(absl::IsUnavailable(s)) << error << " -> " << s;
    EXPECT_NE(s.message().find("seckill_confirm"), std::string_view::npos);
  }
}

TEST(ErrorReplyStatusTest, OtherErrorsAreInternal) {
  for (const char* error :
       {"ERR Function not found", "WRONGTYPE Operation against a key holding the wrong kind",
        "LOADINGX not a real prefix", "NOSCRIPT No matching script"}) {
    EXPECT_TRUE(absl::IsInternal(ErrorReplyStatus("x", error))) << error;
  }
}

TEST(ErrorReplyStatusTest, ReplyAccessorsUseTheSameMapping) {
  Reply loading;
  loading.type = Reply::Type::kError;
  loading.str = "LOADING Redis is loading the dataset in memory";
  EXPECT_TRUE(absl::IsUnavailable(loading.AsText().status()));
  EXPECT_TRUE(absl::IsUnavailable(loading.AsInteger().status()));
}

}  // namespace
}  // namespace seckill::redis
