#include "services/order/api/order_message_handler.h"

#include <thread>

#include "libs/base/counters.h"
#include "libs/base/status.h"
#include "spdlog/spdlog.h"

namespace seckill::order::api {

OrderMessageHandler::Work OrderMessageHandler::OneAtATime(WorkOnOne work) {
  return [work = std::move(work)](const std::vector<domain::Order>& orders) {
    std::vector<absl::Status> done;
    done.reserve(orders.size());
    for (const domain::Order& o : orders) done.push_back(work(o));
    return done;
  };
}

std::vector<absl::Status> OrderMessageHandler::WorkInChunks(
    const std::vector<domain::Order>& orders) const {
  if (orders.size() <= kMaxOrdersPerWork) return work_(orders);
  std::vector<absl::Status> done;
  done.reserve(orders.size());
  for (size_t from = 0; from < orders.size(); from += kMaxOrdersPerWork) {
    const size_t to = std::min(orders.size(), from + kMaxOrdersPerWork);
    std::vector<absl::Status> part =
        work_(std::vector<domain::Order>(orders.begin() + from, orders.begin() + to));
    part.resize(to - from, absl::InternalError("no result for it"));
    for (absl::Status& s : part) done.push_back(std::move(s));
  }
  return done;
}

std::vector<amqp::Disposition> OrderMessageHandler::operator()(
    const std::vector<amqp::Delivery>& deliveries) const {
  std::vector<amqp::Disposition> dispositions(deliveries.size(), amqp::Disposition::kAck);
  std::vector<domain::Order> orders;  // still to do
  std::vector<size_t> where;          // each one's delivery (a delivery may name several)
  for (size_t i = 0; i < deliveries.size(); ++i) {
    const amqp::Delivery& delivery = deliveries[i];
    if (delivery.redelivered) {
      static base::Counter& redeliveries = base::Counters::Process().Get(
          "seckill_order_redeliveries_total",
          "Messages the broker delivered again (a consumer died or gave them back before its ack)");
      redeliveries.Add();
    }
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

  std::chrono::milliseconds backoff(50);
  while (!orders.empty()) {
    const std::vector<absl::Status> done = WorkInChunks(orders);
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
    spdlog::warn("{} order(s), first {}: processing failed ({}); retrying in {} ms", retry.size(),
                 retry.front().order_id, transient.ToString(), backoff.count());
    for (auto waited = std::chrono::milliseconds(0); waited < backoff;
         waited += std::chrono::milliseconds(50)) {
      if (stopping_()) {
        for (size_t i : retry_where) dispositions[i] = amqp::Disposition::kRequeue;
        return dispositions;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    backoff = std::min(backoff * 2, max_backoff_);
    orders = std::move(retry);
    where = std::move(retry_where);
  }
  return dispositions;
}

}  // namespace seckill::order::api
