#include "fmt/format.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "libs/rpc/resolver.h"
#include "libs/rpc/trace_context.h"

namespace seckill::rpc {

bool IsValidTraceparent(std::string_view v) {
  if (v.size() != 55 || v[2] != '-' || v[35] != '-' || v[52] != '-') return false;
  auto hex = [](std::string_view s) {
    for (char c : s) {
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
  };
  auto zero = [](std::string_view s) { return s.find_first_not_of('0') == std::string_view::npos; };
  std::string_view version = v.substr(0, 2), trace = v.substr(3, 32), parent = v.substr(36, 16),
                   flags = v.substr(53, 2);
  return hex(version) && version != "ff" && hex(trace) && !zero(trace) && hex(parent) &&
         !zero(parent) && hex(flags);
}

absl::StatusOr<std::vector<std::string>> StaticResolver::Resolve(const std::string& service) const {
  auto it = endpoints_.find(service);
  if (it == endpoints_.end() || it->second.empty()) {
    return absl::NotFoundError(fmt::format("no endpoints configured for service '{}'", service));
  }
  return it->second;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const Resolver& resolver,
                                                           const std::string& service) {
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
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address) {
  const StaticResolver fixed({{"service", {address}}});
  return *MakeChannel(fixed, "service");
}

}  // namespace seckill::rpc
