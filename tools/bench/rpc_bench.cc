// seckill-rpc-bench: what mutual TLS costs a gRPC hop (docs/security.md). One process runs an
// OrderService whose PlaceOrder answers at once, with the real services' credentials: the
// stack's certificates and the per-method caller check; a client in the same process keeps
// --window PlaceOrder calls in flight for --seconds, as the gateway's identity. The same hop in
// plain text is the baseline; the two run side by side, --rounds times, plain first in odd
// rounds. One JSON line per run, for scripts/bench.sh:
// {"row":"rpc_plain"|"rpc_mtls","round":..,"requests":..,"rps":..,
// "p50_us":..,"p99_us":..,"cpu_us":{"seckill-rpc-bench":..}} (CPU of both ends, per call).
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <vector>

#include "CLI/CLI.hpp"
#include "grpcpp/client_context.h"
#include "grpcpp/server_builder.h"
#include "libs/base/build_info.h"
#include "libs/rpc/mutual_tls.h"
#include "libs/rpc/service_channel.h"
#include "seckill/order/v1/order.grpc.pb.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace v1 = seckill::order::v1;

class InstantOrders final : public v1::OrderService::CallbackService {
  grpc::ServerUnaryReactor* PlaceOrder(grpc::CallbackServerContext* context,
                                       const v1::PlaceOrderRequest* request,
                                       v1::PlaceOrderResponse* response) override {
    response->set_order_id(request->user_id() * 1000 + 1);
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// Keeps `window` calls in flight on `stub` until `deadline`; their latencies in microseconds.
class Caller {
 public:
  Caller(v1::OrderService::Stub& stub, int window, Clock::time_point deadline)
      : stub_(stub), deadline_(deadline), in_flight_(window) {
    for (int i = 0; i < window; ++i) Start(static_cast<uint64_t>(i) + 1);
  }
  std::vector<double> Wait() {
    std::unique_lock lock(mu_);
    done_.wait(lock, [this] { return in_flight_ == 0; });
    return std::move(latencies_us_);
  }
  int64_t failures() const { return failures_; }

 private:
  struct Call {
    grpc::ClientContext context;
    v1::PlaceOrderRequest request;
    v1::PlaceOrderResponse response;
    Clock::time_point started;
  };
  void Start(uint64_t user) {
    auto call = std::make_shared<Call>();
    call->request.set_activity_id(7);
    call->request.set_user_id(user);
    call->request.set_quantity(1);
    call->request.set_idempotency_key("bench-key-0123456789");
    call->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    call->started = Clock::now();
    stub_.async()->PlaceOrder(
        &call->context, &call->request, &call->response, [this, call, user](grpc::Status status) {
          const auto now = Clock::now();
          {
            std::lock_guard lock(mu_);
            if (!status.ok()) ++failures_;
            latencies_us_.push_back(
                std::chrono::duration<double, std::micro>(now - call->started).count());
          }
          if (now < deadline_) return Start(user);
          std::lock_guard lock(mu_);
          if (--in_flight_ == 0) done_.notify_all();
        });
  }

  v1::OrderService::Stub& stub_;
  const Clock::time_point deadline_;
  std::mutex mu_;
  std::condition_variable done_;
  int in_flight_;
  int64_t failures_ = 0;
  std::vector<double> latencies_us_;
};

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const size_t k = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

// One hop: a server with `credentials` on an ephemeral port and a client channel to it.
struct Hop {
  InstantOrders service;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<v1::OrderService::Stub> stub;
};

std::unique_ptr<Hop> StartHop(const std::shared_ptr<grpc::ServerCredentials>& credentials,
                              const seckill::rpc::ChannelSecurity& security) {
  auto hop = std::make_unique<Hop>();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", credentials, &port);
  builder.RegisterService(&hop->service);
  hop->server = builder.BuildAndStart();
  if (!hop->server || port == 0) return nullptr;
  hop->stub = v1::OrderService::NewStub(
      seckill::rpc::MakeChannel("127.0.0.1:" + std::to_string(port), security));
  return hop;
}

// One measured run on `hop`, printed as a JSON line; false if a call failed.
bool Measure(Hop& hop, const char* row, int round, int window, double seconds) {
  const double cpu_before = CpuSeconds();
  const auto start = Clock::now();
  Caller caller(*hop.stub, window,
                start + std::chrono::microseconds(static_cast<int64_t>(seconds * 1e6)));
  std::vector<double> latencies = caller.Wait();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = CpuSeconds() - cpu_before;
  const size_t n = latencies.size();
  const double p50 = Percentile(latencies, 0.5), p99 = Percentile(latencies, 0.99);
  std::printf(
      "{\"row\":\"%s\",\"round\":%d,\"requests\":%zu,\"seconds\":%.3f,\"rps\":%.1f,"
      "\"p50_us\":%.1f,\"p99_us\":%.1f,\"cpu_us\":{\"seckill-rpc-bench\":%.2f}}\n",
      row, round, n, elapsed, static_cast<double>(n) / elapsed, p50, p99,
      n == 0 ? 0.0 : cpu * 1e6 / static_cast<double>(n));
  std::fflush(stdout);
  if (caller.failures() > 0) {
    std::fprintf(stderr, "seckill-rpc-bench: %lld of %zu %s calls failed\n",
                 static_cast<long long>(caller.failures()), n, row);
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"seckill-rpc-bench: a gRPC hop in plain text and with mutual TLS"};
  app.set_version_flag("--version", seckill::base::VersionLine("seckill-rpc-bench"));
  std::string tls_dir;
  int rounds = 3, window = 64;
  double seconds = 5;
  app.add_option("--tls-dir", tls_dir, "the stack's certificates (ca.crt, seckill-*.crt/.key)")
      ->required();
  app.add_option("--rounds", rounds, "pairs of runs (plain first in odd rounds)")
      ->check(CLI::Range(1, 1000));
  app.add_option("--window", window, "calls in flight")->check(CLI::Range(1, 4096));
  app.add_option("--seconds", seconds, "length of each measured run")
      ->check(CLI::Range(0.5, 600.0));
  CLI11_PARSE(app, argc, argv);

  namespace rpc = seckill::rpc;
  const auto files = [&tls_dir](const std::string& identity) {
    return rpc::TlsFiles{tls_dir + "/ca.crt", tls_dir + "/" + identity + ".crt",
                         tls_dir + "/" + identity + ".key"};
  };
  auto server_identity = rpc::TlsIdentity::Load(files(rpc::kOrderIdentity));
  auto client_identity = rpc::TlsIdentity::Load(files(rpc::kGatewayIdentity));
  for (const auto* identity : {&server_identity, &client_identity}) {
    if (!identity->ok()) {
      std::fprintf(stderr, "seckill-rpc-bench: %s\n", identity->status().ToString().c_str());
      return 2;
    }
  }
  // The order service's rule for this method (services/order/api/callers.cc).
  rpc::CallerPolicy policy;
  policy.Allow("/seckill.order.v1.OrderService/PlaceOrder", {rpc::kGatewayIdentity});
  std::unique_ptr<Hop> plain =
      StartHop(grpc::InsecureServerCredentials(), rpc::ChannelSecurity::Insecure());
  std::unique_ptr<Hop> mtls =
      StartHop(rpc::MutualTlsServerCredentials(*server_identity, policy),
               rpc::ChannelSecurity::MutualTls(*client_identity, rpc::kOrderIdentity));
  if (!plain || !mtls) {
    std::fprintf(stderr, "seckill-rpc-bench: could not start a server\n");
    return 2;
  }
  // Warm-up: connections, handshakes and gRPC's threads are not what is measured.
  for (Hop* hop : {plain.get(), mtls.get()}) {
    Caller warm(*hop->stub, window, Clock::now() + std::chrono::seconds(1));
    warm.Wait();
  }
  // Adjacent runs of the two, their order swapped every round, so that the machine's slow
  // spells fall on both alike: a round's ratio compares neighbours.
  bool ok = true;
  for (int round = 1; round <= rounds && ok; ++round) {
    if (round % 2 == 1) {
      ok = Measure(*plain, "rpc_plain", round, window, seconds) &&
           Measure(*mtls, "rpc_mtls", round, window, seconds);
    } else {
      ok = Measure(*mtls, "rpc_mtls", round, window, seconds) &&
           Measure(*plain, "rpc_plain", round, window, seconds);
    }
  }
  plain->server->Shutdown();
  mtls->server->Shutdown();
  return ok ? 0 : 1;
}
