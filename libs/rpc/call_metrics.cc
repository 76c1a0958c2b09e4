#include "libs/rpc/call_metrics.h"

#include <stdexcept>

#include "fmt/format.h"
#include "google/protobuf/descriptor.h"

namespace seckill::rpc {
namespace {

std::string_view CodeName(int code) {
  static constexpr std::array<std::string_view, 17> kNames = {"OK",
                                                              "CANCELLED",
                                                              "UNKNOWN",
                                                              "INVALID_ARGUMENT",
                                                              "DEADLINE_EXCEEDED",
                                                              "NOT_FOUND",
                                                              "ALREADY_EXISTS",
                                                              "PERMISSION_DENIED",
                                                              "RESOURCE_EXHAUSTED",
                                                              "FAILED_PRECONDITION",
                                                              "ABORTED",
                                                              "OUT_OF_RANGE",
                                                              "UNIMPLEMENTED",
                                                              "INTERNAL",
                                                              "UNAVAILABLE",
                                                              "DATA_LOSS",
                                                              "UNAUTHENTICATED"};
  return kNames[static_cast<size_t>(code)];
}

}  // namespace

CallDurations::CallDurations(base::Metrics& metrics, Side side,
                             const std::vector<std::string>& services)
    : metrics_(metrics),
      name_(side == Side::kServer ? "seckill_rpc_server_duration_seconds"
                                  : "seckill_rpc_client_duration_seconds"),
      help_(side == Side::kServer
                ? "gRPC calls answered, by method and status code: from the call's start to its "
                  "status, in seconds"
                : "gRPC calls made, by method and status code: from the call's start to its "
                  "status, in seconds") {
  for (const std::string& service : services) {
    const google::protobuf::ServiceDescriptor* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
    if (descriptor == nullptr) {
      throw std::invalid_argument(fmt::format("no gRPC service named {} is linked in", service));
    }
    for (int i = 0; i < descriptor->method_count(); ++i) {
      auto method = std::make_unique<Method>();
      method->labels = {{"service", service}, {"method", descriptor->method(i)->name()}};
      method->by_code[0] = &metrics_.GetHistogram(
          name_, help_, {method->labels[0], method->labels[1], {"code", "OK"}},
          base::Histogram::LatencyBounds());
      methods_.emplace(fmt::format("/{}/{}", service, descriptor->method(i)->name()),
                       std::move(method));
    }
  }
}

std::unique_ptr<CallDurations> CallDurations::IfMeasured(const base::MetricsOptions& options,
                                                         base::Metrics& metrics, Side side,
                                                         const std::vector<std::string>& services) {
  if (!options.request_durations) return nullptr;
  return std::make_unique<CallDurations>(metrics, side, services);
}

void CallDurations::Observe(std::string_view method, grpc::StatusCode code, double seconds) {
  const auto found = methods_.find(method);
  const int index = static_cast<int>(code);
  if (found == methods_.end() || index < 0 || index >= kCodes) return;
  Method& m = *found->second;
  base::Histogram* histogram = m.by_code[index].load(std::memory_order_acquire);
  if (histogram == nullptr) {  // the code's first call (racing callers get the same one)
    histogram = &metrics_.GetHistogram(
        name_, help_, {m.labels[0], m.labels[1], {"code", std::string(CodeName(index))}},
        base::Histogram::LatencyBounds());
    m.by_code[index].store(histogram, std::memory_order_release);
  }
  histogram->Observe(seconds);
}

}  // namespace seckill::rpc
