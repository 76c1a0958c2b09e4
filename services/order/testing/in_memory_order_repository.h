#pragma once

#include <algorithm>
#include <deque>
#include <functional>
#include <mutex>
#include <set>

#include "services/order/domain/order_repository.h"

namespace seckill::order::testing {

// An OrderRepository in memory with the MariaDB adapter's semantics; `insert_errors` are
// returned by the next Insert calls first (to simulate an unreachable database), and an insert
// holding an order id in `refused` fails as a row the table refuses would (a poison order).
class InMemoryOrderRepository final : public domain::OrderRepository {
 public:
  base::AsyncStatus Insert(const domain::Order& order, int64_t /*now_ms*/) override {
    co_return InsertRows({order});
  }
  base::AsyncStatus InsertAll(const std::vector<domain::Order>& orders, int64_t) override {
    co_return InsertRows(orders);
  }
  base::Async<std::optional<domain::Order>> Find(uint64_t id) override {
    std::lock_guard lock(mu_);
    auto it = orders_.find(id);
    if (it == orders_.end()) co_return std::optional<domain::Order>();
    co_return std::optional<domain::Order>(it->second);
  }
  base::Async<std::vector<domain::Order>> ListByUser(uint64_t user_id, int limit) override {
    std::lock_guard lock(mu_);
    std::vector<domain::Order> out;
    for (const auto& [id, o] : orders_) {
      if (o.user_id == user_id) out.push_back(o);
    }
    std::sort(out.begin(), out.end(),
              [](auto& a, auto& b) { return a.created_at_ms > b.created_at_ms; });
    if (static_cast<int>(out.size()) > limit) out.resize(static_cast<size_t>(limit));
    co_return out;
  }
  base::Async<domain::PayOutcome> MarkPaid(uint64_t id, uint64_t user_id, int64_t) override {
    std::lock_guard lock(mu_);
    auto it = orders_.find(id);
    if (it == orders_.end() || it->second.user_id != user_id)
      co_return domain::PayOutcome::kNotFound;
    if (it->second.status == domain::OrderStatus::kPaid) co_return domain::PayOutcome::kAlreadyPaid;
    if (it->second.status != domain::OrderStatus::kCreated)
      co_return domain::PayOutcome::kNotPayable;
    it->second.status = domain::OrderStatus::kPaid;
    co_return domain::PayOutcome::kPaid;
  }
  base::Async<std::map<domain::OrderStatus, int64_t>> CountByStatus(uint64_t activity_id) override {
    std::map<domain::OrderStatus, int64_t> counts;
    {
      std::lock_guard lock(mu_);
      for (const auto& [id, o] : orders_) {
        if (o.activity_id == activity_id) ++counts[o.status];
      }
    }
    if (after_count) after_count();
    co_return counts;
  }
  // Runs after CountByStatus has counted and before it answers: what a commit in that window
  // does to the caller.
  std::function<void()> after_count;

  base::Async<domain::CancelOutcome> MarkCancelled(uint64_t id, std::optional<uint64_t> user_id,
                                                   int64_t) override {
    std::lock_guard lock(mu_);
    auto it = orders_.find(id);
    if (it == orders_.end() || (user_id && it->second.user_id != *user_id))
      co_return domain::CancelOutcome::kNotFound;
    if (it->second.status == domain::OrderStatus::kCancelled)
      co_return domain::CancelOutcome::kAlreadyCancelled;
    if (it->second.status != domain::OrderStatus::kCreated)
      co_return domain::CancelOutcome::kNotCancellable;
    it->second.status = domain::OrderStatus::kCancelled;
    co_return domain::CancelOutcome::kCancelled;
  }
  base::AsyncStatus MarkStockReturned(uint64_t id) override {
    std::lock_guard lock(mu_);
    returned_.insert(id);
    co_return absl::OkStatus();
  }
  base::Async<std::vector<domain::Order>> ListUnpaidBefore(int64_t before, int limit) override {
    std::lock_guard lock(mu_);
    std::vector<domain::Order> out;
    for (const auto& [id, o] : orders_) {
      if (o.status == domain::OrderStatus::kCreated && o.created_at_ms < before) out.push_back(o);
    }
    std::sort(out.begin(), out.end(),
              [](auto& a, auto& b) { return a.created_at_ms < b.created_at_ms; });
    if (static_cast<int>(out.size()) > limit) out.resize(static_cast<size_t>(limit));
    co_return out;
  }
  base::Async<std::vector<domain::Order>> ListCancelledAwaitingStock(int limit) override {
    std::lock_guard lock(mu_);
    std::vector<domain::Order> out;
    for (const auto& [id, o] : orders_) {
      if (o.status == domain::OrderStatus::kCancelled && !returned_.contains(id)) out.push_back(o);
    }
    if (static_cast<int>(out.size()) > limit) out.resize(static_cast<size_t>(limit));
    co_return out;
  }

  base::Async<domain::SoldUnits> UnitsOf(uint64_t activity_id) override {
    std::lock_guard lock(mu_);
    domain::SoldUnits units;
    for (const auto& [id, o] : orders_) {
      if (o.activity_id != activity_id) continue;
      if (o.status == domain::OrderStatus::kCreated || o.status == domain::OrderStatus::kPaid)
        units.live += o.quantity;
      if (o.status == domain::OrderStatus::kCancelled && !returned_.contains(id))
        units.owed += o.quantity;
    }
    co_return units;
  }
  base::Async<std::vector<uint64_t>> ActivitiesWithOrdersSince(int64_t since_ms) override {
    std::lock_guard lock(mu_);
    std::set<uint64_t> ids;
    for (const auto& [id, o] : orders_) {
      if (o.created_at_ms >= since_ms) ids.insert(o.activity_id);
    }
    co_return std::vector<uint64_t>(ids.begin(), ids.end());
  }

  base::AsyncStatus RecordDeadLetter(const domain::DeadLetter& letter) override {
    std::lock_guard lock(mu_);
    for (const auto& d : dead_letters_) {
      if (!letter.message_id.empty() && d.message_id == letter.message_id)
        co_return absl::OkStatus();
    }
    dead_letters_.push_back(letter);
    dead_letters_.back().id = dead_letters_.size();
    co_return absl::OkStatus();
  }
  base::Async<std::vector<domain::DeadLetter>> ListDeadLetters(int limit) override {
    std::lock_guard lock(mu_);
    std::vector<domain::DeadLetter> out(dead_letters_.rbegin(), dead_letters_.rend());
    if (static_cast<int>(out.size()) > limit) out.resize(static_cast<size_t>(limit));
    co_return out;
  }
  base::Async<std::optional<domain::DeadLetter>> FindDeadLetter(uint64_t id) override {
    std::lock_guard lock(mu_);
    if (id == 0 || id > dead_letters_.size()) co_return std::optional<domain::DeadLetter>();
    co_return std::optional<domain::DeadLetter>(dead_letters_[id - 1]);
  }
  base::AsyncStatus MarkDeadLetterReplayed(uint64_t id, int64_t now_ms) override {
    std::lock_guard lock(mu_);
    if (id > 0 && id <= dead_letters_.size()) dead_letters_[id - 1].replayed_at_ms = now_ms;
    co_return absl::OkStatus();
  }
  base::Async<bool> ReviveFailedOrder(uint64_t id, int64_t) override {
    std::lock_guard lock(mu_);
    auto it = orders_.find(id);
    if (it == orders_.end() || it->second.status != domain::OrderStatus::kFailed) co_return false;
    it->second.status = domain::OrderStatus::kCreated;
    returned_.erase(id);
    co_return true;
  }

  std::deque<absl::Status> insert_errors;
  std::set<uint64_t> refused;

 private:
  absl::Status InsertRows(const std::vector<domain::Order>& orders) {
    std::lock_guard lock(mu_);
    if (!insert_errors.empty()) {
      absl::Status error = insert_errors.front();
      insert_errors.pop_front();
      return error;
    }
    std::set<uint64_t> ids;
    for (const domain::Order& order : orders) {
      if (!ids.insert(order.order_id).second) return absl::AlreadyExistsError("duplicate order id");
      if (order.quantity <= 0) return absl::InternalError("CONSTRAINT ck_orders_quantity failed");
      if (refused.contains(order.order_id)) return absl::InternalError("row refused by the test");
      if (orders_.contains(order.order_id)) return absl::AlreadyExistsError("duplicate order id");
    }
    for (const domain::Order& order : orders) {
      orders_[order.order_id] = order;
      if (order.status == domain::OrderStatus::kFailed) returned_.insert(order.order_id);
    }
    return absl::OkStatus();
  }

  std::vector<domain::DeadLetter> dead_letters_;
  std::mutex mu_;
  std::map<uint64_t, domain::Order> orders_;
  std::set<uint64_t> returned_;
};

}  // namespace seckill::order::testing
