#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "boost/asio/awaitable.hpp"
#include "libs/base/clock.h"
#include "services/product/domain/catalog.h"
#include "services/product/domain/stock_ledger.h"

namespace seckill::product::app {

// Keeps an activity from selling on stock data Redis has lost, and restores it from the database
// of record. An activity is gated when Redis restarted (its run_id changed: every activity) or
// when its ledger is missing although the catalog knows it (a flush). A gated activity answers
// UNAVAILABLE; after `grace_ms` (time for in-flight orders to resolve) it is re-seeded from its
// live orders and opens again. Orders still in flight then become FAILED (their reservation is
// gone), which keeps the books exact. Thread-safe.
class StockRecovery {
 public:
  StockRecovery(domain::Catalog& catalog, domain::StockLedger& ledger, const base::Clock& clock,
                int64_t grace_ms)
      : catalog_(catalog), ledger_(ledger), clock_(clock), grace_ms_(grace_ms) {}

  void Known(uint64_t activity_id);
  // Every activity of the catalog is known (awaited at start-up). A catalog that cannot be
  // read is logged and leaves them unknown until they are next created or read.
  boost::asio::awaitable<void> KnowCatalog();
  bool IsKnown(uint64_t activity_id) const;
  void Gate(uint64_t activity_id);
  void GateAll();
  bool IsGated(uint64_t activity_id) const;
  // Re-seeds every activity gated for at least the grace; returns how many it restored.
  boost::asio::awaitable<int> ReseedDue();
  // The periodic check (every second, one at a time): gates every activity when the ledger's
  // store is another instance than at the last check (it restarted: whatever it kept, it may
  // have lost the last writes), then re-seeds what is due.
  boost::asio::awaitable<void> Check();

 private:
  domain::Catalog& catalog_;
  domain::StockLedger& ledger_;
  const base::Clock& clock_;
  const int64_t grace_ms_;
  std::string last_instance_;  // Check's own (checks do not overlap)
  mutable std::mutex mu_;
  std::set<uint64_t> known_;
  std::map<uint64_t, int64_t> gated_since_ms_;
};

}  // namespace seckill::product::app
