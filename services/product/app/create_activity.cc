#include "services/product/app/create_activity.h"

#include "libs/base/await.h"
#include "libs/base/status.h"

namespace seckill::product::app {

base::Async<CreateActivityResult> CreateActivity::operator()(domain::ActivityTerms terms) const {
  if (absl::Status valid = domain::ValidateTerms(terms); !valid.ok()) co_return valid;
  auto adding = catalog_.AddActivity(terms);
  const absl::StatusOr<uint64_t> id = co_await std::move(adding);
  if (absl::IsFailedPrecondition(id.status())) {
    co_return CreateActivityResult{CreateActivityOutcome::kProductNotFound, 0};
  }
  if (!id.ok()) co_return id.status();
  auto seeding = ledger_.Seed(*id, terms);
  const absl::StatusOr<bool> seeded = co_await std::move(seeding);
  if (!seeded.ok()) {
    co_return absl::UnavailableError(
        fmt::format("activity {} stored but its stock could not be seeded: {}", *id,
                    seeded.status().message()));
  }
  co_return CreateActivityResult{CreateActivityOutcome::kCreated, *id};
}

}  // namespace seckill::product::app
