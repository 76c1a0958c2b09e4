#include "libs/rpc/service_host.h"

#include <thread>

#include "boost/asio/executor_work_guard.hpp"
#include "fmt/format.h"
#include "grpcpp/server_builder.h"
#include "libs/base/signals.h"
#include "libs/base/status.h"
#include "libs/http/health.h"
#include "spdlog/spdlog.h"

namespace seckill::rpc {

int ServeUntilSignal(const ServiceHostOptions& options, const std::vector<grpc::Service*>& services,
                     boost::asio::io_context& ioc,
                     std::function<boost::asio::awaitable<bool>()> ready,
                     const std::function<void()>& after_server_stopped) {
  auto work = boost::asio::make_work_guard(ioc);
  std::thread io_thread([&ioc] { ioc.run(); });
  auto stop_io = [&] {
    work.reset();
    ioc.stop();
    io_thread.join();
  };

  grpc::ServerBuilder builder;
  const std::string address = fmt::format("{}:{}", options.grpc_host, options.grpc_port);
  builder.AddListeningPort(address, options.credentials);
  for (grpc::Service* service : services) builder.RegisterService(service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr) {
    spdlog::error("{}: cannot listen for gRPC on {}", options.name, address);
    after_server_stopped();
    stop_io();
    return 1;
  }
  http::ServerOptions probe_options;
  probe_options.address = options.probe_host;
  probe_options.port = options.probe_port;
  const base::Metrics none;
  http::HttpServer probes(
      ioc, probe_options,
      http::HealthHandler(std::move(ready), options.metrics ? *options.metrics : none));
  if (absl::Status s = probes.Start(); !s.ok()) {
    spdlog::error("{}: {}", options.name, s.message());
    server->Shutdown();
    after_server_stopped();
    stop_io();
    return 1;
  }
  spdlog::info("{} serving gRPC on {}, probes on {}:{}", options.name, address, options.probe_host,
               probes.port());
  if (options.presence != nullptr) {
    if (absl::Status announced = options.presence->Announce(); !announced.ok()) {
      spdlog::error("{}: {}", options.name, base::Message(announced));
      probes.Stop(std::chrono::seconds(2), [] {});
      server->Shutdown();
      after_server_stopped();
      stop_io();
      return 1;
    }
  }

  const int signal = base::WaitForTerminationSignal();
  spdlog::info("{}: signal {}: stopping (in-flight calls finish first)", options.name, signal);
  if (options.presence != nullptr) options.presence->Withdraw();
  probes.Stop(std::chrono::seconds(2), [] {});
  server->Shutdown(std::chrono::system_clock::now() + options.grace);
  after_server_stopped();
  stop_io();
  spdlog::info("{} stopped", options.name);
  return 0;
}

}  // namespace seckill::rpc
