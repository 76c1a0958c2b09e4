#pragma once
// The product service's domain values in its protobuf API's terms.

#include "seckill/product/v1/product.pb.h"
#include "services/product/app/view_activities.h"
#include "services/product/domain/stock_ledger.h"

namespace seckill::product::api {

product::v1::ActivityStatus ToProto(domain::ActivityStatus s);
product::v1::ReleaseOutcome ToProto(domain::ReleaseOutcome o);
product::v1::ReviveReservationResponse::Outcome ToProto(domain::ReviveOutcome o);
product::v1::ConfirmReservationResult::Outcome ToProto(domain::ConfirmOutcome o);
product::v1::AdjustStockResponse::Outcome ToProto(domain::AdjustOutcome o);
// The answer to a reservation of a gated activity (its stock is being restored).
product::v1::ReserveStockResult Restoring();
void FillActivity(const app::ActivityView& view, product::v1::Activity* out);

}  // namespace seckill::product::api
