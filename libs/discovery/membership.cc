#include "libs/discovery/membership.h"

#include <algorithm>

namespace seckill::discovery {

Membership::Membership(boost::asio::any_io_executor executor, const Settings& settings,
                       const std::string& service, std::string self_address, OnChange on_change)
    : on_change_(std::move(on_change)) {
  if (!settings.enabled()) return;
  watch_.emplace(std::move(executor), *settings.Etcd(), service,
                 [this, self = std::move(self_address)](const std::vector<std::string>& live) {
                   const auto [rank, members] = PlaceOf(self, live);
                   on_change_(rank, members);
                 });
}

void Membership::Start() {
  on_change_(0, 1);
  if (watch_) watch_->Start();
}

void Membership::Stop() {
  if (watch_) watch_->Stop();
}

std::pair<size_t, size_t> Membership::PlaceOf(const std::string& self,
                                              std::vector<std::string> addresses) {
  auto at = std::lower_bound(addresses.begin(), addresses.end(), self);
  if (at == addresses.end() || *at != self) at = addresses.insert(at, self);
  return {static_cast<size_t>(at - addresses.begin()), addresses.size()};
}

}  // namespace seckill::discovery
