#include "services/product/api/proto_mapping.h"

namespace seckill::product::api {

namespace v1 = seckill::product::v1;

v1::ActivityStatus ToProto(domain::ActivityStatus s) {
  switch (s) {
    case domain::ActivityStatus::kUpcoming:
      return v1::UPCOMING;
    case domain::ActivityStatus::kActive:
      return v1::ACTIVE;
    case domain::ActivityStatus::kSoldOut:
      return v1::SOLD_OUT;
    case domain::ActivityStatus::kEnded:
      return v1::ENDED;
  }
  return v1::ACTIVITY_STATUS_UNSPECIFIED;
}

v1::ReserveOutcome ToProto(domain::ReserveOutcome o) {
  using O = domain::ReserveOutcome;
  switch (o) {
    case O::kReserved:
      return v1::RESERVED;
    case O::kDuplicateRequest:
      return v1::DUPLICATE_REQUEST;
    case O::kActivityNotFound:
      return v1::ACTIVITY_NOT_FOUND;
    case O::kNotStarted:
      return v1::RESERVE_NOT_STARTED;
    case O::kEnded:
      return v1::RESERVE_ENDED;
    case O::kSoldOut:
      return v1::RESERVE_SOLD_OUT;
    case O::kPurchaseLimit:
      return v1::PURCHASE_LIMIT;
    case O::kInvalidQuantity:
      return v1::INVALID_QUANTITY;
  }
  return v1::RESERVE_OUTCOME_UNSPECIFIED;
}

v1::ReserveStockReply Restoring() {
  v1::ReserveStockReply reply;
  reply.set_outcome(v1::RESTORING);
  return reply;
}

v1::ConfirmReservationReply::Outcome ToProto(domain::ConfirmOutcome o) {
  using O = domain::ConfirmOutcome;
  using R = v1::ConfirmReservationReply;
  switch (o) {
    case O::kConfirmed:
      return R::CONFIRMED;
    case O::kAlreadyConfirmed:
      return R::ALREADY_CONFIRMED;
    case O::kReleased:
      return R::RELEASED;
    case O::kNotFound:
      return R::RESERVATION_NOT_FOUND;
  }
  return R::OUTCOME_UNSPECIFIED;
}

void FillActivity(const app::ActivityView& view, v1::Activity* out) {
  const domain::ActivityTerms& t = view.activity.terms;
  out->set_activity_id(view.activity.activity_id);
  out->set_product_id(t.product_id);
  out->set_title(t.title);
  out->set_price_cents(t.price_cents);
  out->set_stock(t.stock);
  out->set_remaining(view.remaining);
  out->set_start_at_ms(t.start_at_ms);
  out->set_end_at_ms(t.end_at_ms);
  out->set_limit_per_user(t.limit_per_user);
  out->set_status(ToProto(view.status));
}

}  // namespace seckill::product::api
