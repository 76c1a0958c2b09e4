#include "libs/base/time_format.h"

#include "gtest/gtest.h"

namespace seckill::base {
namespace {

TEST(TimeFormatTest, FormatsUtcSeconds) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(1795613904123), "2026-11-25T13:38:24Z");
}

TEST(TimeFormatTest, ParsesZuluOffsetsAndFractions) {
  EXPECT_EQ(ParseRfc3339("2026-11-25T13:38:24Z").value(), 1795613904000);
  EXPECT_EQ(ParseRfc3339("2026-11-25T13:38:24.123Z").value(), 1795613904123);
  EXPECT_EQ(ParseRfc3339("2026-11-25T21:38:24+08:00").value(), 1795613904000);
  EXPECT_EQ(ParseRfc3339("2026-11-25T12:38:24-01:00").value(), 1795613904000);
  EXPECT_EQ(ParseRfc3339(FormatRfc3339(1795613904000)).value(), 1795613904000);
}

TEST(TimeFormatTest, RejectsMalformedAndImpossibleDates) {
  for (const char* bad :
       {"", "2026-11-25", "2026-11-25T13:38:24", "2026-02-30T00:00:00Z", "2026-11-25T25:00:00Z",
        "2026-11-25T13:38:24+8", "tomorrow", "2026-11-25T13:38:24Zjunk", "2026-11-25T13:38:24.Z"}) {
    EXPECT_FALSE(ParseRfc3339(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace seckill::base
