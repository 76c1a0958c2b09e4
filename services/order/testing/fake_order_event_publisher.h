#pragma once

#include <deque>
#include <functional>
#include <vector>

#include "libs/base/await.h"
#include "services/order/domain/order_event_publisher.h"

namespace seckill::order::testing {

// Records published orders and answers with scripted statuses (default OK) at once, unless
// `hold`: then each publish waits until the test calls its completion in `held` (a broker's
// confirm still on its way).
class FakeOrderEventPublisher final : public domain::OrderEventPublisher {
 public:
  base::AsyncStatus Publish(const domain::Order& order, const std::string&) override {
    return base::AwaitCallback<absl::Status>([this, &order](auto done) {
      published.push_back(order);
      if (hold) {
        held.push_back(std::move(done));
        return;
      }
      absl::Status answer = absl::OkStatus();
      if (!answers.empty()) {
        answer = answers.front();
        answers.pop_front();
      }
      done(answer);
    });
  }
  std::deque<absl::Status> answers;
  std::vector<domain::Order> published;
  bool hold = false;
  std::vector<std::function<void(absl::Status)>> held;
};

}  // namespace seckill::order::testing
