#pragma once

#include <optional>
#include <string>
#include <vector>

#include "boost/asio/awaitable.hpp"
#include "libs/base/clock.h"
#include "services/order/domain/order_repository.h"
#include "services/order/domain/stock_reservations.h"

namespace seckill::order::app {

enum class ReplayOutcome {
  kReplayed,         // the order holds its units again and is CREATED
  kAlreadyReplayed,  // nothing changed
  kAlreadyLive,      // the order was recorded after all; nothing to replay
  kNotAnOrder,       // the body never was an order (poison); it cannot be replayed
  kRefused,          // its units were sold meanwhile, or the buyer holds their limit by now
                     // (the refusal says which); the order stays FAILED
  kNotFound,
};

struct ReplayResult {
  ReplayOutcome outcome = ReplayOutcome::kNotFound;
  domain::Refusal refusal = common::v1::REFUSAL_UNSPECIFIED;  // why, for kRefused
};

// The dead-letter queue's consumer and the operator's replay. A dead letter is kept; when it
// carries an order that was not recorded, that order becomes FAILED and its units go back to the
// stock (idempotently). Replay, once the cause is fixed, takes the units again and makes the
// order CREATED, exactly once.
class DeadLetters {
 public:
  DeadLetters(domain::OrderRepository& repository, domain::StockReservations& reservations,
              const base::Clock& clock)
      : repository_(repository), reservations_(reservations), clock_(clock) {}

  // Longer bodies are kept cut to this size (sql/migrations/004), so any letter can be kept.
  static constexpr size_t kMaxKeptBodyBytes = 1 << 20;

  // What a letter is: a whole dead-lettered message, or one order of a dead-lettered message of
  // many (dead-lettered for the sake of another order in it: a member that was recorded is no
  // dead letter, and nothing is kept for it).
  enum class Letter { kWhole, kBatchMember };

  // `order`: the decoded body, or nullopt for poison. Transient errors: retry.
  boost::asio::awaitable<absl::Status> Receive(std::string message_id, std::string body,
                                               std::optional<domain::Order> order,
                                               std::string reason,
                                               Letter kind = Letter::kWhole) const;
  base::Async<std::vector<domain::DeadLetter>> List(int limit) const;
  boost::asio::awaitable<absl::StatusOr<ReplayResult>> Replay(uint64_t dead_letter_id) const;

 private:
  domain::OrderRepository& repository_;
  domain::StockReservations& reservations_;
  const base::Clock& clock_;
};

}  // namespace seckill::order::app
