#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "boost/asio/any_io_executor.hpp"
#include "boost/asio/awaitable.hpp"
#include "libs/http/message.h"

namespace seckill::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

// An HTTP/1.1 client over one keep-alive connection, reconnecting when the server closes it.
// For the load tool and tests. One request at a time per client; not thread-safe.
class Client {
 public:
  // `source_address`, if set, is the local address connections come from (tests that play many
  // clients use 127.0.0.0/8's other addresses).
  Client(boost::asio::any_io_executor executor, std::string host, uint16_t port,
         std::string source_address = "");
  ~Client();

  // The response (any status), UNAVAILABLE on connection failure, DEADLINE_EXCEEDED on timeout.
  // Response::headers holds the response headers with lower-cased names.
  boost::asio::awaitable<absl::StatusOr<Response>> Send(std::string method, std::string target,
                                                        std::string body, Headers headers,
                                                        std::chrono::milliseconds timeout);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Blocking one-shot request on its own connection; for tests and tools.
absl::StatusOr<Response> Fetch(const std::string& host, uint16_t port, const std::string& method,
                               const std::string& target, const std::string& body = "",
                               const Headers& headers = {},
                               std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Sends raw bytes and returns everything the server answers until it closes or `timeout`
// passes; for tests of malformed requests.
absl::StatusOr<std::string> SendRaw(const std::string& host, uint16_t port,
                                    const std::string& bytes,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(5));

// The value of a response header (name lower case), or "".
std::string HeaderValue(const Response& response, const std::string& name);

}  // namespace seckill::http
