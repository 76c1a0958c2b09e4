#include "services/order/app/place_order.h"

#include "boost/asio/co_spawn.hpp"
#include "boost/asio/detached.hpp"
#include "boost/asio/this_coro.hpp"
#include "libs/base/await.h"
#include "libs/base/logging.h"
#include "libs/base/status.h"
#include "spdlog/spdlog.h"

namespace seckill::order::app {

void AcceptsInFlight::Begin(uint64_t order_id) {
  std::lock_guard lock(mu_);
  waiting_.try_emplace(order_id);
}

bool AcceptsInFlight::Join(uint64_t order_id, Answer& done) {
  std::lock_guard lock(mu_);
  auto it = waiting_.find(order_id);
  if (it == waiting_.end()) return false;
  it->second.push_back(std::move(done));
  return true;
}

void AcceptsInFlight::Finish(uint64_t order_id, const absl::StatusOr<PlaceOrderResult>& result) {
  std::vector<Answer> joined;
  {
    std::lock_guard lock(mu_);
    auto it = waiting_.find(order_id);
    if (it == waiting_.end()) return;
    joined = std::move(it->second);
    waiting_.erase(it);
  }
  for (auto& waiter : joined) waiter(result);
}

PlaceOrder::PlaceOrder(domain::StockReservations& reservations,
                       domain::OrderEventPublisher& publisher, domain::OrderIdGenerator& ids,
                       domain::QueuedOrders& queued, const base::Clock& clock,
                       base::Metrics& metrics)
    : reservations_(reservations),
      publisher_(publisher),
      ids_(ids),
      queued_(queued),
      clock_(clock),
      accepted_(metrics.Get("seckill_order_accepted_total",
                            "Orders this instance answered QUEUED (their publish confirmed)")),
      compensations_(metrics.Get(
          "seckill_order_compensations_total",
          "Orders whose publish failed or went unconfirmed, so their stock was released")),
      unconfirmed_(metrics.Get(
          "seckill_order_publish_unconfirmed_total",
          "Publishes of unknown outcome (no broker confirm): the message may still arrive")) {}

boost::asio::awaitable<absl::StatusOr<PlaceOrderResult>> PlaceOrder::operator()(
    PlaceOrderRequest request) const {
  std::vector<PlaceOrderRequest> one;
  one.push_back(std::move(request));
  auto placing = (*this)(std::move(one));
  Results placed = co_await std::move(placing);
  co_return std::move(placed.front());
}

boost::asio::awaitable<PlaceOrder::Results> PlaceOrder::operator()(
    std::vector<PlaceOrderRequest> requests) const {
  const size_t n = requests.size();
  std::vector<domain::Order> orders(n);
  // Every id first: an instance without a node id (its lease in etcd lapsed) places nothing.
  for (domain::Order& order : orders) {
    const std::optional<uint64_t> id = ids_.Next();
    if (!id) {
      co_return Results(n, absl::UnavailableError(
                               "this order instance holds no node id (its lease lapsed); retry"));
    }
    order.order_id = *id;
  }
  std::vector<domain::ReserveRequest> reserves(n);
  for (size_t i = 0; i < n; ++i) {
    const PlaceOrderRequest& request = requests[i];
    domain::Order& order = orders[i];
    order.activity_id = request.activity_id;
    order.user_id = request.user_id;
    order.quantity = request.quantity;
    order.status = domain::OrderStatus::kQueued;
    order.created_at_ms = clock_.NowMs();
    reserves[i] = {request.activity_id, request.user_id,         order.order_id,
                   request.quantity,    request.idempotency_key, request.traceparent};
    // Only an order with an Idempotency-Key can be asked for again, so only those are tracked:
    // in flight from before their reservation exists, so a duplicate that finds the reservation
    // always finds it here too, until this answer is known.
    if (!request.idempotency_key.empty()) in_flight_->Begin(order.order_id);
  }
  auto reserving = reservations_.Reserve(reserves);
  std::vector<absl::StatusOr<domain::Reservation>> reserved = co_await std::move(reserving);
  if (reserved.size() != n) {
    reserved.assign(n, absl::InternalError("the stock service answered a different batch"));
  }

  Results answers(n);  // each written below (a default StatusOr: nothing allocated)
  std::vector<boost::asio::awaitable<void>> settling;
  for (size_t i = 0; i < n; ++i) {
    const absl::StatusOr<domain::Reservation>& reservation = reserved[i];
    // A timed-out reservation may exist (Settle releases it); a duplicate waits for its first.
    if (absl::IsDeadlineExceeded(reservation.status()) ||
        (reservation.ok() &&
         (reservation->duplicate || reservation->refusal == common::v1::REFUSAL_UNSPECIFIED))) {
      settling.push_back(Settle(orders[i], requests[i], reservation, answers[i]));
      continue;
    }
    if (reservation.ok()) {
      answers[i] = PlaceOrderResult{reservation->refusal, 0};
    } else {
      answers[i] = reservation.status();
    }
    if (!requests[i].idempotency_key.empty()) in_flight_->Finish(orders[i].order_id, answers[i]);
  }
  if (!settling.empty()) {
    const boost::asio::any_io_executor executor = co_await boost::asio::this_coro::executor;
    auto all = base::AwaitAll(executor, std::move(settling));
    co_await std::move(all);
  }
  co_return answers;
}

boost::asio::awaitable<void> PlaceOrder::Settle(
    domain::Order& order, const PlaceOrderRequest& request,
    const absl::StatusOr<domain::Reservation>& reservation,
    absl::StatusOr<PlaceOrderResult>& answer) const {
  if (!reservation.ok()) {
    // Timed out: the reservation may exist, so it is released and no stock is stranded.
    auto compensating = Compensate(order);
    co_await std::move(compensating);
    answer = absl::UnavailableError("stock service timed out");
  } else if (reservation->duplicate) {
    auto first = AnswerOfFirst(reservation->order_id);
    answer = co_await std::move(first);
  } else {
    order.amount_cents = reservation->price_cents * order.quantity;
    auto publishing = Publish(order, request);
    answer = co_await std::move(publishing);
  }
  if (!request.idempotency_key.empty()) in_flight_->Finish(order.order_id, answer);
}

boost::asio::awaitable<absl::StatusOr<PlaceOrderResult>> PlaceOrder::Publish(
    domain::Order& order, const PlaceOrderRequest& request) const {
  auto queuing = queued_.Add(order);
  absl::Status status = co_await std::move(queuing);
  if (status.ok()) {
    auto publishing = publisher_.Publish(order, request.traceparent);
    status = co_await std::move(publishing);
    if (status.ok()) {
      const boost::asio::any_io_executor executor = co_await boost::asio::this_coro::executor;
      auto marking = MarkPublished(order.activity_id, order.order_id, request.traceparent);
      boost::asio::co_spawn(executor, std::move(marking), boost::asio::detached);
      accepted_.Add();
      co_return PlaceOrderResult{common::v1::REFUSAL_UNSPECIFIED, order.order_id};
    }
    base::LogEvent(spdlog::level::warn,
                   fmt::format("order {}: publish failed ({}); releasing its stock", order.order_id,
                               status.ToString()),
                   base::TraceFields(request.traceparent));
    if (absl::IsDeadlineExceeded(status)) unconfirmed_.Add();
  } else {
    base::LogEvent(spdlog::level::warn,
                   fmt::format("order {}: recording it as queued failed ({}); releasing its stock",
                               order.order_id, status.ToString()),
                   base::TraceFields(request.traceparent));
  }
  compensations_.Add();
  const std::vector<domain::Order> failed = {order};
  auto unqueuing = queued_.Remove(failed);
  if (absl::Status removed = co_await std::move(unqueuing); !removed.ok()) {
    // Left listed as queued until it expires; the buyer was told it failed.
    spdlog::warn("order {}: removing it from the queued orders failed: {}", order.order_id,
                 removed.ToString());
  }
  auto compensating = Compensate(order);
  co_await std::move(compensating);
  co_return absl::UnavailableError("the order could not be queued; its stock was returned");
}

boost::asio::awaitable<absl::StatusOr<PlaceOrderResult>> PlaceOrder::AnswerOfFirst(
    uint64_t first) const {
  auto joining = base::AwaitCallback<absl::StatusOr<PlaceOrderResult>>([this, first](auto done) {
    AcceptsInFlight::Answer answer = std::move(done);
    // Finished already (or started elsewhere): the first order is accepted.
    if (!in_flight_->Join(first, answer))
      answer(PlaceOrderResult{common::v1::REFUSAL_UNSPECIFIED, first});
  });
  co_return co_await std::move(joining);
}

boost::asio::awaitable<void> PlaceOrder::MarkPublished(uint64_t activity_id, uint64_t order_id,
                                                       std::string traceparent) const {
  auto marking = reservations_.MarkPublished(activity_id, order_id, std::move(traceparent));
  const absl::StatusOr<bool> marked = co_await std::move(marking);
  if (!marked.ok()) {
    spdlog::warn("order {}: marking its reservation published failed: {}", order_id,
                 marked.status().ToString());
  }
}

boost::asio::awaitable<void> PlaceOrder::Compensate(const domain::Order& order) const {
  auto releasing = reservations_.Release(order.activity_id, order.order_id);
  const absl::StatusOr<domain::ReleaseOutcome> released = co_await std::move(releasing);
  if (!released.ok()) {
    // Left RESERVED; the reservation sweeper returns it later.
    spdlog::error("order {}: releasing its reservation failed: {}", order.order_id,
                  released.status().ToString());
  }
}

}  // namespace seckill::order::app
