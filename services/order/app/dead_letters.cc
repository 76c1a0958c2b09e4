#include "services/order/app/dead_letters.h"

#include <future>

#include "fmt/format.h"
#include "libs/base/status.h"
#include "spdlog/spdlog.h"

namespace seckill::order::app {

namespace {

// Waits for a callback-style ledger call (worker threads only).
template <class T, class Start>
absl::StatusOr<T> Await(Start start) {
  std::promise<absl::StatusOr<T>> promise;
  auto future = promise.get_future();
  start([&promise](absl::StatusOr<T> value) { promise.set_value(std::move(value)); });
  return future.get();
}

}  // namespace

absl::Status DeadLetters::Receive(const std::string& message_id, const std::string& body,
                                  const std::optional<domain::Order>& order,
                                  const std::string& reason, Letter kind) const {
  domain::DeadLetter letter;
  letter.message_id = message_id;
  letter.body = body.substr(0, kMaxKeptBodyBytes);
  letter.reason =
      body.size() > kMaxKeptBodyBytes
          ? fmt::format("body cut to {} of {} bytes; {}", kMaxKeptBodyBytes, body.size(), reason)
          : reason;
  letter.received_at_ms = clock_.NowMs();
  if (order) {
    letter.order_id = order->order_id;
    auto existing = repository_.Find(order->order_id);
    if (!existing.ok()) return existing.status();
    const bool live =
        existing->has_value() && ((*existing)->status == domain::OrderStatus::kCreated ||
                                  (*existing)->status == domain::OrderStatus::kPaid);
    if (live && kind == Letter::kBatchMember) return absl::OkStatus();
    if (!live) {
      // Not an order (yet): its units go back, and the buyer sees it FAILED.
      auto returned = Await<domain::ReleaseOutcome>([&](auto done) {
        reservations_.Cancel(order->activity_id, order->order_id, std::move(done));
      });
      if (!returned.ok()) return returned.status();
      domain::Order failed = *order;
      failed.status = domain::OrderStatus::kFailed;
      absl::Status inserted = repository_.Insert(failed, clock_.NowMs());
      if (!inserted.ok() && !absl::IsAlreadyExists(inserted)) return inserted;
      spdlog::warn("order {}: dead-lettered ({}); marked FAILED and its stock returned",
                   order->order_id, reason);
    }
  } else {
    spdlog::error("dead letter {}: not an order message ({}); kept for inspection", message_id,
                  reason);
  }
  return repository_.RecordDeadLetter(letter);
}

absl::StatusOr<std::vector<domain::DeadLetter>> DeadLetters::List(int limit) const {
  return repository_.ListDeadLetters(limit);
}

absl::StatusOr<ReplayOutcome> DeadLetters::Replay(uint64_t id) const {
  auto letter = repository_.FindDeadLetter(id);
  if (!letter.ok()) return letter.status();
  if (!letter->has_value()) return ReplayOutcome::kNotFound;
  const domain::DeadLetter& d = **letter;
  if (!d.order_id) return ReplayOutcome::kNotAnOrder;
  if (d.replayed_at_ms) return ReplayOutcome::kAlreadyReplayed;
  auto order = repository_.Find(*d.order_id);
  if (!order.ok()) return order.status();
  if (!order->has_value()) return ReplayOutcome::kNotFound;
  const domain::Order& o = **order;
  if (o.status == domain::OrderStatus::kCreated || o.status == domain::OrderStatus::kPaid) {
    if (absl::Status s = repository_.MarkDeadLetterReplayed(id, clock_.NowMs()); !s.ok()) return s;
    return ReplayOutcome::kAlreadyLive;
  }
  if (o.status != domain::OrderStatus::kFailed) return ReplayOutcome::kNotFound;
  auto revived = Await<domain::ReviveOutcome>(
      [&](auto done) { reservations_.Revive(o.activity_id, o.order_id, std::move(done)); });
  if (!revived.ok()) return revived.status();
  switch (*revived) {
    case domain::ReviveOutcome::kSoldOut:
      return ReplayOutcome::kSoldOut;
    case domain::ReviveOutcome::kPurchaseLimit:
      return ReplayOutcome::kPurchaseLimit;
    case domain::ReviveOutcome::kNotFound:
      return ReplayOutcome::kNotFound;
    case domain::ReviveOutcome::kRevived:
    case domain::ReviveOutcome::kNotReleased:  // an earlier replay took the units, then stopped
      break;
  }
  auto created = repository_.ReviveFailedOrder(o.order_id, clock_.NowMs());
  if (!created.ok()) return created.status();
  if (absl::Status s = repository_.MarkDeadLetterReplayed(id, clock_.NowMs()); !s.ok()) return s;
  return ReplayOutcome::kReplayed;
}

}  // namespace seckill::order::app
