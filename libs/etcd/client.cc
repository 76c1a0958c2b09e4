#include "libs/etcd/client.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "boost/json/serialize.hpp"
#include "fmt/format.h"
#include "libs/base/status.h"
#include "libs/base/url.h"
#include "libs/etcd/gateway_json.h"
#include "libs/http/client.h"

namespace seckill::etcd {

namespace json = boost::json;

absl::StatusOr<Options> ParseEndpoint(const std::string& endpoint, std::string user,
                                      std::string password) {
  auto url = base::ParseUrl(endpoint, 2379);
  if (!url.ok()) return url.status();
  if (url->scheme != "http") {
    return absl::InvalidArgumentError(fmt::format(
        "etcd endpoint '{}': only http:// is supported (etcd's JSON gateway without TLS)",
        endpoint));
  }
  Options options;
  options.host = url->host;
  options.port = url->port;
  options.user = std::move(user);
  options.password = std::move(password);
  return options;
}

std::string PrefixEnd(const std::string& prefix) {
  std::string end = prefix;
  // The first key after every key with this prefix: the last byte that can be raised, raised.
  while (!end.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(end.back());
    if (last < 0xff) {
      ++last;
      return end;
    }
    end.pop_back();
  }
  return std::string(1, '\0');  // every key
}

class Client::Impl {
 public:
  Impl(boost::asio::any_io_executor executor, const Options& options)
      : http(executor, options.host, options.port) {}
  http::Client http;
  std::string token;
};

Client::Client(boost::asio::any_io_executor executor, Options options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>(executor, options_)) {}
Client::~Client() = default;

base::Async<std::string> Client::Token() {
  if (options_.user.empty() || !impl_->token.empty()) co_return impl_->token;
  json::object request{{"name", options_.user}, {"password", options_.password}};
  auto sent = impl_->http.Send("POST", "/v3/auth/authenticate", json::serialize(request), {},
                               options_.timeout);
  absl::StatusOr<http::Response> response = co_await std::move(sent);
  if (!response.ok()) co_return response.status();
  auto answer = ParseAnswer(*response);
  if (!answer.ok()) {
    co_return absl::Status(answer.status().code(),
                           fmt::format("etcd authentication as '{}': {}", options_.user,
                                       base::Message(answer.status())));
  }
  const json::value* token = answer->if_contains("token");
  if (token == nullptr || !token->is_string()) {
    co_return absl::InternalError("etcd authentication answered without a token");
  }
  impl_->token = std::string(token->as_string());
  co_return impl_->token;
}

base::Async<json::object> Client::Call(std::string path, std::string body) {
  // A token etcd no longer knows (it expired, or etcd restarted) is replaced once.
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto authenticating = Token();
    absl::StatusOr<std::string> token = co_await std::move(authenticating);
    if (!token.ok()) co_return token.status();
    http::Headers headers;
    if (!token->empty()) headers.emplace_back("Authorization", *token);
    auto sent = impl_->http.Send("POST", path, body, std::move(headers), options_.timeout);
    absl::StatusOr<http::Response> response = co_await std::move(sent);
    if (!response.ok()) co_return response.status();
    auto answer = ParseAnswer(*response);
    if (answer.ok() || attempt > 0 || !absl::IsUnauthenticated(answer.status()) ||
        impl_->token.empty()) {
      co_return answer;
    }
    impl_->token.clear();
  }
  co_return absl::InternalError("unreachable");
}

base::Async<RangeResult> Client::GetPrefix(std::string prefix) {
  json::object request{{"key", absl::Base64Escape(prefix)},
                       {"range_end", absl::Base64Escape(PrefixEnd(prefix))}};
  auto calling = Call("/v3/kv/range", json::serialize(request));
  absl::StatusOr<json::object> answer = co_await std::move(calling);
  if (!answer.ok()) co_return answer.status();
  RangeResult result;
  result.revision = HeaderRevision(*answer);
  if (const json::value* kvs = answer->if_contains("kvs"); kvs != nullptr && kvs->is_array()) {
    for (const json::value& kv : kvs->as_array()) {
      if (!kv.is_object()) continue;
      auto parsed = ParseKeyValue(kv.as_object());
      if (!parsed.ok()) co_return parsed.status();
      result.kvs.push_back(std::move(*parsed));
    }
  }
  co_return result;
}

base::Async<bool> Client::CreateIfAbsent(std::string key, std::string value, int64_t lease) {
  const std::string key64 = absl::Base64Escape(key);
  json::object put{{"key", key64}, {"value", absl::Base64Escape(value)}};
  if (lease != 0) put["lease"] = std::to_string(lease);
  // A key that was never created (or was deleted) has create_revision 0.
  json::object request{
      {"compare",
       json::array{json::object{
           {"key", key64}, {"target", "CREATE"}, {"result", "EQUAL"}, {"create_revision", "0"}}}},
      {"success", json::array{json::object{{"request_put", std::move(put)}}}}};
  auto calling = Call("/v3/kv/txn", json::serialize(request));
  absl::StatusOr<json::object> answer = co_await std::move(calling);
  if (!answer.ok()) co_return answer.status();
  const json::value* succeeded = answer->if_contains("succeeded");
  co_return succeeded != nullptr && succeeded->is_bool() && succeeded->as_bool();
}

base::AsyncStatus Client::Put(std::string key, std::string value, int64_t lease) {
  json::object request{{"key", absl::Base64Escape(key)}, {"value", absl::Base64Escape(value)}};
  if (lease != 0) request["lease"] = std::to_string(lease);
  auto calling = Call("/v3/kv/put", json::serialize(request));
  absl::StatusOr<json::object> answer = co_await std::move(calling);
  co_return answer.status();
}

base::AsyncStatus Client::Delete(std::string key) {
  json::object request{{"key", absl::Base64Escape(key)}};
  auto calling = Call("/v3/kv/deleterange", json::serialize(request));
  absl::StatusOr<json::object> answer = co_await std::move(calling);
  co_return answer.status();
}

base::Async<int64_t> Client::GrantLease(std::chrono::seconds ttl) {
  json::object request{{"TTL", std::to_string(ttl.count())}};
  auto calling = Call("/v3/lease/grant", json::serialize(request));
  absl::StatusOr<json::object> answer = co_await std::move(calling);
  if (!answer.ok()) co_return answer.status();
  const int64_t id = IntField(*answer, "ID");
  if (id == 0) co_return absl::InternalError("etcd granted a lease without an id");
  co_return id;
}

base::Async<int64_t> Client::KeepAlive(int64_t lease) {
  // A bidirectional stream in gRPC; through the gateway one request in the body gives one
  // result line.
  json::object request{{"ID", std::to_string(lease)}};
  auto calling = Call("/v3/lease/keepalive", json::serialize(request));
  absl::StatusOr<json::object> answer = co_await std::move(calling);
  if (!answer.ok()) co_return answer.status();
  const json::value* result = answer->if_contains("result");
  if (result == nullptr || !result->is_object()) {
    co_return absl::InternalError("etcd's keep-alive answered without a result");
  }
  // etcd answers TTL 0 (omitted) for a lease that has expired.
  const int64_t ttl = IntField(result->as_object(), "TTL");
  if (ttl <= 0) co_return absl::NotFoundError(fmt::format("etcd lease {:x} has expired", lease));
  co_return ttl;
}

base::AsyncStatus Client::RevokeLease(int64_t lease) {
  json::object request{{"ID", std::to_string(lease)}};
  auto calling = Call("/v3/lease/revoke", json::serialize(request));
  absl::StatusOr<json::object> answer = co_await std::move(calling);
  co_return answer.status();
}

}  // namespace seckill::etcd
