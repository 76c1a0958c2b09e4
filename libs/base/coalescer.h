#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/status/statusor.h"

namespace seckill::base {

// Turns many concurrent calls into few batch calls. A call goes out at once while fewer than
// `max_in_flight` batches are outstanding; otherwise it waits, and when a batch completes,
// everything waiting (up to `max_batch`) goes out together as the next one. So an idle caller
// pays no delay (a batch of one, sent at once) and a busy one sends one call for many, without
// a timer. Each call's `done` gets its own result, or the batch's error. A call may wait for a
// slot, so `send` is told when the oldest call of the batch was submitted: a batch's deadline
// counted from then keeps every call within its own deadline however long it waited. Thread-safe;
// `send`'s callback may run on any thread, exactly once. Held by shared_ptr: batches in flight
// keep it.
template <class Item, class Result>
class Coalescer : public std::enable_shared_from_this<Coalescer<Item, Result>> {
 public:
  using Done = std::function<void(absl::StatusOr<Result>)>;
  using BatchDone = std::function<void(absl::StatusOr<std::vector<Result>>)>;
  using Clock = std::chrono::steady_clock;
  // Sends one batch; must call its callback with one result per item, in the items' order.
  using Send = std::function<void(std::vector<Item>, Clock::time_point oldest, BatchDone)>;

  static std::shared_ptr<Coalescer> Create(Send send, size_t max_in_flight, size_t max_batch) {
    return std::shared_ptr<Coalescer>(new Coalescer(std::move(send), max_in_flight, max_batch));
  }

  void Submit(Item item, Done done) {
    std::unique_lock lock(mu_);
    waiting_.push_back({std::move(item), std::move(done), Clock::now()});
    if (in_flight_ < max_in_flight_) SendWaiting(lock);
  }

  // Many calls at once (they leave together, up to max_batch a call); `done` gets each one's
  // result, in the items' order, when the last is known.
  using EachDone = std::function<void(std::vector<absl::StatusOr<Result>>)>;
  void SubmitAll(std::vector<Item> items, EachDone done) {
    if (items.empty()) return done({});
    struct Join {
      std::mutex mu;
      std::vector<absl::StatusOr<Result>> results;
      size_t left;
      EachDone done;
    };
    auto join = std::make_shared<Join>();
    join->results.resize(items.size());  // each written by its own call
    join->left = items.size();
    join->done = std::move(done);
    std::unique_lock lock(mu_);
    const Clock::time_point now = Clock::now();
    for (size_t i = 0; i < items.size(); ++i) {
      waiting_.push_back({std::move(items[i]),
                          [join, i](absl::StatusOr<Result> result) {
                            std::unique_lock join_lock(join->mu);
                            join->results[i] = std::move(result);
                            if (--join->left != 0) return;
                            join_lock.unlock();
                            join->done(std::move(join->results));
                          },
                          now});
    }
    while (in_flight_ < max_in_flight_ && !waiting_.empty()) {
      SendWaiting(lock);
      lock.lock();
    }
  }

 private:
  struct Call {
    Item item;
    Done done;
    Clock::time_point submitted;
  };

  Coalescer(Send send, size_t max_in_flight, size_t max_batch)
      : send_(std::move(send)), max_in_flight_(max_in_flight), max_batch_(max_batch) {}

  // With `lock` held and a batch slot free: sends what is waiting, and releases the lock.
  void SendWaiting(std::unique_lock<std::mutex>& lock) {
    std::vector<Item> items;
    auto dones = std::make_shared<std::vector<Done>>();
    const Clock::time_point oldest = waiting_.front().submitted;
    while (!waiting_.empty() && items.size() < max_batch_) {
      items.push_back(std::move(waiting_.front().item));
      dones->push_back(std::move(waiting_.front().done));
      waiting_.pop_front();
    }
    ++in_flight_;
    lock.unlock();
    send_(std::move(items), oldest,
          [self = this->shared_from_this(), dones](absl::StatusOr<std::vector<Result>> results) {
            if (results.ok() && results->size() != dones->size()) {
              results = absl::InternalError("batch call: one result per item expected");
            }
            for (size_t i = 0; i < dones->size(); ++i) {
              if (results.ok()) {
                (*dones)[i](std::move((*results)[i]));
              } else {
                (*dones)[i](results.status());
              }
            }
            std::unique_lock relock(self->mu_);
            --self->in_flight_;
            if (!self->waiting_.empty()) self->SendWaiting(relock);
          });
  }

  Send send_;
  const size_t max_in_flight_;
  const size_t max_batch_;
  std::mutex mu_;
  std::deque<Call> waiting_;
  size_t in_flight_ = 0;
};

}  // namespace seckill::base
