#pragma once
// An etcd v3 client over etcd's JSON gateway (HTTP/1.1 on the client port, keys and values
// base64 in JSON): the key-value, lease and authentication calls the services need. Watching is
// in watch.h. No etcd C++ client is packaged in Debian; the gateway needs only the HTTP client.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "boost/asio/any_io_executor.hpp"
#include "boost/json/object.hpp"
#include "libs/base/async.h"

namespace seckill::etcd {

struct Options {
  std::string host = "127.0.0.1";
  uint16_t port = 2379;
  // Empty when etcd runs without authentication.
  std::string user;
  std::string password;
  std::chrono::milliseconds timeout{2000};
};

// `endpoint` is "http://host:port" (https is not supported: the gateway is reached on loopback or
// a private network; say so in the error).
absl::StatusOr<Options> ParseEndpoint(const std::string& endpoint, std::string user,
                                      std::string password);

struct KeyValue {
  std::string key;
  std::string value;
  int64_t create_revision = 0;
  int64_t mod_revision = 0;
  int64_t lease = 0;
};

struct RangeResult {
  std::vector<KeyValue> kvs;
  // The store's revision when it was read: a watch from revision + 1 misses nothing.
  int64_t revision = 0;
};

// The end of the range of keys that start with `prefix` (etcd's range_end for a prefix).
std::string PrefixEnd(const std::string& prefix);

// One request at a time (callers that need concurrency hold one Client each); not thread-safe.
// Authenticates on first use and again when etcd says the token expired. Every call fails with
// UNAVAILABLE when etcd cannot be reached, with the gRPC code etcd answered otherwise.
class Client {
 public:
  Client(boost::asio::any_io_executor executor, Options options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  base::Async<RangeResult> GetPrefix(std::string prefix);
  // Puts `value` at `key` only if the key does not exist; false when it does.
  base::Async<bool> CreateIfAbsent(std::string key, std::string value, int64_t lease);
  base::AsyncStatus Put(std::string key, std::string value, int64_t lease = 0);
  base::AsyncStatus Delete(std::string key);
  // A lease id whose keys go when it is not kept alive for `ttl`.
  base::Async<int64_t> GrantLease(std::chrono::seconds ttl);
  // The lease's remaining TTL in seconds after the renewal; NOT_FOUND when it has expired.
  base::Async<int64_t> KeepAlive(int64_t lease);
  base::AsyncStatus RevokeLease(int64_t lease);

  // The token header for a request made elsewhere (the watch), authenticating if needed; empty
  // when etcd runs without authentication.
  base::Async<std::string> Token();
  const Options& options() const { return options_; }

 private:
  // POSTs `body` to `path` and returns the answer's JSON object.
  base::Async<boost::json::object> Call(std::string path, std::string body);

  class Impl;
  Options options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace seckill::etcd
