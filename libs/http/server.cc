#include "libs/http/server.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <vector>

#include "boost/asio/as_tuple.hpp"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/detached.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/strand.hpp"
#include "boost/asio/use_awaitable.hpp"
#include "boost/asio/write.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "fmt/format.h"
#include "libs/base/signals.h"
#include "libs/http/request_reader.h"
#include "spdlog/spdlog.h"

namespace seckill::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

const std::string* Request::FindHeader(std::string_view name) const {
  for (const auto& [field, value] : headers) {
    if (field == name) return &value;
  }
  return nullptr;
}

const std::string& Request::Header(std::string_view name) const {
  static const std::string kEmpty;
  const std::string* value = FindHeader(name);
  return value == nullptr ? kEmpty : *value;
}

namespace {

// `r` as HTTP/1.x bytes into `out` (reused across a connection's responses, so its capacity
// is). What Beast's serializer would write, without building a message of allocated fields.
void Serialize(const Response& r, unsigned version, bool keep_alive, std::string& out) {
  out.clear();
  auto to = std::back_inserter(out);
  const auto status = static_cast<bhttp::status>(r.status);
  fmt::format_to(to, "HTTP/{}.{} {} {}\r\nServer: seckill\r\n", version / 10, version % 10,
                 r.status, std::string_view(bhttp::obsolete_reason(status)));
  // 1xx, 204 and 304 carry no body, so no length either.
  const bool bodiless = r.status / 100 == 1 || r.status == 204 || r.status == 304;
  if (!bodiless) {
    fmt::format_to(to, "Content-Type: {}\r\nContent-Length: {}\r\n", r.content_type, r.body.size());
  }
  for (const auto& [name, value] : r.headers) fmt::format_to(to, "{}: {}\r\n", name, value);
  if (version >= 11 && !keep_alive) out += "Connection: close\r\n";
  if (version < 11 && keep_alive) out += "Connection: keep-alive\r\n";
  out += "\r\n";
  if (!bodiless) out += r.body;
}

}  // namespace

class HttpServer::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(asio::io_context& ioc, ServerOptions options, Handler handler)
      : ioc_(ioc),
        options_(std::move(options)),
        handler_(std::move(handler)),
        acceptor_(asio::make_strand(ioc)) {}

  absl::Status Start() {
    boost::system::error_code ec;
    tcp::endpoint endpoint(asio::ip::make_address(options_.address, ec), options_.port);
    if (ec)
      return absl::InvalidArgumentError(fmt::format("bad listen address {}", options_.address));
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return absl::UnavailableError(
          fmt::format("cannot listen on {}:{}: {}", options_.address, options_.port, ec.message()));
    }
    port_ = acceptor_.local_endpoint().port();
    // A named argument, not a prvalue: see the coroutine note in libs/base/await.h.
    std::shared_ptr<Impl> self = shared_from_this();
    asio::co_spawn(acceptor_.get_executor(), Accept(self), asio::detached);
    return absl::OkStatus();
  }

  uint16_t port() const { return port_; }
  const std::string& address() const { return options_.address; }

  void Stop(std::chrono::milliseconds grace, std::function<void()> on_drained) {
    asio::post(acceptor_.get_executor(), [self = shared_from_this(), grace,
                                          on_drained = std::move(on_drained)]() mutable {
      self->stopping_ = true;
      boost::system::error_code ignored;
      self->acceptor_.close(ignored);
      self->on_drained_ = std::move(on_drained);
      {
        std::lock_guard lock(self->mu_);
        for (const auto& conn : self->open_) {
          if (!conn->idle.load()) continue;
          if (auto stream = conn->stream.lock()) {
            asio::post(stream->get_executor(), [stream] { stream->socket().close(); });
          }
        }
      }
      auto timer = std::make_shared<asio::steady_timer>(self->acceptor_.get_executor(), grace);
      timer->async_wait([self, timer](boost::system::error_code) { self->Drained(); });
      self->MaybeDrained();
    });
  }

 private:
  using StreamPtr = std::shared_ptr<beast::tcp_stream>;
  // An open connection, and whether it waits for a request (which Stop may close at once).
  // Registered once per connection; the flag is all a request touches.
  struct OpenConnection {
    std::weak_ptr<beast::tcp_stream> stream;
    std::atomic<bool> idle{false};
  };
  using ConnPtr = std::shared_ptr<OpenConnection>;

  static asio::awaitable<void> Accept(std::shared_ptr<Impl> self) {
    while (!self->stopping_) {
      auto [ec, socket] = co_await self->acceptor_.async_accept(
          asio::make_strand(self->ioc_), asio::as_tuple(asio::use_awaitable));
      if (ec) {
        if (self->stopping_) break;
        spdlog::warn("accept failed: {}", ec.message());
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
      auto conn = std::make_shared<OpenConnection>();
      conn->stream = stream;
      {
        std::lock_guard lock(self->mu_);
        self->open_.insert(conn);
      }
      ++self->connections_;
      asio::co_spawn(stream->get_executor(), Session(self, stream, conn),
                     [self, conn](std::exception_ptr e) {
                       {
                         std::lock_guard lock(self->mu_);
                         self->open_.erase(conn);
                       }
                       if (e) {
                         try {
                           std::rethrow_exception(e);
                         } catch (const std::exception& ex) {
                           spdlog::error("http session failed: {}", ex.what());
                         }
                       }
                       --self->connections_;
                       asio::post(self->acceptor_.get_executor(), [self] { self->MaybeDrained(); });
                     });
    }
  }

  static asio::awaitable<void> Session(std::shared_ptr<Impl> self, StreamPtr stream, ConnPtr conn) {
    beast::flat_buffer buffer;
    std::string out;  // the response's bytes
    std::string client_ip;
    {
      boost::system::error_code ec;
      auto remote = stream->socket().remote_endpoint(ec);
      if (!ec) client_ip = remote.address().to_string();
    }
    bool first = true;
    bool answered_then_closing = false;
    while (!self->stopping_) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<uint32_t>(self->options_.header_limit));
      parser.body_limit(self->options_.body_limit);
      stream->expires_after(first ? self->options_.read_timeout : self->options_.idle_timeout);
      first = false;
      conn->idle = true;
      if (self->stopping_) {  // Stop() ran between the loop check and marking it idle
        conn->idle = false;
        break;
      }
      auto [ec, bytes] = co_await bhttp::async_read_header(*stream, buffer, parser,
                                                           asio::as_tuple(asio::use_awaitable));
      conn->idle = false;
      std::string framing_error;
      if (!ec) framing_error = FramingError(parser.get());
      if (!ec && framing_error.empty() && !parser.is_done()) {
        stream->expires_after(self->options_.read_timeout);
        std::tie(ec, bytes) = co_await bhttp::async_read(*stream, buffer, parser,
                                                         asio::as_tuple(asio::use_awaitable));
      }
      if (ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted ||
          ec == beast::error::timeout || ec == asio::error::connection_reset ||
          ec == asio::error::bad_descriptor || ec == asio::error::eof) {
        break;
      }
      Response response;
      bool keep_alive = false;
      unsigned version = 11;
      if (ec) {
        response = ReadError(ec);
      } else if (!framing_error.empty()) {
        version = parser.get().version();
        response = PlainError(400, "BAD_REQUEST", framing_error.c_str());
      } else {
        auto& req = parser.get();
        version = req.version();
        keep_alive = req.keep_alive() && !self->stopping_;
        Request request = ToRequest(req, client_ip);
        auto response_call = self->handler_(std::move(request));
        response = co_await std::move(response_call);
        keep_alive = keep_alive && !self->stopping_;
      }
      Serialize(response, version, keep_alive, out);
      stream->expires_after(self->options_.write_timeout);
      auto [wec, written] = co_await asio::async_write(*stream, asio::buffer(out),
                                                       asio::as_tuple(asio::use_awaitable));
      if (wec) break;
      if (!keep_alive) {
        answered_then_closing = true;
        break;
      }
    }
    boost::system::error_code ignored;
    stream->socket().shutdown(tcp::socket::shutdown_send, ignored);
    if (answered_then_closing) {
      // A lingering close (RFC 9112 section 9.6): a client may still be sending what this server
      // did not read (the body of a request refused with 413, say). Closing with unread bytes
      // resets the connection, and a reset can discard the answer before the client reads it;
      // so read and drop what still comes, briefly, before closing.
      stream->expires_after(kLinger);
      std::vector<char> scratch(size_t{8} *
                                1024);  // not in the frame: only a closing session needs it
      size_t dropped = 0;
      while (dropped < kMaxLingerBytes) {
        auto [rec, n] = co_await stream->async_read_some(asio::buffer(scratch),
                                                         asio::as_tuple(asio::use_awaitable));
        if (rec) break;
        dropped += n;
      }
    }
    stream->socket().close(ignored);
  }

  static constexpr std::chrono::milliseconds kLinger{500};
  static constexpr size_t kMaxLingerBytes = 1 << 20;

  void MaybeDrained() {
    if (stopping_ && connections_.load() == 0) Drained();
  }
  void Drained() {
    if (auto done = std::move(on_drained_)) {
      on_drained_ = nullptr;
      done();
    }
  }

  asio::io_context& ioc_;
  ServerOptions options_;
  Handler handler_;
  tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::function<void()> on_drained_;
  std::mutex mu_;
  std::unordered_set<ConnPtr> open_;
};

HttpServer::HttpServer(asio::io_context& ioc, ServerOptions options, Handler handler)
    : impl_(std::make_shared<Impl>(ioc, std::move(options), std::move(handler))) {}
HttpServer::~HttpServer() = default;
absl::Status HttpServer::Start() { return impl_->Start(); }
uint16_t HttpServer::port() const { return impl_->port(); }
const std::string& HttpServer::address() const { return impl_->address(); }
void HttpServer::Stop(std::chrono::milliseconds grace, std::function<void()> on_drained) {
  impl_->Stop(grace, std::move(on_drained));
}

int ServeUntilSignal(const std::string& name, HttpServer& server, boost::asio::io_context& ioc,
                     int threads, const std::function<void()>& on_signal,
                     const std::function<void()>& after_stopped, base::Presence* presence,
                     std::chrono::milliseconds grace) {
  if (absl::Status s = server.Start(); !s.ok()) {
    spdlog::error("{}: {}", name, s.ToString());
    return 1;
  }
  std::vector<std::thread> io_threads;
  io_threads.reserve(static_cast<size_t>(threads));
  for (int i = 0; i < threads; ++i) io_threads.emplace_back([&ioc] { ioc.run(); });
  spdlog::info("{} listening on http://{}:{}", name, server.address(), server.port());
  absl::Status announced = presence ? presence->Announce() : absl::OkStatus();
  if (!announced.ok()) {
    spdlog::error("{}: {}", name, announced.ToString());
  } else {
    const int signal = base::WaitForTerminationSignal();
    spdlog::info("signal {}: stopping (in-flight requests finish first)", signal);
    if (presence != nullptr) presence->Withdraw();
  }
  on_signal();
  server.Stop(grace, [&ioc] { ioc.stop(); });
  for (std::thread& t : io_threads) t.join();
  after_stopped();
  spdlog::info("{} stopped", name);
  return announced.ok() ? 0 : 1;
}

}  // namespace seckill::http
