#pragma once

#include <map>
#include <mutex>

#include "services/product/domain/catalog.h"

namespace seckill::product::testing {

// A Catalog in process memory, for unit tests of the use cases.
class InMemoryCatalog final : public domain::Catalog {
 public:
  base::Async<uint64_t> AddProduct(const domain::Product& product) override {
    std::lock_guard lock(mu_);
    products_[++next_product_] = product;
    co_return next_product_;
  }
  base::Async<uint64_t> AddActivity(const domain::ActivityTerms& terms) override {
    std::lock_guard lock(mu_);
    if (!products_.contains(terms.product_id)) {
      co_return absl::FailedPreconditionError("product not found");
    }
    ++next_activity_;
    activities_[next_activity_] = domain::Activity{next_activity_, terms};
    co_return next_activity_;
  }
  base::Async<std::optional<domain::Activity>> FindActivity(uint64_t id) override {
    std::lock_guard lock(mu_);
    auto it = activities_.find(id);
    if (it == activities_.end()) co_return std::optional<domain::Activity>();
    co_return std::optional<domain::Activity>(it->second);
  }
  base::Async<std::vector<domain::LiveOrder>> LiveOrders(uint64_t activity_id) override {
    std::lock_guard lock(mu_);
    co_return live_orders[activity_id];
  }
  std::map<uint64_t, std::vector<domain::LiveOrder>> live_orders;  // what LiveOrders reports

  base::Async<std::vector<domain::Activity>> ListActivities(int limit) override {
    std::lock_guard lock(mu_);
    std::vector<domain::Activity> out;
    for (auto it = activities_.rbegin();
         it != activities_.rend() && static_cast<int>(out.size()) < limit; ++it) {
      out.push_back(it->second);
    }
    co_return out;
  }

 private:
  std::mutex mu_;
  uint64_t next_product_ = 0;
  uint64_t next_activity_ = 0;
  std::map<uint64_t, domain::Product> products_;
  std::map<uint64_t, domain::Activity> activities_;
};

}  // namespace seckill::product::testing
