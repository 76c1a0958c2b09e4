#include "libs/http/client.h"

#include "boost/asio/as_tuple.hpp"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/detached.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/use_awaitable.hpp"
#include "boost/asio/write.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "fmt/format.h"

namespace seckill::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

class Client::Impl {
 public:
  Impl(asio::any_io_executor executor, std::string host, uint16_t port, std::string source)
      : executor_(executor), host_(std::move(host)), port_(port), source_(std::move(source)) {}

  asio::awaitable<absl::StatusOr<Response>> Send(std::string method, std::string target,
                                                 std::string body, Headers headers,
                                                 std::chrono::milliseconds timeout) {
    // The request's bytes, written directly (no Beast message of allocated fields to serialize).
    request_.clear();
    auto to = std::back_inserter(request_);
    fmt::format_to(to, "{} {} HTTP/1.1\r\nHost: {}:{}\r\n", method, target, host_, port_);
    for (const auto& [name, value] : headers) fmt::format_to(to, "{}: {}\r\n", name, value);
    if (!body.empty()) request_ += "Content-Type: application/json\r\n";
    // Every method states its length: a POST without a body says 0, as servers may require.
    if (!body.empty() || method != "GET") fmt::format_to(to, "Content-Length: {}\r\n", body.size());
    request_ += "\r\n";
    request_ += body;
    // A kept-alive connection the server closed meanwhile fails on first use: retry once on a
    // fresh one, but only if nothing of the response arrived (the request was not processed).
    for (int attempt = 0; attempt < 2; ++attempt) {
      const bool reused = stream_ != nullptr;
      if (stream_ == nullptr) {
        stream_ = std::make_unique<beast::tcp_stream>(executor_);
        stream_->expires_after(timeout);
        if (!source_.empty()) {
          boost::system::error_code bind_ec;
          const asio::ip::address source = asio::ip::make_address(source_, bind_ec);
          if (!bind_ec) stream_->socket().open(source.is_v4() ? tcp::v4() : tcp::v6(), bind_ec);
          if (!bind_ec) stream_->socket().bind(tcp::endpoint(source, 0), bind_ec);
          if (bind_ec) {
            stream_.reset();
            co_return absl::UnavailableError(
                fmt::format("binding to {}: {}", source_, bind_ec.message()));
          }
        }
        auto [ec] =
            co_await stream_->async_connect(tcp::endpoint(asio::ip::make_address(host_), port_),
                                            asio::as_tuple(asio::use_awaitable));
        if (ec) {
          stream_.reset();
          co_return absl::UnavailableError(
              fmt::format("connect {}:{}: {}", host_, port_, ec.message()));
        }
        stream_->socket().set_option(tcp::no_delay(true));
      }
      stream_->expires_after(timeout);
      auto [wec, written] = co_await asio::async_write(*stream_, asio::buffer(request_),
                                                       asio::as_tuple(asio::use_awaitable));
      bhttp::response_parser<bhttp::string_body> parser;
      parser.body_limit(uint64_t{64} * 1024 * 1024);
      // A server may answer before it has read the whole request (413 for a body too large) and
      // close: the write then fails, but the answer may be there to read.
      auto [rec, read] = co_await bhttp::async_read(*stream_, buffer_, parser,
                                                    asio::as_tuple(asio::use_awaitable));
      if (rec && wec) rec = wec;
      if (rec) {
        stream_.reset();
        buffer_.clear();
        if (rec == beast::error::timeout)
          co_return absl::DeadlineExceededError("request timed out");
        if (reused && attempt == 0 && !parser.got_some()) continue;
        co_return absl::UnavailableError(fmt::format("request failed: {}", rec.message()));
      }
      auto& res = parser.get();
      Response out;
      out.status = static_cast<int>(res.result_int());
      for (const auto& field : res) {
        std::string name(field.name_string());
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.headers.emplace_back(std::move(name), std::string(field.value()));
      }
      out.body = std::move(res.body());
      // After a failed write the connection is in no state for another request, whatever the
      // answer says.
      if (wec || !res.keep_alive()) stream_.reset();
      co_return out;
    }
    co_return absl::UnavailableError("request failed");
  }

 private:
  asio::any_io_executor executor_;
  std::string host_;
  uint16_t port_;
  std::string source_;  // the local address to connect from, or empty for any
  std::unique_ptr<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
  std::string request_;  // the request being sent; its capacity is kept for the next
};

Client::Client(asio::any_io_executor executor, std::string host, uint16_t port,
               std::string source_address)
    : impl_(std::make_unique<Impl>(executor, std::move(host), port, std::move(source_address))) {}
Client::~Client() = default;

asio::awaitable<absl::StatusOr<Response>> Client::Send(std::string method, std::string target,
                                                       std::string body, Headers headers,
                                                       std::chrono::milliseconds timeout) {
  return impl_->Send(std::move(method), std::move(target), std::move(body), std::move(headers),
                     timeout);
}

absl::StatusOr<Response> Fetch(const std::string& host, uint16_t port, const std::string& method,
                               const std::string& target, const std::string& body,
                               const Headers& headers, std::chrono::milliseconds timeout) {
  asio::io_context ioc;
  Client client(ioc.get_executor(), host, port);
  absl::StatusOr<Response> result = absl::UnknownError("not run");
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        auto result_call = client.Send(method, target, body, headers, timeout);
        result = co_await std::move(result_call);
      },
      asio::detached);
  ioc.run();
  return result;
}

absl::StatusOr<std::string> SendRaw(const std::string& host, uint16_t port,
                                    const std::string& bytes, std::chrono::milliseconds timeout) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  std::string received;
  absl::Status status = absl::OkStatus();
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        stream.expires_after(timeout);
        auto [cec] = co_await stream.async_connect(
            tcp::endpoint(asio::ip::make_address(host), port), asio::as_tuple(asio::use_awaitable));
        if (cec) {
          status = absl::UnavailableError(cec.message());
          co_return;
        }
        // A server may answer and close before reading everything: ignore write errors then.
        co_await asio::async_write(stream, asio::buffer(bytes),
                                   asio::as_tuple(asio::use_awaitable));
        char chunk[4096];
        while (true) {
          auto [rec, n] = co_await stream.async_read_some(asio::buffer(chunk),
                                                          asio::as_tuple(asio::use_awaitable));
          received.append(chunk, n);
          if (rec) break;
        }
      },
      asio::detached);
  ioc.run();
  if (!status.ok()) return status;
  return received;
}

std::string HeaderValue(const Response& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "";
}

}  // namespace seckill::http
