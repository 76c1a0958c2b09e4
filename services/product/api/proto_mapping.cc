#include "services/product/api/proto_mapping.h"

namespace seckill::product::api {

namespace v1 = seckill::product::v1;

v1::ActivityStatus ToProto(domain::ActivityStatus s) {
  switch (s) {
    case domain::ActivityStatus::kUpcoming:
      return v1::ACTIVITY_STATUS_UPCOMING;
    case domain::ActivityStatus::kActive:
      return v1::ACTIVITY_STATUS_ACTIVE;
    case domain::ActivityStatus::kSoldOut:
      return v1::ACTIVITY_STATUS_SOLD_OUT;
    case domain::ActivityStatus::kEnded:
      return v1::ACTIVITY_STATUS_ENDED;
  }
  return v1::ACTIVITY_STATUS_UNSPECIFIED;
}

v1::ReserveStockResult Restoring() {
  v1::ReserveStockResult reply;
  reply.set_refusal(common::v1::REFUSAL_RESTORING);
  return reply;
}

v1::ReleaseOutcome ToProto(domain::ReleaseOutcome o) {
  using O = domain::ReleaseOutcome;
  switch (o) {
    case O::kReleased:
      return v1::RELEASE_OUTCOME_RELEASED;
    case O::kAlreadyReleased:
      return v1::RELEASE_OUTCOME_ALREADY_RELEASED;
    case O::kAlreadyConfirmed:
      return v1::RELEASE_OUTCOME_ALREADY_CONFIRMED;
    case O::kNotFound:
      return v1::RELEASE_OUTCOME_RESERVATION_NOT_FOUND;
  }
  return v1::RELEASE_OUTCOME_UNSPECIFIED;
}

v1::ReviveReservationResponse::Outcome ToProto(domain::ReviveOutcome o) {
  using O = domain::ReviveOutcome;
  using R = v1::ReviveReservationResponse;
  switch (o) {
    case O::kRevived:
      return R::OUTCOME_REVIVED;
    case O::kNotReleased:
      return R::OUTCOME_NOT_RELEASED;
    case O::kRefused:
      return R::OUTCOME_REFUSED;
    case O::kNotFound:
      return R::OUTCOME_RESERVATION_NOT_FOUND;
  }
  return R::OUTCOME_UNSPECIFIED;
}

v1::ConfirmReservationResult::Outcome ToProto(domain::ConfirmOutcome o) {
  using O = domain::ConfirmOutcome;
  using R = v1::ConfirmReservationResult;
  switch (o) {
    case O::kConfirmed:
      return R::OUTCOME_CONFIRMED;
    case O::kAlreadyConfirmed:
      return R::OUTCOME_ALREADY_CONFIRMED;
    case O::kReleased:
      return R::OUTCOME_RELEASED;
    case O::kNotFound:
      return R::OUTCOME_RESERVATION_NOT_FOUND;
    case O::kMismatch:
      return R::OUTCOME_MISMATCH;
  }
  return R::OUTCOME_UNSPECIFIED;
}

v1::AdjustStockResponse::Outcome ToProto(domain::AdjustOutcome o) {
  using O = domain::AdjustOutcome;
  using R = v1::AdjustStockResponse;
  switch (o) {
    case O::kAdjusted:
      return R::OUTCOME_ADJUSTED;
    case O::kChanged:
      return R::OUTCOME_CHANGED;
    case O::kNegative:
      return R::OUTCOME_NEGATIVE;
    case O::kActivityNotFound:
      return R::OUTCOME_ACTIVITY_NOT_FOUND;
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
