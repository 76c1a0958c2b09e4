#include "services/order/app/dead_letters.h"

#include "fmt/format.h"
#include "libs/base/await.h"
#include "libs/base/status.h"
#include "spdlog/spdlog.h"

namespace seckill::order::app {

boost::asio::awaitable<absl::Status> DeadLetters::Receive(std::string message_id, std::string body,
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
    auto finding = repository_.Find(order->order_id);
    absl::StatusOr<std::optional<domain::Order>> existing = co_await std::move(finding);
    if (!existing.ok()) co_return existing.status();
    const bool live =
        existing->has_value() && ((*existing)->status == domain::OrderStatus::kCreated ||
                                  (*existing)->status == domain::OrderStatus::kPaid);
    if (live && kind == Letter::kBatchMember) co_return absl::OkStatus();
    if (!live) {
      // Its claim is checked against its reservation first (confirming it, when it matches, on
      // the way to releasing it): a letter that is not its reservation's (forged) moves no stock
      // and fails no order; it is kept naming none.
      auto checking = reservations_.Confirm({{order->activity_id, order->order_id, order->user_id,
                                              order->quantity, order->amount_cents}});
      absl::StatusOr<std::vector<domain::ConfirmOutcome>> checked = co_await std::move(checking);
      if (!checked.ok()) co_return checked.status();
      if (!checked->empty() && checked->front() == domain::ConfirmOutcome::kMismatch) {
        spdlog::error("dead letter {}: order {} disagrees with its reservation; kept, nothing done",
                      message_id, order->order_id);
        letter.order_id.reset();
        letter.reason = "forged: the message's buyer, quantity or amount is not its reservation's";
        auto recording = repository_.RecordDeadLetter(letter);
        co_return co_await std::move(recording);
      }
      // Not an order (yet): its units go back, and the buyer sees it FAILED.
      auto returning = reservations_.Cancel(order->activity_id, order->order_id);
      absl::StatusOr<domain::ReleaseOutcome> returned = co_await std::move(returning);
      if (!returned.ok()) co_return returned.status();
      domain::Order failed = *order;
      failed.status = domain::OrderStatus::kFailed;
      auto inserting = repository_.Insert(failed, clock_.NowMs());
      absl::Status inserted = co_await std::move(inserting);
      if (!inserted.ok() && !absl::IsAlreadyExists(inserted)) co_return inserted;
      spdlog::warn("order {}: dead-lettered ({}); marked FAILED and its stock returned",
                   order->order_id, reason);
    }
  } else {
    spdlog::error("dead letter {}: not an order message ({}); kept for inspection", message_id,
                  reason);
  }
  auto recording = repository_.RecordDeadLetter(letter);
  co_return co_await std::move(recording);
}

base::Async<std::vector<domain::DeadLetter>> DeadLetters::List(int limit) const {
  return repository_.ListDeadLetters(limit);
}

boost::asio::awaitable<absl::StatusOr<ReplayResult>> DeadLetters::Replay(uint64_t id) const {
  auto reading = repository_.FindDeadLetter(id);
  auto letter = co_await std::move(reading);
  if (!letter.ok()) co_return letter.status();
  if (!letter->has_value()) co_return ReplayResult{ReplayOutcome::kNotFound};
  const domain::DeadLetter& d = **letter;
  if (!d.order_id) co_return ReplayResult{ReplayOutcome::kNotAnOrder};
  if (d.replayed_at_ms) co_return ReplayResult{ReplayOutcome::kAlreadyReplayed};
  auto finding = repository_.Find(*d.order_id);
  auto order = co_await std::move(finding);
  if (!order.ok()) co_return order.status();
  if (!order->has_value()) co_return ReplayResult{ReplayOutcome::kNotFound};
  const domain::Order& o = **order;
  auto mark_replayed = [this, id] {
    return repository_.MarkDeadLetterReplayed(id, clock_.NowMs());
  };
  if (o.status == domain::OrderStatus::kCreated || o.status == domain::OrderStatus::kPaid) {
    auto marking = mark_replayed();
    if (absl::Status s = co_await std::move(marking); !s.ok()) co_return s;
    co_return ReplayResult{ReplayOutcome::kAlreadyLive};
  }
  if (o.status != domain::OrderStatus::kFailed) co_return ReplayResult{ReplayOutcome::kNotFound};
  auto reviving = reservations_.Revive(o.activity_id, o.order_id);
  absl::StatusOr<domain::ReviveResult> revived = co_await std::move(reviving);
  if (!revived.ok()) co_return revived.status();
  switch (revived->outcome) {
    case domain::ReviveOutcome::kRefused:
      co_return ReplayResult{ReplayOutcome::kRefused, revived->refusal};
    case domain::ReviveOutcome::kNotFound:
      co_return ReplayResult{ReplayOutcome::kNotFound};
    case domain::ReviveOutcome::kRevived:
    case domain::ReviveOutcome::kNotReleased:  // an earlier replay took the units, then stopped
      break;
  }
  auto creating = repository_.ReviveFailedOrder(o.order_id, clock_.NowMs());
  auto created = co_await std::move(creating);
  if (!created.ok()) co_return created.status();
  auto marking = mark_replayed();
  if (absl::Status s = co_await std::move(marking); !s.ok()) co_return s;
  co_return ReplayResult{ReplayOutcome::kReplayed};
}

}  // namespace seckill::order::app
