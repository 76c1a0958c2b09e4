#include "libs/redis/async_client.h"

#include <atomic>

#include "boost/asio/posix/stream_descriptor.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/strand.hpp"
#include "fmt/format.h"
#include "hiredis/async.h"
#include "hiredis/hiredis.h"
#include "libs/base/await.h"
#include "spdlog/spdlog.h"

namespace seckill::redis {
namespace {

namespace asio = boost::asio;
using Strand = asio::strand<asio::any_io_executor>;

// Drives one redisAsyncContext's socket from Asio. hiredis owns the fd and closes it, so the
// descriptor is released (not closed) in Cleanup. Wait handlers hold a shared_ptr to the
// adapter and check `closed` because hiredis may free the context inside a handler.
struct SocketAdapter : std::enable_shared_from_this<SocketAdapter> {
  SocketAdapter(Strand strand, redisAsyncContext* context)
      : ctx(context), socket(strand, context->c.fd) {}

  void ArmRead() {
    if (read_armed || closed || !want_read) return;
    read_armed = true;
    socket.async_wait(asio::posix::descriptor_base::wait_read,
                      [self = shared_from_this()](boost::system::error_code ec) {
                        self->read_armed = false;
                        if (ec || self->closed) return;
                        if (self->want_read) redisAsyncHandleRead(self->ctx);
                        self->ArmRead();
                      });
  }
  void ArmWrite() {
    if (write_armed || closed || !want_write) return;
    write_armed = true;
    socket.async_wait(asio::posix::descriptor_base::wait_write,
                      [self = shared_from_this()](boost::system::error_code ec) {
                        self->write_armed = false;
                        if (ec || self->closed) return;
                        if (self->want_write) redisAsyncHandleWrite(self->ctx);
                        self->ArmWrite();
                      });
  }

  static SocketAdapter* From(void* data) { return static_cast<SocketAdapter*>(data); }
  static void AddRead(void* d) {
    From(d)->want_read = true;
    From(d)->ArmRead();
  }
  static void DelRead(void* d) { From(d)->want_read = false; }
  static void AddWrite(void* d) {
    From(d)->want_write = true;
    From(d)->ArmWrite();
  }
  static void DelWrite(void* d) { From(d)->want_write = false; }
  static void Cleanup(void* d) {
    SocketAdapter* self = From(d);
    self->closed = true;
    self->want_read = self->want_write = false;
    boost::system::error_code ignored;
    self->socket.cancel(ignored);
    self->socket.release();
    self->owner.reset();  // may destroy *self once no handler holds it
  }

  redisAsyncContext* ctx;
  asio::posix::stream_descriptor socket;
  bool want_read = false, want_write = false, read_armed = false, write_armed = false;
  bool closed = false;
  std::shared_ptr<SocketAdapter> owner;  // the reference hiredis holds through ev.data
};

class AsyncClientImpl final : public AsyncClient,
                              public std::enable_shared_from_this<AsyncClientImpl> {
 public:
  AsyncClientImpl(asio::any_io_executor executor, AsyncClientOptions options)
      : strand_(asio::make_strand(executor)),
        options_(std::move(options)),
        reconnect_timer_(strand_),
        backoff_(options_.reconnect_min) {}

  void Start() {
    asio::post(strand_, [self = shared_from_this()] { self->Connect(); });
  }

  void Command(std::vector<std::string> args, Callback done) override {
    asio::post(strand_, [self = shared_from_this(), args = std::move(args),
                         done = std::move(done)]() mutable {
      self->SendOnStrand(std::move(args), std::move(done));
    });
  }

  bool Connected() const override { return connected_.load(); }

  void Close() override {
    asio::post(strand_, [self = shared_from_this()] {
      self->closing_ = true;
      self->reconnect_timer_.cancel();
      if (self->ctx_ != nullptr) redisAsyncDisconnect(self->ctx_);
    });
  }

 private:
  // One in-flight command. Completed once: by the reply, the disconnect, or the timer.
  struct Pending {
    explicit Pending(Strand strand, Callback cb) : timer(strand), done(std::move(cb)) {}
    void Complete(absl::StatusOr<Reply> result) {
      if (completed) return;
      completed = true;
      timer.cancel();
      done(std::move(result));
    }
    asio::steady_timer timer;
    Callback done;
    bool completed = false;
  };

  void SendOnStrand(std::vector<std::string> args, Callback done) {
    if (ctx_ == nullptr || !connected_.load()) {
      done(absl::UnavailableError("redis is not connected"));
      return;
    }
    std::vector<const char*> argv;
    std::vector<size_t> argvlen;
    argv.reserve(args.size());
    argvlen.reserve(args.size());
    for (const std::string& a : args) {
      argv.push_back(a.data());
      argvlen.push_back(a.size());
    }
    auto pending = std::make_shared<Pending>(strand_, std::move(done));
    // hiredis owns one reference until OnReply runs (with a reply, or NULL on disconnect).
    auto* ref = new std::shared_ptr<Pending>(pending);
    if (redisAsyncCommandArgv(ctx_, &AsyncClientImpl::OnReply, ref, static_cast<int>(args.size()),
                              argv.data(), argvlen.data()) != REDIS_OK) {
      delete ref;
      pending->Complete(absl::UnavailableError("redis connection is closing"));
      return;
    }
    pending->timer.expires_after(options_.command_timeout);
    pending->timer.async_wait([pending](boost::system::error_code ec) {
      if (!ec) pending->Complete(absl::DeadlineExceededError("redis command timed out"));
    });
  }

  static void OnReply(redisAsyncContext* /*ctx*/, void* reply, void* privdata) {
    std::unique_ptr<std::shared_ptr<Pending>> ref(static_cast<std::shared_ptr<Pending>*>(privdata));
    if (reply == nullptr) {
      (*ref)->Complete(absl::UnavailableError("redis connection lost"));
      return;
    }
    (*ref)->Complete(CopyReply(static_cast<redisReply*>(reply)));
  }

  void Connect() {
    if (closing_) return;
    redisAsyncContext* ctx = redisAsyncConnect(options_.server.host.c_str(), options_.server.port);
    if (ctx == nullptr || ctx->err != 0) {
      spdlog::warn("redis {}:{}: connect failed: {}", options_.server.host, options_.server.port,
                   ctx != nullptr ? ctx->errstr : "out of memory");
      if (ctx != nullptr) redisAsyncFree(ctx);
      ScheduleReconnect();
      return;
    }
    ctx->data = this;
    auto adapter = std::make_shared<SocketAdapter>(strand_, ctx);
    adapter->owner = adapter;
    ctx->ev.data = adapter.get();
    ctx->ev.addRead = &SocketAdapter::AddRead;
    ctx->ev.delRead = &SocketAdapter::DelRead;
    ctx->ev.addWrite = &SocketAdapter::AddWrite;
    ctx->ev.delWrite = &SocketAdapter::DelWrite;
    ctx->ev.cleanup = &SocketAdapter::Cleanup;
    redisAsyncSetConnectCallback(ctx, &AsyncClientImpl::OnConnect);
    redisAsyncSetDisconnectCallback(ctx, &AsyncClientImpl::OnDisconnect);
    ctx_ = ctx;
    // Keeps the client alive while hiredis may call back into it.
    self_while_connected_ = shared_from_this();
  }

  static void OnConnect(const redisAsyncContext* ctx, int status) {
    auto* self = static_cast<AsyncClientImpl*>(ctx->data);
    if (status != REDIS_OK) {
      spdlog::warn("redis {}:{}: connect failed: {}", self->options_.server.host,
                   self->options_.server.port, ctx->errstr);
      self->ctx_ = nullptr;  // hiredis frees the context after this callback
      self->ScheduleReconnectAndRelease();
      return;
    }
    const std::vector<std::string> auth = self->options_.server.AuthCommand();
    if (auth.empty()) {
      self->OnReady();
      return;
    }
    // The connection counts as up once AUTH succeeds: before that, nothing else is sent on it.
    std::vector<const char*> argv;
    std::vector<size_t> argvlen;
    for (const std::string& a : auth) {
      argv.push_back(a.data());
      argvlen.push_back(a.size());
    }
    redisAsyncCommandArgv(const_cast<redisAsyncContext*>(ctx), &AsyncClientImpl::OnAuth, nullptr,
                          static_cast<int>(argv.size()), argv.data(), argvlen.data());
  }

  static void OnAuth(redisAsyncContext* ctx, void* reply, void* /*privdata*/) {
    auto* self = static_cast<AsyncClientImpl*>(ctx->data);
    const auto* r = static_cast<const redisReply*>(reply);
    if (r == nullptr) return;  // disconnected meanwhile: OnDisconnect reconnects
    if (r->type == REDIS_REPLY_ERROR) {
      // A wrong password stays wrong: retried with back-off, loudly, never served unauthenticated.
      spdlog::error("redis {}: authentication as '{}' refused: {}",
                    self->options_.server.Redacted(),
                    self->options_.server.user.empty() ? "default" : self->options_.server.user,
                    std::string(r->str, r->len));
      redisAsyncDisconnect(ctx);
      return;
    }
    self->OnReady();
  }

  void OnReady() {
    spdlog::info("redis {}:{}: connected", options_.server.host, options_.server.port);
    backoff_ = options_.reconnect_min;
    if (ever_connected_ && options_.on_reconnect) options_.on_reconnect();
    ever_connected_ = true;
    connected_ = true;
  }

  static void OnDisconnect(const redisAsyncContext* ctx, int status) {
    auto* self = static_cast<AsyncClientImpl*>(ctx->data);
    self->connected_ = false;
    self->ctx_ = nullptr;
    if (status != REDIS_OK) {
      spdlog::warn("redis {}:{}: connection lost: {}", self->options_.server.host,
                   self->options_.server.port, ctx->errstr);
    }
    self->ScheduleReconnectAndRelease();
  }

  void ScheduleReconnectAndRelease() {
    auto keep = std::move(self_while_connected_);
    ScheduleReconnect();
  }

  void ScheduleReconnect() {
    if (closing_ || reconnect_pending_) return;
    reconnect_pending_ = true;
    reconnect_timer_.expires_after(backoff_);
    backoff_ = std::min(backoff_ * 2, options_.reconnect_max);
    reconnect_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      self->reconnect_pending_ = false;
      if (!ec) self->Connect();
    });
  }

  Strand strand_;
  AsyncClientOptions options_;
  asio::steady_timer reconnect_timer_;
  std::chrono::milliseconds backoff_;
  redisAsyncContext* ctx_ = nullptr;
  std::atomic<bool> connected_{false};
  bool closing_ = false;
  bool reconnect_pending_ = false;
  bool ever_connected_ = false;
  std::shared_ptr<AsyncClientImpl> self_while_connected_;
};

}  // namespace

std::shared_ptr<AsyncClient> AsyncClient::Create(asio::any_io_executor executor,
                                                 AsyncClientOptions options) {
  auto client = std::make_shared<AsyncClientImpl>(std::move(executor), std::move(options));
  client->Start();
  return client;
}

base::Async<Reply> Await(AsyncClient& client, std::vector<std::string> args) {
  return base::AwaitCallback<absl::StatusOr<Reply>>(
      [&client, args = std::move(args)](auto done) mutable {
        client.Command(std::move(args), std::move(done));
      });
}

}  // namespace seckill::redis
