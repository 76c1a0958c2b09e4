#include "libs/base/trace_context.h"

#include "gtest/gtest.h"

namespace seckill::base {
namespace {

TEST(TraceContextTest, AcceptsWellFormedTraceparent) {
  EXPECT_TRUE(IsValidTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
}

TEST(TraceContextTest, RejectsMalformedOrZeroIds) {
  EXPECT_FALSE(IsValidTraceparent(""));
  EXPECT_FALSE(IsValidTraceparent("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"));
  EXPECT_FALSE(IsValidTraceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01"));
  EXPECT_FALSE(IsValidTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"));
  EXPECT_FALSE(IsValidTraceparent("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
}

TEST(TraceContextTest, ACallersContextIsContinuedWithANewSpan) {
  const auto caller =
      TraceContext::FromTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  ASSERT_TRUE(caller.has_value());
  EXPECT_EQ(caller->TraceIdHex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(caller->SpanIdHex(), "00f067aa0ba902b7");
  EXPECT_TRUE(caller->sampled);
  const TraceContext mine = caller->NewSpan();
  EXPECT_EQ(mine.TraceIdHex(), caller->TraceIdHex());
  EXPECT_NE(mine.SpanIdHex(), caller->SpanIdHex());
  EXPECT_TRUE(IsValidTraceparent(mine.Traceparent())) << mine.Traceparent();
  EXPECT_EQ(mine.Traceparent().substr(52), "-01");
  EXPECT_FALSE(
      TraceContext::FromTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
          ->sampled);
  EXPECT_FALSE(TraceContext::FromTraceparent("junk").has_value());
}

TEST(TraceContextTest, NewTracesAreValidAndDistinct) {
  const TraceContext a = TraceContext::NewTrace(false);
  const TraceContext b = TraceContext::NewTrace(true);
  EXPECT_TRUE(IsValidTraceparent(a.Traceparent())) << a.Traceparent();
  EXPECT_TRUE(IsValidTraceparent(b.Traceparent())) << b.Traceparent();
  EXPECT_NE(a.TraceIdHex(), b.TraceIdHex());
  EXPECT_EQ(a.Traceparent().substr(52), "-00");
}

}  // namespace
}  // namespace seckill::base
