#include "services/product/app/create_activity.h"

#include "libs/base/status.h"

namespace seckill::product::app {

void CreateActivity::operator()(const domain::ActivityTerms& terms,
                                domain::Callback<CreateActivityResult> done) const {
  if (absl::Status valid = domain::ValidateTerms(terms); !valid.ok()) return done(valid);
  absl::StatusOr<uint64_t> id = catalog_.AddActivity(terms);
  if (absl::IsFailedPrecondition(id.status())) {
    return done(CreateActivityResult{CreateActivityOutcome::kProductNotFound, 0});
  }
  if (!id.ok()) return done(id.status());
  ledger_.Seed(*id, terms, [id = *id, done = std::move(done)](absl::StatusOr<bool> seeded) {
    if (!seeded.ok()) {
      return done(absl::UnavailableError(
          fmt::format("activity {} stored but its stock could not be seeded: {}", id,
                      seeded.status().message())));
    }
    done(CreateActivityResult{CreateActivityOutcome::kCreated, id});
  });
}

}  // namespace seckill::product::app
