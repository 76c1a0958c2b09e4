#pragma once

#include <chrono>
#include <memory>

#include "boost/asio/any_io_executor.hpp"
#include "libs/base/coalescer.h"
#include "libs/rpc/service_channel.h"
#include "libs/tracing/tracer.h"
#include "seckill/product/v1/product.grpc.pb.h"
#include "services/order/domain/stock_reservations.h"

namespace seckill::order::adapters {

struct StockCallTimeouts {
  std::chrono::milliseconds reserve{1000};
  // Compensation runs under its own deadline, independent of the buyer's request.
  std::chrono::milliseconds release{3000};
  std::chrono::milliseconds confirm{3000};
  // The published mark is retried (waiting for the product service to come back) for this long:
  // an unmarked reservation is the stale sweep's after stock.reservation_ttl_s (120 s), and a
  // swept one turns its accepted order FAILED.
  std::chrono::milliseconds mark_published_budget{60000};
};

// StockReservations through the product service's gRPC API (callback stubs, awaited through
// base::AwaitCallback; no thread waits).
// Reservations (and published marks) made at the same time share calls: while kBatchesInFlight
// ReserveStocks calls are out, new ones wait and leave together in the next (base::Coalescer),
// so a sale's burst costs one RPC per batch rather than per order, and an idle service adds no
// delay. One call at a time: a reservation is one Redis Function call, so a new one waits at
// most that call's round trip (about a millisecond under load), and the batches are as large
// as the arrivals during it. Every call costs gRPC's and mutual TLS's per-call work once at each
// end: alternated with four calls out, the stock path (make bench P1) answered 10% more with one
// in plain text and 16% more in mutual TLS (medians of three rounds, docs/performance.md).
class GrpcStockReservations final : public domain::StockReservations {
 public:
  static constexpr size_t kBatchesInFlight = 1;
  static constexpr size_t kMaxBatch = 256;
  using Marks =
      base::Coalescer<product::v1::ReservationRef, product::v1::MarkReservationPublishedResult>;

  // `timers` paces the published mark's retries: an io_context's executor, running while the
  // service runs. Each reservation asked for is a client span of its order's trace (`tracer`).
  GrpcStockReservations(std::shared_ptr<const rpc::ServiceChannel> channel,
                        StockCallTimeouts timeouts, boost::asio::any_io_executor timers,
                        tracing::Tracer& tracer);

  base::AsyncEach<domain::Reservation> Reserve(
      const std::vector<domain::ReserveRequest>& requests) override;
  base::Async<domain::ReleaseOutcome> Release(uint64_t activity_id, uint64_t order_id) override;
  base::Async<std::vector<domain::ConfirmOutcome>> Confirm(
      std::vector<domain::ReservationClaim> reservations) override;
  base::Async<bool> MarkPublished(uint64_t activity_id, uint64_t order_id,
                                  std::string traceparent) override;
  base::Async<domain::ReleaseOutcome> Cancel(uint64_t activity_id, uint64_t order_id) override;
  base::Async<domain::ReviveResult> Revive(uint64_t activity_id, uint64_t order_id) override;
  base::Async<domain::LedgerSnapshot> Snapshot(uint64_t activity_id) override;
  base::Async<domain::AdjustOutcome> Adjust(uint64_t activity_id, int64_t expected_remaining,
                                            int64_t delta) override;

 private:
  // The product service's instances, followed (service discovery).
  std::shared_ptr<rpc::Stubs<product::v1::ProductService>> stubs_;
  StockCallTimeouts timeouts_;
  boost::asio::any_io_executor timers_;
  tracing::Tracer& tracer_;
  using Reserves =
      base::Coalescer<product::v1::ReserveStockRequest, product::v1::ReserveStockResult>;
  std::shared_ptr<Reserves> reserves_;
  std::shared_ptr<Marks> marks_;
};

}  // namespace seckill::order::adapters
