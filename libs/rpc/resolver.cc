#include "libs/rpc/resolver.h"

#include "fmt/format.h"
#include "grpcpp/create_channel.h"

namespace seckill::rpc {

absl::StatusOr<std::vector<std::string>> StaticResolver::Resolve(const std::string& service) const {
  auto it = endpoints_.find(service);
  if (it == endpoints_.end() || it->second.empty()) {
    return absl::NotFoundError(fmt::format("no endpoints configured for service '{}'", service));
  }
  return it->second;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const Resolver& resolver,
                                                           const std::string& service,
                                                           const ChannelSecurity& security) {
  auto endpoints = resolver.Resolve(service);
  if (!endpoints.ok()) return endpoints.status();
  std::string target = "ipv4:";
  for (size_t i = 0; i < endpoints->size(); ++i) {
    if (i > 0) target += ',';
    target += (*endpoints)[i];
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
  const StaticResolver fixed({{"service", {address}}});
  return *MakeChannel(fixed, "service", security);
}

}  // namespace seckill::rpc
