// What the local stack trusts (issue "Trust nothing on the host"), tried as an attacker on the
// same host would: its secrets files are readable by their owner only; the servers refuse
// callers without credentials (root, guest, no password) and each service's own user may do only
// what it needs; the services answer only callers with a certificate from the stack's CA, and
// each caller only the methods its identity is allowed; a buyer's id of 0 means nobody.
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include "boost/json.hpp"
#include "fmt/format.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "libs/amqp/connection.h"
#include "libs/amqp/publisher.h"
#include "libs/http/client.h"
#include "libs/mysql/connection.h"
#include "libs/redis/sync_client.h"
#include "libs/rpc/mutual_tls.h"
#include "seckill/order/v1/order.grpc.pb.h"
#include "seckill/product/v1/product.grpc.pb.h"
#include "services/order/messaging/message_signer.h"
#include "services/order/messaging/order_queue.h"
#include "tests/support/e2e_fixture.h"
#include "tests/support/service_channels.h"
#include "tests/support/stack_clients.h"
#include "tests/support/stack_env.h"

namespace seckill::testing {
namespace {

namespace ov1 = seckill::order::v1;
namespace pv1 = seckill::product::v1;
using grpc::StatusCode;

// The permission bits of `path`, or -1 when it cannot be read.
int ModeOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 07777);
}

TEST(TrustE2eTest, SecretsFilesAreReadableByTheirOwnerOnly) {
  const StackEnv& env = StackEnv::Get();
  const std::string dir = env.path().substr(0, env.path().find_last_of('/'));
  const std::string tls = env.At("SECKILL_TLS_DIR");
  for (const std::string& path : {env.path(), dir + "/jwt.secret", tls + "/ca.key",
                                  tls + "/seckill-gateway.key", tls + "/seckill-gateway-admin.key",
                                  tls + "/seckill-order.key", tls + "/seckill-product.key"}) {
    const int mode = ModeOf(path);
    ASSERT_GE(mode, 0) << path << " is missing";
    EXPECT_EQ(mode & 077, 0) << path << " is readable or writable by others: mode " << std::oct
                             << mode;
  }
}

// Redis: nobody without a password; the product service's user runs the stock functions on the
// ledger's keys and nothing else, the order service's its scripts on the queued orders' keys.
TEST(TrustE2eTest, RedisRefusesCallersWithoutAPasswordAndLimitsTheServicesUser) {
  const StackEnv& env = StackEnv::Get();
  redis::Endpoint anonymous = *redis::Endpoint::FromUrl(env.At("SECKILL_REDIS_URL"));
  anonymous.user.clear();
  anonymous.password.clear();
  redis::SyncClient nobody(anonymous, std::chrono::seconds(2));
  auto ping = nobody.Command({"PING"});
  ASSERT_TRUE(ping.ok()) << ping.status();
  EXPECT_EQ(ping->type, redis::Reply::Type::kError);
  EXPECT_NE(ping->str.find("NOAUTH"), std::string::npos) << ping->str;

  redis::Endpoint wrong = *redis::Endpoint::FromUrl(env.At("SECKILL_REDIS_URL"));
  wrong.password = "guessed";
  redis::SyncClient guesser(wrong, std::chrono::seconds(2));
  EXPECT_EQ(guesser.Command({"PING"}).status().code(), absl::StatusCode::kPermissionDenied);

  redis::SyncClient product(*redis::Endpoint::FromUrl(env.At("SECKILL_REDIS_URL")),
                            std::chrono::seconds(2));
  for (const std::vector<std::string>& command :
       std::vector<std::vector<std::string>>{{"FLUSHALL"},
                                             {"KEYS", "*"},
                                             {"CONFIG", "GET", "requirepass"},
                                             {"EVAL", "return 1", "0"},
                                             {"SET", "not-a-ledger-key", "1"},
                                             {"ACL", "LIST"}}) {
    auto reply = product.Command(command);
    ASSERT_TRUE(reply.ok()) << reply.status();
    EXPECT_EQ(reply->type, redis::Reply::Type::kError) << command.front();
    EXPECT_NE(reply->str.find("NOPERM"), std::string::npos)
        << command.front() << ": " << reply->str;
  }

  // The order service's user runs its scripts on the queued orders' keys only: a script runs
  // with its caller's permissions, so it cannot reach the ledger either.
  redis::SyncClient order(*redis::Endpoint::FromUrl(env.At("SECKILL_QUEUED_ORDERS_REDIS_URL")),
                          std::chrono::seconds(2));
  auto own = order.Command({"HGET", "{queued}:u:1", "1"});
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_NE(own->type, redis::Reply::Type::kError) << own->str;
  for (const std::vector<std::string>& command : std::vector<std::vector<std::string>>{
           {"FLUSHALL"},
           {"KEYS", "*"},
           {"FUNCTION", "LOAD", "REPLACE",
            "#!lua name=x\nredis.register_function('x', "
            "function() return 1 end)"},
           {"GET", "{act:1}:remaining"},
           {"SET", "{act:1}:remaining", "1000"},
           {"EVAL", "return redis.call('SET', KEYS[1], '1000')", "1", "{act:1}:remaining"},
           {"EVAL", "return redis.call('SET', '{act:1}:remaining', '1000')", "0"},
           {"EVAL", "return redis.call('HSET', '{act:1}:info', 'stock', '1000')", "0"},
           {"EVAL", "return redis.call('FLUSHALL')", "0"}}) {
    auto reply = order.Command(command);
    ASSERT_TRUE(reply.ok()) << reply.status();
    EXPECT_EQ(reply->type, redis::Reply::Type::kError) << command.back();
    // Redis words a refusal inside a script its own way.
    EXPECT_TRUE(reply->str.find("NOPERM") != std::string::npos ||
                reply->str.find("can't run this command") != std::string::npos ||
                reply->str.find("can't access at least one of the keys") != std::string::npos)
        << command.back() << ": " << reply->str;
  }
}

// MariaDB: root only through the unix socket (no password over TCP works, the empty one
// included); the services' user reads and writes rows, never changes the schema or grants.
TEST(TrustE2eTest, MariaDbRefusesRootOverTcpAndLimitsTheServicesUser) {
  mysql::ConnectionOptions root = StackDbOptions();
  root.user = "root";
  for (const std::string password : {"", "root", "password"}) {
    root.password = password;
    EXPECT_FALSE(mysql::Connection::Open(root).ok()) << "root with password '" << password << "'";
  }
  auto app = mysql::Connection::Open(StackDbOptions());
  ASSERT_TRUE(app.ok()) << app.status();
  EXPECT_TRUE((*app)->Query("SELECT COUNT(*) FROM orders").ok());
  for (const char* statement :
       {"DROP TABLE orders", "CREATE TABLE pwned (id INT)", "ALTER TABLE orders ADD COLUMN x INT",
        "GRANT ALL ON *.* TO 'seckill'@'127.0.0.1'", "SELECT * FROM mysql.user"}) {
    EXPECT_FALSE((*app)->Execute(statement).ok()) << statement;
  }
  EXPECT_TRUE((*app)->Query("SELECT COUNT(*) FROM orders").ok()) << "the orders table is gone";
}

// RabbitMQ: guest is gone; the services' user sees only its own vhost.
TEST(TrustE2eTest, RabbitMqRefusesGuestAndTheDefaultVhost) {
  // A refused login is answered slowly by the broker; a second is plenty to tell it from a
  // welcome (an accepted login answers in milliseconds).
  amqp::BrokerOptions guest = StackBrokerOptions();
  guest.connect_timeout = std::chrono::seconds(1);
  guest.user = "guest";
  guest.password = "guest";
  EXPECT_FALSE(amqp::Connection::Open(guest).ok());
  guest.vhost = "/";
  EXPECT_FALSE(amqp::Connection::Open(guest).ok());
  amqp::BrokerOptions wrong = guest;
  wrong.user = StackBrokerOptions().user;
  wrong.vhost = StackBrokerOptions().vhost;
  wrong.password = "guessed";
  EXPECT_FALSE(amqp::Connection::Open(wrong).ok());
  amqp::BrokerOptions other_vhost = StackBrokerOptions();
  other_vhost.connect_timeout = std::chrono::seconds(1);
  other_vhost.vhost = "/";
  EXPECT_FALSE(amqp::Connection::Open(other_vhost).ok());
  EXPECT_TRUE(amqp::Connection::Open(StackBrokerOptions()).ok());
}

// etcd: authentication is on; a request without a token is refused.
TEST(TrustE2eTest, EtcdRefusesRequestsWithoutCredentials) {
  const StackEnv& env = StackEnv::Get();
  const std::string host = env.Host("SECKILL_ETCD_ENDPOINTS");
  const uint16_t port = env.Port("SECKILL_ETCD_ENDPOINTS");
  auto put = http::Fetch(host, port, "POST", "/v3/kv/put", R"({"key":"cHduZWQ=","value":"MQ=="})");
  ASSERT_TRUE(put.ok()) << put.status();
  EXPECT_NE(put->status, 200) << put->body;
  auto guessed = http::Fetch(host, port, "POST", "/v3/auth/authenticate",
                             R"({"name":"root","password":"root"})");
  ASSERT_TRUE(guessed.ok()) << guessed.status();
  EXPECT_NE(guessed->status, 200) << guessed->body;
  auto real =
      http::Fetch(host, port, "POST", "/v3/auth/authenticate",
                  fmt::format(R"({{"name":"{}","password":"{}"}})", env.At("SECKILL_ETCD_USER"),
                              env.At("SECKILL_ETCD_PASSWORD")));
  ASSERT_TRUE(real.ok()) << real.status();
  EXPECT_EQ(real->status, 200) << real->body;
}

class TrustE2eGrpcTest : public E2eTest {
 protected:
  // A call's status, with a 5 s deadline.
  template <typename Call>
  static grpc::Status Within5s(Call call) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    return call(&context);
  }
  static std::unique_ptr<ov1::OrderService::Stub> Orders(std::shared_ptr<grpc::Channel> ch) {
    return ov1::OrderService::NewStub(std::move(ch));
  }
  static std::unique_ptr<pv1::ProductService::Stub> Products(std::shared_ptr<grpc::Channel> ch) {
    return pv1::ProductService::NewStub(std::move(ch));
  }
  // The calls an attacker wants: list a victim's orders, take a unit of stock.
  grpc::Status ListVictimsOrders(ov1::OrderService::Stub& orders) {
    ov1::ListOrdersRequest request;
    request.set_user_id(std::stoull(victim_.user_id));
    ov1::ListOrdersResponse reply;
    return Within5s([&](grpc::ClientContext* c) { return orders.ListOrders(c, request, &reply); });
  }
  grpc::Status ReserveAUnit(pv1::ProductService::Stub& products, const std::string& activity) {
    pv1::ReserveStocksRequest request;
    pv1::ReserveStockRequest* item = request.add_items();
    item->set_activity_id(std::stoull(activity));
    item->set_user_id(std::stoull(victim_.user_id));
    item->set_order_id(987654321);
    item->set_quantity(1);
    pv1::ReserveStocksResponse reply;
    return Within5s(
        [&](grpc::ClientContext* c) { return products.ReserveStocks(c, request, &reply); });
  }

  bench::BuyerAccount victim_ = NewBuyers(1).at(0);
};

TEST_F(TrustE2eGrpcTest, EveryServiceAnswersACallWithoutAClientCertificateUnauthenticated) {
  const std::string activity = NewActivity(3);
  auto orders = Orders(ServiceChannel("order", ""));
  auto products = Products(ServiceChannel("product", ""));
  EXPECT_EQ(ListVictimsOrders(*orders).error_code(), StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(ReserveAUnit(*products, activity).error_code(), StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Stats(activity).remaining, 3);
}

TEST_F(TrustE2eGrpcTest, PlainTextCallsGetNoAnswer) {
  const std::string activity = NewActivity(3);
  auto orders = Orders(grpc::CreateChannel(env_.At("SECKILL_ORDER_INSTANCE_ADDR"),
                                           grpc::InsecureChannelCredentials()));
  auto products = Products(grpc::CreateChannel(env_.At("SECKILL_PRODUCT_INSTANCE_ADDR"),
                                               grpc::InsecureChannelCredentials()));
  EXPECT_EQ(ListVictimsOrders(*orders).error_code(), StatusCode::UNAVAILABLE);
  EXPECT_EQ(ReserveAUnit(*products, activity).error_code(), StatusCode::UNAVAILABLE);
  EXPECT_EQ(Stats(activity).remaining, 3);
}

// An attacker's own CA can sign a certificate with any name: the handshake refuses it.
TEST_F(TrustE2eGrpcTest, ACertificateFromAnotherCaIsRefusedAtTheHandshake) {
  const std::string dir = ::testing::TempDir() + "/seckill-rogue-ca";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string make = fmt::format(
      "(cd {0} && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 "
      "-subj '/CN=rogue CA' -keyout ca.key -out ca.crt && "
      "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
      "-subj '/CN={1}' -keyout id.key -out id.csr && "
      "openssl x509 -req -in id.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 "
      "-out id.crt) >/dev/null 2>&1",
      dir, rpc::kGatewayAdminIdentity);
  ASSERT_EQ(std::system(make.c_str()), 0) << make;
  const std::string stack_ca = env_.At("SECKILL_TLS_CA_FILE");
  const std::string activity = NewActivity(3);
  auto orders = Orders(ServiceChannel("order", stack_ca, dir + "/id.crt", dir + "/id.key"));
  auto products = Products(ServiceChannel("product", stack_ca, dir + "/id.crt", dir + "/id.key"));
  EXPECT_EQ(ListVictimsOrders(*orders).error_code(), StatusCode::UNAVAILABLE);
  EXPECT_EQ(ReserveAUnit(*products, activity).error_code(), StatusCode::UNAVAILABLE);
  EXPECT_EQ(Stats(activity).remaining, 3);
}

TEST_F(TrustE2eGrpcTest, EachIdentityCallsOnlyTheMethodsItIsAllowed) {
  const std::string activity = NewActivity(3);
  auto as_gateway = Products(ServiceChannel("product", rpc::kGatewayIdentity));
  auto as_product = Products(ServiceChannel("product", rpc::kProductIdentity));
  auto as_admin = Products(ServiceChannel("product", rpc::kGatewayAdminIdentity));
  // Stock moves only for the order service.
  EXPECT_EQ(ReserveAUnit(*as_gateway, activity).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ReserveAUnit(*as_product, activity).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ReserveAUnit(*as_admin, activity).error_code(), StatusCode::PERMISSION_DENIED);
  pv1::CancelReservationRequest cancel;
  cancel.set_activity_id(std::stoull(activity));
  cancel.set_order_id(1);
  pv1::CancelReservationResponse cancelled;
  EXPECT_EQ(Within5s([&](grpc::ClientContext* c) {
              return as_gateway->CancelReservation(c, cancel, &cancelled);
            }).error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Stats(activity).remaining, 3);
  // Activities are created by the admin identity only.
  pv1::CreateActivityRequest create;
  create.set_product_id(1);
  pv1::CreateActivityResponse created;
  EXPECT_EQ(Within5s([&](grpc::ClientContext* c) {
              return as_gateway->CreateActivity(c, create, &created);
            }).error_code(),
            StatusCode::PERMISSION_DENIED);

  // The operator's order methods need the admin identity; the buyers' need the gateway's.
  auto orders_as_gateway = Orders(ServiceChannel("order", rpc::kGatewayIdentity));
  auto orders_as_admin = Orders(ServiceChannel("order", rpc::kGatewayAdminIdentity));
  auto orders_as_order = Orders(ServiceChannel("order", rpc::kOrderIdentity));
  const ov1::ListDeadLettersRequest list;
  ov1::ListDeadLettersResponse letters;
  EXPECT_EQ(Within5s([&](grpc::ClientContext* c) {
              return orders_as_gateway->ListDeadLetters(c, list, &letters);
            }).error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(Within5s([&](grpc::ClientContext* c) {
                return orders_as_admin->ListDeadLetters(c, list, &letters);
              }).ok());
  EXPECT_EQ(ListVictimsOrders(*orders_as_admin).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ListVictimsOrders(*orders_as_order).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(ListVictimsOrders(*orders_as_gateway).ok());
}

// The order service's cancel took user_id 0 as "any owner": 0 is now refused as no buyer.
TEST_F(TrustE2eGrpcTest, ABuyersIdOfZeroCancelsNothing) {
  const std::string activity = NewActivity(3);
  const std::string order_id = PlaceRecorded(activity, victim_);
  auto orders = Orders(ServiceChannel("order", rpc::kGatewayIdentity));
  ov1::CancelOrderRequest request;
  request.set_order_id(std::stoull(order_id));
  request.set_user_id(0);
  ov1::CancelOrderResponse reply;
  EXPECT_EQ(Within5s([&](grpc::ClientContext* c) {
              return orders->CancelOrder(c, request, &reply);
            }).error_code(),
            StatusCode::INVALID_ARGUMENT);
  auto order = client_.Call("GET", "/api/v1/orders/" + order_id, "", victim_.token);
  ASSERT_TRUE(order.ok());
  EXPECT_EQ(bench::JsonString(order->body, "status"), "CREATED");
  EXPECT_EQ(Stats(activity).remaining, 2);
}

// A paid order's unit is sold: no caller but the order service may cancel a reservation (so
// neither the gateway's identity nor one without a certificate), and the order service itself
// refuses to cancel a paid order. The stock stays sold.
TEST_F(TrustE2eGrpcTest, APaidOrdersReservationCannotBeCancelled) {
  const std::string activity = NewActivity(3);
  const std::string order_id = PlaceRecorded(activity, victim_);
  auto paid = client_.Call("POST", "/api/v1/orders/" + order_id + "/payment", "", victim_.token);
  ASSERT_TRUE(paid.ok());
  ASSERT_EQ(paid->status, 200) << paid->body;
  pv1::CancelReservationRequest cancel;
  cancel.set_activity_id(std::stoull(activity));
  cancel.set_order_id(std::stoull(order_id));
  pv1::CancelReservationResponse cancelled;
  for (const std::string& identity : {std::string(rpc::kGatewayIdentity), std::string()}) {
    auto products = Products(ServiceChannel("product", identity));
    const grpc::Status status = Within5s(
        [&](grpc::ClientContext* c) { return products->CancelReservation(c, cancel, &cancelled); });
    EXPECT_FALSE(status.ok()) << "as '" << identity << "'";
  }
  auto refused = client_.Call("POST", "/api/v1/orders/" + order_id + "/cancel", "", victim_.token);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 409) << refused->body;
  const auto stats = Stats(activity);
  EXPECT_EQ(stats.remaining, 2);
  EXPECT_EQ(stats.paid, 1);
}

// Request smuggling and duplicate identity headers against the running gateway: each is 400 and
// the connection closes, so the request hidden behind it is never served.
TEST_F(TrustE2eGrpcTest, SmugglingAndDuplicateHeadersAre400AtTheGateway) {
  const std::string hidden = "GET /api/v1/orders HTTP/1.1\r\nHost: x\r\n\r\n";
  for (const std::string& head :
       {std::string("Transfer-Encoding: chunked, identity\r\n"),
        std::string("Transfer-Encoding: chunked\r\nContent-Length: 4\r\n"),
        std::string("Content-Length: 0\r\nContent-Length: 0\r\n"),
        "Authorization: Bearer " + victim_.token + "\r\nAuthorization: Bearer x\r\n" +
            "Content-Length: 0\r\n",
        std::string("Host: y\r\nContent-Length: 0\r\n")}) {
    auto answer =
        http::SendRaw(client_.host(), client_.port(),
                      "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\n" + head + "\r\n" + hidden);
    ASSERT_TRUE(answer.ok()) << answer.status();
    EXPECT_EQ(answer->rfind("HTTP/1.1 400 ", 0), 0u) << head << *answer;
    EXPECT_EQ(answer->find("HTTP/1.1 ", 1), std::string::npos) << "a second answer: " << *answer;
  }
}

// Messages: whoever can publish to the broker (with the services' broker password, say) still
// cannot make the consumers act. An OrderPlaced for a real 1-unit reservation claiming 3 units at
// 1 cent, unsigned, signed with another key, or even signed with the services' key (the ledger
// checks the claim), creates no order, moves no stock, and is kept as a dead letter naming no
// order; an early or forged payment deadline cancels nothing.
class TrustE2eMessageTest : public E2eTest {
 protected:
  // Reserves one unit for a new order id, as the order service would before publishing.
  uint64_t ReserveOne(const std::string& activity, const bench::BuyerAccount& buyer) {
    static std::mt19937_64 rng(std::random_device{}());
    const uint64_t order_id = (rng() >> 2) | 1;
    redis::SyncClient redis(*redis::Endpoint::FromUrl(env_.At("SECKILL_REDIS_OPS_URL")),
                            std::chrono::seconds(2));
    const std::string tag = fmt::format("{{act:{}}}", activity);
    auto reserved =
        redis.Command({"FCALL", "seckill_reserve", "7", tag + ":info", tag + ":remaining",
                       tag + ":buyers", tag + ":resv", tag + ":idem", tag + ":inflight",
                       tag + ":pending", std::to_string(order_id), buyer.user_id, "1", ""});
    EXPECT_TRUE(reserved.ok() && reserved->elements.at(0).str == "0") << "not reserved";
    return order_id;
  }
  void Publish(amqp::Message message, const char* exchange, const char* routing_key) {
    amqp::PublisherOptions options;
    options.broker = StackBrokerOptions();
    options.exchange = exchange;
    options.routing_key = routing_key;
    amqp::Publisher publisher(options);
    publisher.Start();
    std::promise<absl::Status> confirmed;
    publisher.Publish(std::move(message), [&](absl::Status s) { confirmed.set_value(s); });
    ASSERT_TRUE(confirmed.get_future().get().ok());
    publisher.Stop();
  }
  // The dead letter kept under `message_id` (its JSON), waiting up to 10 s for it.
  std::optional<boost::json::object> DeadLetter(const std::string& message_id) {
    for (int i = 0; i < 200; ++i) {
      auto listed = client_.Call("GET", "/admin/v1/dead-letters?limit=1000", "", admin_token_);
      if (listed.ok() && listed->status == 200) {
        const boost::json::value listing = boost::json::parse(listed->body);
        for (const auto& d : listing.at("dead_letters").as_array()) {
          if (d.at("message_id").as_string() == message_id) return d.as_object();
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return std::nullopt;
  }
  std::string StatusOf(uint64_t order_id, const bench::BuyerAccount& buyer) {
    auto r = client_.Call("GET", "/api/v1/orders/" + std::to_string(order_id), "", buyer.token);
    return r.ok() && r->status == 200 ? bench::JsonString(r->body, "status")
                                      : "HTTP " + std::to_string(r.ok() ? r->status : 0);
  }
};

TEST_F(TrustE2eMessageTest, AForgedOrderMessageChangesNothing) {
  const std::string activity = NewActivity(5, 5);
  const bench::BuyerAccount buyer = NewBuyers(1).at(0);
  const order::messaging::MessageSigner other_key("an attacker's key, also 32 bytes or more");
  const order::messaging::MessageSigner services_key(env_.At("SECKILL_MESSAGES_KEY"));
  enum class Signed { kNot, kWithAnotherKey, kWithTheServicesKey };
  for (const Signed how : {Signed::kNot, Signed::kWithAnotherKey, Signed::kWithTheServicesKey}) {
    const uint64_t order_id = ReserveOne(activity, buyer);
    const auto before = Stats(activity);
    const order::domain::Order forged{order_id,
                                      std::stoull(activity),
                                      std::stoull(buyer.user_id),
                                      3,
                                      1,
                                      order::domain::OrderStatus::kQueued,
                                      1};
    amqp::Message message{order::messaging::EncodeOrderPlaced(forged, ""),
                          fmt::format("forged-{}", order_id)};
    if (how == Signed::kWithAnotherKey) other_key.Sign(message);
    if (how == Signed::kWithTheServicesKey) services_key.Sign(message);
    Publish(std::move(message), order::messaging::kOrderExchange,
            order::messaging::kOrderRoutingKey);
    const auto kept = DeadLetter(fmt::format("forged-{}", order_id));
    ASSERT_TRUE(kept.has_value()) << "the forged message was not kept as a dead letter";
    EXPECT_TRUE(kept->at("order_id").is_null()) << boost::json::serialize(*kept);
    EXPECT_NE(kept->at("reason").as_string().find(how == Signed::kNot ? "unsigned" : "forged"),
              std::string::npos)
        << boost::json::serialize(*kept);
    const auto after = Stats(activity);
    EXPECT_EQ(after.remaining, before.remaining);
    EXPECT_EQ(after.created, 0);
    EXPECT_EQ(after.failed, 0);
    EXPECT_NE(StatusOf(order_id, buyer), "CREATED");
  }
}

// A payment deadline, unsigned or even signed with the services' key, cancels an order only once
// the order's own deadline has passed.
TEST_F(TrustE2eMessageTest, AnEarlyOrForgedPaymentDeadlineCancelsNothing) {
  const std::string activity = NewActivity(5, 1);
  const bench::BuyerAccount victim = NewBuyers(1).at(0);
  const std::string order_id = PlaceRecorded(activity, victim);
  const order::messaging::MessageSigner services_key(env_.At("SECKILL_MESSAGES_KEY"));
  for (const bool signed_by_services : {false, true}) {
    amqp::Message deadline{
        order::messaging::EncodePaymentDeadlines(
            {{std::stoull(order_id), std::stoull(activity), std::stoull(victim.user_id), 1, 1000,
              order::domain::OrderStatus::kCreated, 1}}),
        fmt::format("early-deadline-{}-{}", order_id, signed_by_services)};
    deadline.headers.emplace_back(order::messaging::kMessageHeader,
                                  order::messaging::kPaymentDeadlinesMessage);
    if (signed_by_services) services_key.Sign(deadline);
    // Straight to the expired queue's exchange: as if its payment time had run out.
    Publish(std::move(deadline), order::messaging::kExpiryExchange,
            order::messaging::kDeadlineRoutingKey);
    // The expired queue's consumer handles a delivery in milliseconds; give it 1.5 s.
    for (int i = 0; i < 30; ++i) {
      ASSERT_EQ(StatusOf(std::stoull(order_id), victim), "CREATED")
          << (signed_by_services ? "signed" : "unsigned") << ", after " << i * 50 << " ms";
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  EXPECT_EQ(Stats(activity).remaining, 4);
}

}  // namespace
}  // namespace seckill::testing
