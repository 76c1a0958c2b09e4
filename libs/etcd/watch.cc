#include "libs/etcd/watch.h"

#include <mutex>
#include <utility>

#include "absl/strings/escaping.h"
#include "boost/asio/as_tuple.hpp"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/detached.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/strand.hpp"
#include "boost/asio/use_awaitable.hpp"
#include "boost/asio/write.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "fmt/format.h"
#include "libs/base/backoff.h"
#include "libs/base/status.h"
#include "libs/etcd/gateway_json.h"
#include "spdlog/spdlog.h"

namespace seckill::etcd {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;

struct PrefixWatch::State {
  State(asio::any_io_executor executor, Options options_in, std::string prefix_in,
        OnChange on_change_in)
      : client(executor, options_in),
        options(std::move(options_in)),
        prefix(std::move(prefix_in)),
        on_change(std::move(on_change_in)),
        timer(executor) {}

  Client client;
  Options options;
  std::string prefix;
  OnChange on_change;
  asio::steady_timer timer;
  std::unique_ptr<beast::tcp_stream> stream;  // the watch's connection while it is open
  Snapshot snapshot;
  std::mutex report_mu;  // held while on_change runs, and by Stop()
  bool stopped = false;  // under report_mu

  void Report() {
    std::lock_guard lock(report_mu);
    if (!stopped) on_change(snapshot);
  }
  bool Stopped() {
    std::lock_guard lock(report_mu);
    return stopped;
  }

  // Applies one watch answer; false when the watch has ended (cancelled, compacted, failed).
  absl::StatusOr<bool> Apply(std::string_view line) {
    boost::system::error_code ec;
    json::value parsed = json::parse(line, ec);
    if (ec || !parsed.is_object()) {
      return absl::InternalError("etcd's watch sent something that is not a JSON object");
    }
    const json::object& message = parsed.as_object();
    if (const json::value* error = message.if_contains("error");
        error != nullptr && error->is_object()) {
      return ErrorStatus(error->as_object(), 200);
    }
    const json::value* result_value = message.if_contains("result");
    if (result_value == nullptr || !result_value->is_object()) return true;
    const json::object& result = result_value->as_object();
    if (IntField(result, "compact_revision") > 0) {
      return absl::OutOfRangeError("the watch's revision was compacted: reading again");
    }
    if (const json::value* canceled = result.if_contains("canceled");
        canceled != nullptr && canceled->is_bool() && canceled->as_bool()) {
      return absl::AbortedError("etcd cancelled the watch");
    }
    const json::value* events = result.if_contains("events");
    if (events == nullptr || !events->is_array() || events->as_array().empty()) return true;
    for (const json::value& event : events->as_array()) {
      if (!event.is_object()) continue;
      const json::value* kv = event.as_object().if_contains("kv");
      if (kv == nullptr || !kv->is_object()) continue;
      auto parsed_kv = ParseKeyValue(kv->as_object());
      if (!parsed_kv.ok()) return parsed_kv.status();
      // PUT is the default and is omitted.
      const json::value* type = event.as_object().if_contains("type");
      if (type != nullptr && type->is_string() && type->as_string() == "DELETE") {
        snapshot.erase(parsed_kv->key);
      } else {
        snapshot[parsed_kv->key] = std::move(parsed_kv->value);
      }
    }
    Report();
    return true;
  }

  // Watches from `revision` until the stream ends; its reason.
  asio::awaitable<absl::Status> Follow(int64_t revision) {
    auto authenticating = client.Token();
    absl::StatusOr<std::string> token = co_await std::move(authenticating);
    if (!token.ok()) co_return token.status();
    json::object create{{"key", absl::Base64Escape(prefix)},
                        {"range_end", absl::Base64Escape(PrefixEnd(prefix))},
                        {"start_revision", std::to_string(revision)}};
    const std::string body = json::serialize(json::object{{"create_request", std::move(create)}});
    std::string request = fmt::format(
        "POST /v3/watch HTTP/1.1\r\nHost: {}:{}\r\nContent-Type: application/json\r\n"
        "Content-Length: {}\r\n",
        options.host, options.port, body.size());
    if (!token->empty()) request += fmt::format("Authorization: {}\r\n", *token);
    request += "\r\n" + body;

    stream = std::make_unique<beast::tcp_stream>(timer.get_executor());
    stream->expires_after(options.timeout);
    auto [cec] = co_await stream->async_connect(
        tcp::endpoint(asio::ip::make_address(options.host), options.port),
        asio::as_tuple(asio::use_awaitable));
    if (cec) co_return absl::UnavailableError(fmt::format("etcd watch: {}", cec.message()));
    auto [wec, written] = co_await asio::async_write(*stream, asio::buffer(request),
                                                     asio::as_tuple(asio::use_awaitable));
    if (wec) co_return absl::UnavailableError(fmt::format("etcd watch: {}", wec.message()));

    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(boost::none);
    std::string pending;  // streamed bytes not yet a whole line
    auto on_chunk = [&pending](uint64_t, beast::string_view data, boost::system::error_code&) {
      pending.append(data.data(), data.size());
      return data.size();
    };
    parser.on_chunk_body(on_chunk);
    beast::flat_buffer buffer;
    auto [hec, header_bytes] = co_await bhttp::async_read_header(
        *stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
    if (hec) co_return absl::UnavailableError(fmt::format("etcd watch: {}", hec.message()));
    // A refusal comes as a whole (not streamed) answer.
    if (parser.get().result_int() != 200 || !parser.chunked()) {
      stream->expires_after(options.timeout);
      // A failed read leaves what arrived, which says as much as can be said.
      (void)co_await bhttp::async_read(*stream, buffer, parser,
                                       asio::as_tuple(asio::use_awaitable));
      http::Response response;
      response.status = static_cast<int>(parser.get().result_int());
      response.body = parser.get().body() + pending;
      auto answer = ParseAnswer(response);
      co_return answer.ok() ? absl::UnavailableError("etcd's watch answered without a stream")
                            : answer.status();
    }
    // Events come when they happen: no deadline while the stream is open.
    stream->expires_never();
    while (!parser.is_done()) {
      auto [rec, read] = co_await bhttp::async_read_some(*stream, buffer, parser,
                                                         asio::as_tuple(asio::use_awaitable));
      if (rec) co_return absl::UnavailableError(fmt::format("etcd watch: {}", rec.message()));
      // grpc-gateway ends each streamed message with a newline.
      size_t start = 0;
      for (size_t end = pending.find('\n'); end != std::string::npos;
           end = pending.find('\n', start)) {
        auto applied = Apply(std::string_view(pending).substr(start, end - start));
        if (!applied.ok()) co_return applied.status();
        start = end + 1;
      }
      pending.erase(0, start);
    }
    co_return absl::UnavailableError("etcd ended the watch");
  }

  static asio::awaitable<void> Run(std::shared_ptr<State> self) {
    base::Backoff backoff(std::chrono::milliseconds(100), std::chrono::seconds(2));
    bool warned = false;
    while (!self->Stopped()) {
      auto reading = self->client.GetPrefix(self->prefix);
      absl::StatusOr<RangeResult> range = co_await std::move(reading);
      absl::Status ended = range.status();
      if (range.ok()) {
        self->snapshot.clear();
        for (KeyValue& kv : range->kvs) self->snapshot[kv.key] = std::move(kv.value);
        self->Report();
        if (warned) spdlog::info("etcd watch of {}: following again", self->prefix);
        warned = false;
        backoff.Reset();
        auto following = self->Follow(range->revision + 1);
        ended = co_await std::move(following);
        self->stream.reset();
      }
      if (self->Stopped()) break;
      // A compaction is routine: read again at once. Anything else is logged once per outage.
      if (absl::IsOutOfRange(ended)) continue;
      if (!warned) {
        spdlog::warn("etcd watch of {}: {} (the last known set stands; retrying)", self->prefix,
                     base::Message(ended));
        warned = true;
      }
      self->timer.expires_after(backoff.Next());
      // Cancelled by Stop(): the loop's condition ends it.
      (void)co_await self->timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
  }
};

PrefixWatch::PrefixWatch(asio::any_io_executor executor, Options options, std::string prefix,
                         OnChange on_change)
    // A strand: Stop() may come from another thread of a multi-threaded context.
    : state_(std::make_shared<State>(asio::make_strand(executor), std::move(options),
                                     std::move(prefix), std::move(on_change))) {}

PrefixWatch::~PrefixWatch() { Stop(); }

void PrefixWatch::Start() {
  asio::co_spawn(state_->timer.get_executor(), State::Run(state_), asio::detached);
}

void PrefixWatch::Stop() {
  {
    std::lock_guard lock(state_->report_mu);
    if (state_->stopped) return;
    state_->stopped = true;
  }
  asio::post(state_->timer.get_executor(), [state = state_] {
    state->timer.cancel();
    if (state->stream) state->stream->socket().close();
  });
}

}  // namespace seckill::etcd
