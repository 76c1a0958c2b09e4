#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "boost/asio/awaitable.hpp"
#include "boost/asio/io_context.hpp"
#include "libs/base/presence.h"
#include "libs/http/message.h"

namespace seckill::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;                              // 0: any free port (see HttpServer::port())
  size_t header_limit = size_t{8} * 1024;         // larger headers: 431
  size_t body_limit = size_t{64} * 1024;          // larger bodies: 413
  std::chrono::milliseconds read_timeout{10000};  // a request must arrive within this
  std::chrono::milliseconds idle_timeout{30000};  // keep-alive idle connections close after it
  std::chrono::milliseconds write_timeout{10000};
};

// The application: turns a request into a response. Runs on the connection's strand; must not
// block (offload blocking work, see base::Offload).
using Handler = std::function<boost::asio::awaitable<Response>(Request)>;

// An HTTP/1.1 keep-alive server on Boost.Beast. Each connection runs on its own strand, so the
// io_context may be run by several threads. Limits, timeouts and malformed requests are
// answered (400/413/431) by the server itself and never reach the handler.
class HttpServer {
 public:
  HttpServer(boost::asio::io_context& ioc, ServerOptions options, Handler handler);
  ~HttpServer();

  // Binds and starts accepting. INVALID_ARGUMENT/UNAVAILABLE when the address cannot be bound.
  absl::Status Start();
  uint16_t port() const;
  // The listen address (ServerOptions::address).
  const std::string& address() const;
  // Graceful stop: closes the acceptor, closes idle connections, lets in-flight requests finish
  // (answered with Connection: close); `on_drained` runs once no connection remains, or after
  // `grace`. Thread-safe.
  void Stop(std::chrono::milliseconds grace, std::function<void()> on_drained);

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

// Starts `server`, runs `ioc` on `threads` threads, announces `presence` (null: none), and
// serves until SIGTERM or SIGINT (blocked beforehand: base::BlockTerminationSignals); then: the
// presence withdrawn, `on_signal` (stop background jobs), the server's graceful stop (`grace`),
// the threads joined, `after_stopped` (join worker pools). The exit code: 0, or 1 when the
// server cannot start or the presence cannot be announced.
int ServeUntilSignal(const std::string& name, HttpServer& server, boost::asio::io_context& ioc,
                     int threads, const std::function<void()>& on_signal,
                     const std::function<void()>& after_stopped, base::Presence* presence = nullptr,
                     std::chrono::milliseconds grace = std::chrono::seconds(10));

}  // namespace seckill::http
