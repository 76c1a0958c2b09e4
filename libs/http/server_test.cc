// The server and client over a real loopback socket.
#include "libs/http/server.h"

#include <thread>

#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
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

}  // namespace
}  // namespace seckill::http
