#pragma once

#include <cstdint>

#include "libs/base/clock.h"
#include "services/order/app/cancel_order.h"
#include "services/order/app/dead_letters.h"
#include "services/order/app/manage_orders.h"
#include "services/order/app/place_order.h"
#include "services/order/app/reconcile_stock.h"
#include "services/order/app/record_order.h"
#include "services/order/app/sweep_orders.h"

namespace seckill::order::app {

// The ports the order service's use cases run on.
struct OrderPorts {
  domain::StockReservations& reservations;
  domain::OrderEventPublisher& events;
  domain::OrderRepository& repository;
  domain::PaymentDeadlines& deadlines;
  domain::OrderIdGenerator& ids;
  domain::QueuedOrders& queued;
};

// How long the use cases wait before acting on an order's behalf.
struct OrderTimeouts {
  int64_t payment_ms = 0;        // an unpaid order is cancelled then
  int64_t resume_queued_ms = 0;  // a queued order still unrecorded is recorded by the sweep then
};

// The order service's use cases, built on its ports: what the gRPC service, the queue consumers
// and the sweep are given.
// What they count goes to `metrics`.
struct OrderUseCases {
  OrderUseCases(const OrderPorts& p, const base::Clock& clock, const OrderTimeouts& timeouts,
                base::Metrics& metrics)
      : place(p.reservations, p.events, p.ids, p.queued, clock, metrics),
        record(p.reservations, p.repository, p.queued, clock, metrics, &p.deadlines),
        manage(p.repository, p.queued, clock),
        cancel(p.repository, p.reservations, p.queued, clock, timeouts.payment_ms),
        reconcile(p.repository, p.reservations, p.queued),
        dead_letters(p.repository, p.reservations, clock),
        sweep(cancel, reconcile, record, p.repository, p.queued, clock, timeouts.resume_queued_ms,
              metrics) {}

  PlaceOrder place;
  RecordOrder record;
  ManageOrders manage;
  CancelOrder cancel;
  ReconcileStock reconcile;
  DeadLetters dead_letters;
  SweepOrders sweep;
};

}  // namespace seckill::order::app
