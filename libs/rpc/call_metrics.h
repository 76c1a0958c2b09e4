#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "grpcpp/support/status.h"
#include "libs/base/metrics.h"

namespace seckill::rpc {

// How long gRPC calls take, per method and status code, on one side of the wire:
// seckill_rpc_server_duration_seconds or seckill_rpc_client_duration_seconds{service, method,
// code} (OpenTelemetry's rpc.server.duration / rpc.client.duration): from the call's start to its
// status, whatever answers it (observed through CallObservers by rpc::Serve and rpc::WatchCall).
// Every method of `services` (full protobuf names, e.g. "seckill.product.v1.ProductService") is
// listed with code OK from the start; other codes appear when first seen. Observing is lock-free
// after a code's first call. Outlives every call.
class CallDurations {
 public:
  enum class Side { kServer, kClient };
  CallDurations(base::Metrics& metrics, Side side, const std::vector<std::string>& services);
  // The durations a service measures, or null (no family, nothing measured) when `options` turns
  // them off.
  static std::unique_ptr<CallDurations> IfMeasured(const base::MetricsOptions& options,
                                                   base::Metrics& metrics, Side side,
                                                   const std::vector<std::string>& services);

  // `method` as gRPC names it: "/package.Service/Method". Calls to methods of other services
  // are not counted.
  void Observe(std::string_view method, grpc::StatusCode code, double seconds);

 private:
  static constexpr int kCodes = 17;  // grpc::StatusCode OK (0) .. UNAUTHENTICATED (16)
  struct Method {
    base::Labels labels;  // service, method
    std::array<std::atomic<base::Histogram*>, kCodes> by_code{};
  };

  base::Metrics& metrics_;
  const std::string name_;
  const std::string help_;
  // Built at construction, read-only after: lookups need no lock.
  struct NameHash {
    using is_transparent = void;  // found by string_view, with no string made
    size_t operator()(std::string_view name) const { return std::hash<std::string_view>()(name); }
  };
  std::unordered_map<std::string, std::unique_ptr<Method>, NameHash, std::equal_to<>> methods_;
};

}  // namespace seckill::rpc
