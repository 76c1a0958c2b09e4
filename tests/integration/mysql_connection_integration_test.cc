// The MariaDB connection against the real server: what happens when its session disappears.
#include "gtest/gtest.h"
#include "libs/mysql/connection.h"
#include "tests/support/stack_clients.h"

namespace seckill::testing {
namespace {

std::unique_ptr<mysql::Connection> Open() {
  auto connection = mysql::Connection::Open(StackDbOptions());
  EXPECT_TRUE(connection.ok()) << connection.status();
  return connection.ok() ? std::move(*connection) : nullptr;
}

// Ends `victim`'s session from another one, as a server restart would.
void KillSession(mysql::Connection& victim) {
  auto id = victim.Query("SELECT CONNECTION_ID()");
  ASSERT_TRUE(id.ok()) << id.status();
  auto killer = Open();
  ASSERT_NE(killer, nullptr);
  auto killed = killer->Execute("KILL CONNECTION " + *(*id)[0][0]);
  ASSERT_TRUE(killed.ok()) << killed.status();
}

TEST(MysqlConnectionIntegrationTest, ReadOnAStaleSessionIsRunAgainOnAFreshOne) {
  auto connection = Open();
  ASSERT_NE(connection, nullptr);
  auto before = connection->Query("SELECT CONNECTION_ID()");
  ASSERT_TRUE(before.ok()) << before.status();
  KillSession(*connection);

  auto after = connection->Query("SELECT CONNECTION_ID()");
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_NE(*(*after)[0][0], *(*before)[0][0]);  // a new session answered
}

TEST(MysqlConnectionIntegrationTest, WriteOnAStaleSessionIsUnavailableNotRepeated) {
  auto connection = Open();
  ASSERT_NE(connection, nullptr);
  KillSession(*connection);
  auto write = connection->Execute("DO 1");
  EXPECT_TRUE(absl::IsUnavailable(write.status())) << write.status();
  EXPECT_TRUE(connection->Execute("DO 1").ok());  // the next use reconnects
}

TEST(MysqlConnectionIntegrationTest, ReadInATransactionIsNotRepeatedOnAnotherSession) {
  auto connection = Open();
  ASSERT_NE(connection, nullptr);
  ASSERT_TRUE(connection->Begin().ok());
  KillSession(*connection);
  auto read = connection->Query("SELECT 1");
  EXPECT_TRUE(absl::IsUnavailable(read.status())) << read.status();
}

}  // namespace
}  // namespace seckill::testing
