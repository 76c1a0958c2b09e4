#include "services/order/app/dead_letters.h"

#include <future>

#include "fmt/format.h"
#include "libs/base/await.h"
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

boost::asio::awaitable<absl::Status> DeadLetters::Receive(std::string message_id,
                                                         std::string body,
                                                         std::optional<domain::Order> order,
                                                         std::string reason, Letter kind) const {
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
    auto finding = base::Offload(blocking_, [this, id = order->order_id] {
      return repository_.Find(id);
    });
    absl::StatusOr<std::optional<domain::Order>> existing = co_await std::move(finding);
    if (!existing.ok()) co_return existing.status();
    const bool live =
        existing->has_value() && ((*existing)->status == domain::OrderStatus::kCreated ||
                                  (*existing)->status == domain::OrderStatus::kPaid);
    if (live && kind == Letter::kBatchMember) co_return absl::OkStatus();
    if (!live) {
      // Not an order (yet): its units go back, and the buyer sees it FAILED.
      auto returning = base::AwaitCallback<absl::StatusOr<domain::ReleaseOutcome>>(
          [this, activity = order->activity_id, id = order->order_id](auto done) {
            reservations_.Cancel(activity, id, std::move(done));
          });
      absl::StatusOr<domain::ReleaseOutcome> returned = co_await std::move(returning);
      if (!returned.ok()) co_return returned.status();
      domain::Order failed = *order;
      failed.status = domain::OrderStatus::kFailed;
      auto inserting = base::Offload(blocking_, [this, &failed] {
        return repository_.Insert(failed, clock_.NowMs());
      });
      absl::Status inserted = co_await std::move(inserting);
      if (!inserted.ok() && !absl::IsAlreadyExists(inserted)) co_return inserted;
      spdlog::warn("order {}: dead-lettered ({}); marked FAILED and its stock returned",
                   order->order_id, reason);
    }
  } else {
    spdlog::error("dead letter {}: not an order message ({}); kept for inspection", message_id,
                  reason);
  }
  auto recording = base::Offload(blocking_, [this, &letter] {
    return repository_.RecordDeadLetter(letter);
  });
  co_return co_await std::move(recording);
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
