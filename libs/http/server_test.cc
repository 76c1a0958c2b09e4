// The server and client over a real loopback socket.
#include "libs/http/server.h"

#include <thread>

#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/write.hpp"
#include "gtest/gtest.h"
#include "libs/http/client.h"
#include "libs/http/json.h"

namespace seckill::http {
namespace {

// A server on its own thread and a free port.
class ServerTest : public ::testing::Test {
 protected:
  void Start(ServerOptions options) {
    server_.emplace(ioc_, options, [](Request) -> boost::asio::awaitable<Response> {
      co_return JsonResponse(200, {{"ok", true}});
    });
    ASSERT_TRUE(server_->Start().ok());
    thread_ = std::thread([this] { ioc_.run(); });
  }
  void TearDown() override {
    work_.reset();
    if (server_) server_->Stop(std::chrono::milliseconds(100), [] {});
    ioc_.stop();
    if (thread_.joinable()) thread_.join();
  }

  boost::asio::io_context ioc_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_{
      ioc_.get_executor()};
  std::optional<HttpServer> server_;
  std::thread thread_;
};

// Refused after its headers, a body far larger than the socket buffers is still being sent when
// the server answers: the server drains it before closing (a plain close would reset the
// connection and could discard the answer), and the client reads the answer although its write
// did not finish.
TEST_F(ServerTest, ABodyOverTheLimitIsAnswered413NotReset) {
  ServerOptions options;
  options.body_limit = 1024;
  Start(options);
  // 512 KiB: the server drains it (any client gets the answer); 4 MiB: past what the server
  // drains, so the connection is reset, and this client still reads the answer it was sent.
  for (size_t size : {size_t{512} << 10, size_t{4} << 20}) {
    for (int i = 0; i < 5; ++i) {
      auto r = Fetch("127.0.0.1", server_->port(), "POST", "/", std::string(size, 'x'), {},
                     std::chrono::seconds(10));
      ASSERT_TRUE(r.ok()) << size << " bytes: " << r.status();
      EXPECT_EQ(r->status, 413);
    }
  }
  auto fine = Fetch("127.0.0.1", server_->port(), "POST", "/", "{}", {}, std::chrono::seconds(10));
  ASSERT_TRUE(fine.ok()) << fine.status();
  EXPECT_EQ(fine->status, 200);
  EXPECT_EQ(HeaderValue(*fine, "content-type"), "application/json");
  EXPECT_EQ(fine->body, R"({"ok":true})");
}

// Sends `bytes` on a new connection and returns everything the server writes until it closes.
std::string Exchange(uint16_t port, const std::string& bytes) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  boost::asio::write(socket, boost::asio::buffer(bytes));
  std::string answer;
  boost::system::error_code ec;
  char chunk[4096];
  while (!ec) {
    const size_t n = socket.read_some(boost::asio::buffer(chunk), ec);
    answer.append(chunk, n);
  }
  return answer;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Where a request ends must never be a guess (request smuggling): a Transfer-Encoding that is
// not exactly chunked, one beside a Content-Length, and repeated framing or identity headers are
// answered 400 and the connection closed, so what follows is never read as a request of its own.
TEST_F(ServerTest, AmbiguousFramingIsRefusedAndTheConnectionClosed) {
  Start(ServerOptions{});
  const std::string smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
  for (const std::string& head :
       {std::string("Transfer-Encoding: chunked, gzip\r\n"),
        std::string("Transfer-Encoding: gzip\r\n"),
        std::string("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n"),
        std::string("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"),
        std::string("Content-Length: 0\r\nContent-Length: 0\r\n"),
        std::string("Authorization: Bearer a\r\nAuthorization: Bearer b\r\nContent-Length: 0\r\n"),
        std::string("Content-Type: a/b\r\nContent-Type: c/d\r\nContent-Length: 0\r\n"),
        std::string("Host: y\r\nContent-Length: 0\r\n")}) {
    const std::string answer =
        Exchange(server_->port(), "POST / HTTP/1.1\r\nHost: x\r\n" + head + "\r\n" + smuggled);
    EXPECT_EQ(answer.rfind("HTTP/1.1 400 ", 0), 0u) << head << answer;
    EXPECT_EQ(Count(answer, "HTTP/1.1 "), 1u) << head << answer;  // the rest was not a request
  }
  // Well framed, both ways, on one connection: two answers.
  const std::string fine = Exchange(
      server_->port(),
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
  EXPECT_EQ(Count(fine, "HTTP/1.1 200 "), 2u) << fine;
}

}  // namespace
}  // namespace seckill::http
