#include "services/order/api/order_message_handler.h"

#include "libs/base/backoff.h"
#include "libs/base/status.h"
#include "libs/base/trace_context.h"
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
  std::vector<tracing::Span> spans;   // each order's, when traced
  std::vector<size_t> span_of;        // each order's span in `spans`
  std::vector<size_t> delivery_of;    // each span's delivery
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
    for (size_t k = 0; k < named->orders.size(); ++k) {
      if (tracer_ != nullptr) {
        const std::string_view parent =
            k < named->traceparents.size() ? std::string_view(named->traceparents[k]) : "";
        tracing::Span& span = spans.emplace_back(
            tracer_->StartSpan(names_->process, tracing::SpanKind::kConsumer, parent));
        if (const auto producer = base::TraceContext::FromTraceparent(parent)) {
          span.AddLink(*producer);
        }
        span.Set("messaging.system", "rabbitmq")
            .Set("messaging.operation.type", "process")
            .SetBorrowed("messaging.destination.name", names_->queue)
            .Set("messaging.message.id", delivery.message_id)
            .Set("seckill.order_id", static_cast<int64_t>(named->orders[k].order_id))
            .Set("seckill.redelivered", delivery.redelivered);
        span_of.push_back(spans.size() - 1);
        delivery_of.push_back(i);
        named->orders[k].traceparent = span.Traceparent();
      }
      orders.push_back(std::move(named->orders[k]));
      where.push_back(i);
    }
  }
  // The order's span says how its delivery is settled (the ack itself follows the batch).
  auto settle = [&spans, &span_of](size_t j, const char* disposition, const absl::Status& why) {
    if (j >= span_of.size()) return;
    tracing::Span& span = spans[span_of[j]];
    span.Set("seckill.disposition", disposition);
    if (!why.ok()) span.SetError(std::string(why.message()));
  };

  base::Backoff backoff(std::chrono::milliseconds(50), max_backoff_);
  while (!orders.empty()) {
    auto worked = WorkInChunks(orders);
    const std::vector<absl::Status> done = co_await std::move(worked);
    std::vector<domain::Order> retry;
    std::vector<size_t> retry_where;
    std::vector<size_t> retry_span_of;
    absl::Status transient;
    for (size_t j = 0; j < orders.size(); ++j) {
      const absl::Status status =
          j < done.size() ? done[j] : absl::InternalError("no result for it");
      if (status.ok()) {
        settle(j, "ack", status);
        continue;
      }
      if (!base::IsTransient(status)) {
        spdlog::error("order {}: cannot be processed ({}); dead-lettering it", orders[j].order_id,
                      status.ToString());
        dispositions[where[j]] = amqp::Disposition::kDeadLetter;
        settle(j, "dead_letter", status);
        continue;
      }
      transient = status;
      retry.push_back(orders[j]);
      retry_where.push_back(where[j]);
      if (j < span_of.size()) {
        spans[span_of[j]].AddEvent("retry: " + std::string(status.message()));
        retry_span_of.push_back(span_of[j]);
      }
    }
    if (retry.empty()) break;
    const std::chrono::milliseconds delay = backoff.Next();
    spdlog::warn("{} order(s), first {}: processing failed ({}); retrying in {} ms", retry.size(),
                 retry.front().order_id, transient.ToString(), delay.count());
    auto pause = base::PauseUnlessStopping(delay, stopping_);
    const bool waited = co_await std::move(pause);
    orders = std::move(retry);
    where = std::move(retry_where);
    span_of = std::move(retry_span_of);
    if (!waited) {
      for (size_t i : where) dispositions[i] = amqp::Disposition::kRequeue;
      for (size_t j = 0; j < orders.size(); ++j) settle(j, "requeue", absl::OkStatus());
      EndAtSettlement(deliveries, dispositions, spans, delivery_of);
      co_return dispositions;
    }
  }
  EndAtSettlement(deliveries, dispositions, spans, delivery_of);
  co_return dispositions;
}

void OrderMessageHandler::EndAtSettlement(std::vector<amqp::Delivery>& deliveries,
                                          const std::vector<amqp::Disposition>& dispositions,
                                          std::vector<tracing::Span>& spans,
                                          const std::vector<size_t>& delivery_of) const {
  if (spans.empty()) return;
  struct Settling {
    std::shared_ptr<const SpanNames> names;  // the spans' borrowed text
    std::vector<tracing::Span> settlements;  // ended first, failed if not sent
    std::vector<tracing::Span> processing;
  };
  std::vector<std::shared_ptr<Settling>> of_delivery(deliveries.size());
  for (size_t k = 0; k < spans.size(); ++k) {
    const size_t i = delivery_of[k];
    std::shared_ptr<Settling>& settling = of_delivery[i];
    if (!settling) settling = std::make_shared<Settling>(Settling{.names = names_});
    const bool ack = dispositions[i] == amqp::Disposition::kAck;
    const bool nack = dispositions[i] == amqp::Disposition::kRequeue;
    const char* operation = ack ? "ack" : nack ? "nack" : "reject";
    const std::string& name = ack ? names_->ack : nack ? names_->nack : names_->reject;
    settling->settlements
        .emplace_back(tracer_->StartSpan(name, tracing::SpanKind::kClient, spans[k].context()))
        .Set("messaging.system", "rabbitmq")
        .Set("messaging.operation.type", "settle")
        .Set("messaging.operation.name", operation)
        .SetBorrowed("messaging.destination.name", names_->queue);
    settling->processing.push_back(std::move(spans[k]));
  }
  for (size_t i = 0; i < deliveries.size(); ++i) {
    if (!of_delivery[i]) continue;
    // Should the hook never run (the connection lost first), the spans end when it is dropped.
    *deliveries[i].on_settled = [settling = of_delivery[i]](amqp::Disposition,
                                                            const absl::Status& sent) {
      for (tracing::Span& span : settling->settlements) {
        span.Set("seckill.sent", sent.ok());  // written to the broker (false: it failed)
        if (!sent.ok()) span.SetError(std::string(sent.message()));
      }
      settling->settlements.clear();
      settling->processing.clear();
    };
  }
}

}  // namespace seckill::order::api
