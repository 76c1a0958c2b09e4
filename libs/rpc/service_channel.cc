#include "libs/rpc/service_channel.h"

#include "fmt/format.h"
#include "grpcpp/create_channel.h"

namespace seckill::rpc {

void ServiceChannel::Update(const std::vector<std::string>& addresses) {
  {
    std::lock_guard lock(mu_);
    if (addresses == addresses_ && generation_ > 0) return;
  }
  std::shared_ptr<grpc::Channel> next =
      addresses.empty() ? nullptr : MakeChannel(addresses, security_);
  std::lock_guard lock(mu_);
  addresses_ = addresses;
  channel_ = std::move(next);
  generation_.fetch_add(1, std::memory_order_release);
}

std::shared_ptr<grpc::Channel> ServiceChannel::Current() const {
  std::lock_guard lock(mu_);
  return channel_;
}

uint64_t ServiceChannel::generation() const { return generation_.load(std::memory_order_acquire); }

std::shared_ptr<const ServiceChannel> ServiceChannel::None(std::string service) {
  return std::make_shared<const ServiceChannel>(std::move(service), ChannelSecurity::Insecure());
}

absl::Status NoInstanceError(const std::string& service) {
  return absl::UnavailableError(
      fmt::format("no instance of the {} service is registered in etcd", service));
}

std::shared_ptr<grpc::Channel> MakeChannel(const std::vector<std::string>& addresses,
                                           const ChannelSecurity& security) {
  std::string target = "ipv4:";
  for (size_t i = 0; i < addresses.size(); ++i) {
    if (i > 0) target += ',';
    target += addresses[i];
  }
  grpc::ChannelArguments args;
  args.SetLoadBalancingPolicyName("round_robin");
  // Business calls are not all idempotent: callers retry only what is safe.
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 10000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 5000);
  // A restarted peer must be picked up within about a second, not after gRPC's default back-off
  // (up to 120 s): during a sale the breaker's half-open probes would otherwise find the channel
  // still waiting and reopen, keeping the sale refused long after the peer is back.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  // The server's certificate must name the service it was asked for, whatever address it has.
  if (!security.server_identity.empty()) args.SetSslTargetNameOverride(security.server_identity);
  return grpc::CreateCustomChannel(target, security.credentials, args);
}

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address,
                                           const ChannelSecurity& security) {
  return MakeChannel(std::vector<std::string>{address}, security);
}

}  // namespace seckill::rpc
