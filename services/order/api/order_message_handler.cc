#include "services/order/api/order_message_handler.h"

#include "libs/base/backoff.h"
#include "libs/base/status.h"
#include "spdlog/spdlog.h"

namespace seckill::order::api {

OrderMessageHandler::Work OrderMessageHandler::OneAtATime(WorkOnOne work) {
  return
      [work = std::move(work)](
          std::vector<domain::Order> orders) -> boost::asio::awaitable<std::vector<absl::Status>> {
        std::vector<absl::Status> done;
        done.reserve(orders.size());
        for (domain::Order& o : orders) {
          auto worked = work(std::move(o));
          done.push_back(co_await std::move(worked));
        }
        co_return done;
      };
}

boost::asio::awaitable<std::vector<absl::Status>> OrderMessageHandler::WorkInChunks(
    std::vector<domain::Order> orders) const {
  if (orders.size() <= kMaxOrdersPerWork) {
    auto worked = work_(std::move(orders));
    co_return co_await std::move(worked);
  }
  std::vector<absl::Status> done;
  done.reserve(orders.size());
  for (size_t from = 0; from < orders.size(); from += kMaxOrdersPerWork) {
    const size_t to = std::min(orders.size(), from + kMaxOrdersPerWork);
    auto worked = work_(std::vector<domain::Order>(orders.begin() + from, orders.begin() + to));
    std::vector<absl::Status> part = co_await std::move(worked);
    part.resize(to - from, absl::InternalError("no result for it"));
    for (absl::Status& s : part) done.push_back(std::move(s));
  }
  co_return done;
}

boost::asio::awaitable<amqp::Disposition> OrderMessageHandler::operator()(
    amqp::Delivery delivery) const {
  std::vector<amqp::Delivery> one;
  one.push_back(std::move(delivery));
  auto handled = (*this)(std::move(one));
  co_return (co_await std::move(handled)).front();
}

boost::asio::awaitable<std::vector<amqp::Disposition>> OrderMessageHandler::operator()(
    std::vector<amqp::Delivery> deliveries) const {
  std::vector<amqp::Disposition> dispositions(deliveries.size(), amqp::Disposition::kAck);
  std::vector<domain::Order> orders;  // still to do
  std::vector<size_t> where;          // each one's delivery (a delivery may name several)
  for (size_t i = 0; i < deliveries.size(); ++i) {
    const amqp::Delivery& delivery = deliveries[i];
    auto named = decode_(delivery);
    if (!named.ok()) {
      spdlog::error("order queue: dead-lettering message {}: {}", delivery.message_id,
                    named.status().ToString());
      dispositions[i] = amqp::Disposition::kDeadLetter;
      continue;
    }
    if (named->invalid > 0) {
      spdlog::error(
          "order queue: message {} holds {} invalid order(s); dead-lettering it once its "
          "{} valid one(s) are done",
          delivery.message_id, named->invalid, named->orders.size());
      dispositions[i] = amqp::Disposition::kDeadLetter;
    }
    for (domain::Order& order : named->orders) {
      orders.push_back(std::move(order));
      where.push_back(i);
    }
  }

  base::Backoff backoff(std::chrono::milliseconds(50), max_backoff_);
  while (!orders.empty()) {
    auto worked = WorkInChunks(orders);
    const std::vector<absl::Status> done = co_await std::move(worked);
    std::vector<domain::Order> retry;
    std::vector<size_t> retry_where;
    absl::Status transient;
    for (size_t j = 0; j < orders.size(); ++j) {
      const absl::Status status =
          j < done.size() ? done[j] : absl::InternalError("no result for it");
      if (status.ok()) continue;
      if (!base::IsTransient(status)) {
        spdlog::error("order {}: cannot be processed ({}); dead-lettering it", orders[j].order_id,
                      status.ToString());
        dispositions[where[j]] = amqp::Disposition::kDeadLetter;
        continue;
      }
      transient = status;
      retry.push_back(orders[j]);
      retry_where.push_back(where[j]);
    }
    if (retry.empty()) break;
    const std::chrono::milliseconds delay = backoff.Next();
    spdlog::warn("{} order(s), first {}: processing failed ({}); retrying in {} ms", retry.size(),
                 retry.front().order_id, transient.ToString(), delay.count());
    auto pause = base::PauseUnlessStopping(delay, stopping_);
    const bool waited = co_await std::move(pause);
    if (!waited) {
      for (size_t i : retry_where) dispositions[i] = amqp::Disposition::kRequeue;
      co_return dispositions;
    }
    orders = std::move(retry);
    where = std::move(retry_where);
  }
  co_return dispositions;
}

}  // namespace seckill::order::api
