#pragma once

#include <string>

#include "gtest/gtest.h"
#include "tests/support/stack_clients.h"
#include "tools/bench/sale_client.h"

namespace seckill::testing {

// Base for end-to-end tests: the running stack's gateway, an admin token, and helpers to set up
// products, activities and buyers through the public API.
class E2eTest : public ::testing::Test {
 protected:
  E2eTest();

  // A new activity of a new product; times are offsets from now in milliseconds.
  std::string NewActivity(int64_t stock, int64_t limit_per_user = 1,
                          int64_t start_offset_ms = -1000, int64_t end_offset_ms = 3'600'000);
  // `count` new buyers with tokens.
  std::vector<bench::BuyerAccount> NewBuyers(int count);
  // POST /api/v1/activities/{id}/orders.
  http::Response Order(const std::string& activity_id, const std::string& token,
                       const std::string& body = "", http::Headers headers = {});
  // One order per buyer's token, all sent at once, each on its own connection, buyer i's through
  // gateways[i % gateways.size()] (the stack's gateway when empty): the answers in the buyers'
  // order (status 0: no answer within 10 s).
  std::vector<http::Response> OrdersAtOnce(const std::string& activity_id,
                                           const std::vector<bench::BuyerAccount>& buyers,
                                           std::vector<const bench::SaleClient*> gateways = {});
  bench::SaleClient::Stats Stats(const std::string& activity_id);
  // Places an order for `buyer` and waits (5 s at most) until it is recorded (CREATED); returns
  // its id.
  std::string PlaceRecorded(const std::string& activity_id, const bench::BuyerAccount& buyer);

  const StackEnv& env_;
  bench::SaleClient client_;
  std::string admin_token_;
};

}  // namespace seckill::testing
