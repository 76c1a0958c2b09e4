#include "libs/discovery/service_endpoints.h"

#include "spdlog/spdlog.h"

namespace seckill::discovery {

ServiceEndpoints::ServiceEndpoints(boost::asio::any_io_executor executor, const Settings& settings,
                                   const std::string& service, const std::string& fixed_addr,
                                   std::vector<std::shared_ptr<rpc::ServiceChannel>> channels)
    : channels_(std::move(channels)), fixed_addr_(fixed_addr) {
  if (!fixed_addr_.empty()) return;
  // Checked when the settings were loaded (discovery::DescribeSettings).
  const etcd::Options options = *settings.Etcd();
  watch_.emplace(executor, options, service,
                 [channels = channels_, service](const std::vector<std::string>& addresses) {
                   spdlog::info(
                       "{} instances: {}", service,
                       addresses.empty() ? "none" : fmt::format("{}", fmt::join(addresses, ", ")));
                   for (const auto& channel : channels) channel->Update(addresses);
                 });
}

void ServiceEndpoints::Start() {
  if (!watch_) {
    for (const auto& channel : channels_) channel->Update({fixed_addr_});
    return;
  }
  watch_->Start();
}

void ServiceEndpoints::Stop() {
  if (watch_) watch_->Stop();
}

}  // namespace seckill::discovery
