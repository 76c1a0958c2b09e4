#pragma once

#include <deque>
#include <vector>

#include "services/order/domain/order_event_publisher.h"

namespace seckill::order::testing {

// Records published orders and answers with scripted statuses (default OK). Inline callbacks,
// unless `hold`: then each callback waits in `held` until the test calls it (a broker's confirm
// still on its way).
class FakeOrderEventPublisher final : public domain::OrderEventPublisher {
 public:
  void Publish(const domain::Order& order, const std::string&,
               std::function<void(absl::Status)> done) override {
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
  }
  std::deque<absl::Status> answers;
  std::vector<domain::Order> published;
  bool hold = false;
  std::vector<std::function<void(absl::Status)>> held;
};

}  // namespace seckill::order::testing
