#include "libs/rpc/call_metrics.h"

#include <chrono>
#include <stdexcept>

#include "fmt/format.h"
#include "google/protobuf/descriptor.h"

namespace seckill::rpc {
namespace {

using grpc::experimental::InterceptionHookPoints;
using Clock = std::chrono::steady_clock;

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

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// One call's measurement: started when gRPC creates the interceptor (the call begins), observed
// when the status is sent (server) or received (client).
class DurationInterceptor final : public grpc::experimental::Interceptor {
 public:
  DurationInterceptor(CallDurations& durations, const char* method,
                      InterceptionHookPoints status_point)
      : durations_(durations), method_(method), status_point_(status_point) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(status_point_)) {
      const grpc::StatusCode code = status_point_ == InterceptionHookPoints::PRE_SEND_STATUS
                                        ? methods->GetSendStatus().error_code()
                                        : methods->GetRecvStatus()->error_code();
      durations_.Observe(method_, code, SecondsSince(start_));
    }
    methods->Proceed();
  }

 private:
  CallDurations& durations_;
  const char* method_;  // gRPC's, valid for the call
  const InterceptionHookPoints status_point_;
  const Clock::time_point start_ = Clock::now();
};

class ServerFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit ServerFactory(CallDurations& durations) : durations_(durations) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new DurationInterceptor(durations_, info->method(),
                                   InterceptionHookPoints::PRE_SEND_STATUS);
  }

 private:
  CallDurations& durations_;
};

class ClientFactory final : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit ClientFactory(CallDurations& durations) : durations_(durations) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* info) override {
    return new DurationInterceptor(durations_, info->method(),
                                   InterceptionHookPoints::POST_RECV_STATUS);
  }

 private:
  CallDurations& durations_;
};

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

std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
CallDurations::ServerInterceptors() {
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> out;
  out.push_back(std::make_unique<ServerFactory>(*this));
  return out;
}

std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>>
CallDurations::ClientInterceptors() {
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> out;
  out.push_back(std::make_unique<ClientFactory>(*this));
  return out;
}

}  // namespace seckill::rpc
