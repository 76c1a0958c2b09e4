#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "boost/asio/awaitable.hpp"
#include "boost/asio/io_context.hpp"
#include "grpcpp/impl/codegen/service_type.h"
#include "grpcpp/security/server_credentials.h"
#include "libs/base/metrics.h"
#include "libs/base/presence.h"

namespace seckill::rpc {

struct ServiceHostOptions {
  std::string name;                     // for logs, e.g. "seckill-product"
  std::string grpc_host = "127.0.0.1";  // the interface to listen on ("0.0.0.0": all)
  uint16_t grpc_port = 0;
  std::string probe_host = "127.0.0.1";

  uint16_t probe_port = 0;
  const base::Metrics* metrics = nullptr;  // listed at /metrics (null: none); outlives the call
  std::chrono::seconds grace{10};          // in-flight calls get this long to finish on stop
  // How callers are authenticated and what each may call (MutualTlsServerCredentials).
  std::shared_ptr<grpc::ServerCredentials> credentials;
  // Announced once the server listens, withdrawn first on stop (null: none).
  base::Presence* presence = nullptr;
};

// Serves `services` over gRPC and the HTTP probes (/healthz; /readyz answered by `ready`;
// /metrics) until SIGTERM or SIGINT, running `ioc` on one thread meanwhile; the presence is
// announced once both listen. Then stops gracefully: the presence is withdrawn (callers stop
// sending), the probes close, the gRPC server stops accepting and finishes in-flight calls,
// `after_server_stopped` runs (stop your publishers and pools there; `ioc` still runs), and
// `ioc` stops. Returns 0 after a graceful stop, 1 when a port could not be bound or the
// presence not announced. The caller
// must have called base::BlockTerminationSignals() before starting any thread.
int ServeUntilSignal(const ServiceHostOptions& options, const std::vector<grpc::Service*>& services,
                     boost::asio::io_context& ioc,
                     std::function<boost::asio::awaitable<bool>()> ready,
                     const std::function<void()>& after_server_stopped);

}  // namespace seckill::rpc
