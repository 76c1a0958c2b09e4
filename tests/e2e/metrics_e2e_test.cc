// Every service's /metrics against the running stack: each family listed from the start (zeros,
// not absence), and one order moving the duration histograms of every hop it crosses.
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fmt/format.h"
#include "gtest/gtest.h"
#include "libs/base/url.h"
#include "libs/http/client.h"
#include "tests/support/e2e_fixture.h"

namespace seckill::testing {
namespace {

// GET /metrics at the URL held by `url_key` in stack.env.
std::string Scrape(const std::string& url_key) {
  auto url = base::ParseUrl(StackEnv::Get().At(url_key), 80);
  EXPECT_TRUE(url.ok()) << url_key;
  if (!url.ok()) return "";
  auto metrics = http::Fetch(url->host, url->port, "GET", "/metrics");
  EXPECT_TRUE(metrics.ok() && metrics->status == 200) << url_key;
  return metrics.ok() ? "\n" + metrics->body : "";
}

// The value of one series, written as in the text ("name{a=\"x\"}"); 0 when it is not listed.
double Value(const std::string& text, const std::string& series) {
  const size_t at = text.find("\n" + series + " ");
  return at == std::string::npos ? 0 : std::stod(text.substr(at + series.size() + 2));
}

// The families the text declares (its `# TYPE` lines) that have at least one sample.
std::set<std::string> FamiliesWithSamples(const std::string& text) {
  std::set<std::string> families;
  size_t at = 0;
  while ((at = text.find("\n# TYPE ", at)) != std::string::npos) {
    at += 8;
    const std::string name = text.substr(at, text.find(' ', at) - at);
    const size_t next = text.find('\n', at);
    // The first sample follows the HELP and TYPE lines unless the family is empty.
    if (next != std::string::npos && text.compare(next + 1, name.size(), name) == 0) {
      families.insert(name);
    }
  }
  return families;
}

bool Declared(const std::string& text, const std::string& family) {
  return text.find("\n# TYPE " + family + " ") != std::string::npos;
}

class MetricsE2eTest : public E2eTest {};

TEST_F(MetricsE2eTest, EveryServiceListsEveryFamilyFromTheStart) {
  const std::vector<std::string> process = {
      "process_cpu_seconds_total", "process_resident_memory_bytes",
      "process_open_fds",          "process_virtual_memory_bytes",
      "process_max_fds",           "process_start_time_seconds",
      "seckill_build_info"};
  const struct {
    const char* url_key;
    std::vector<std::string> with_samples;  // besides the process's
    std::vector<std::string> declared;      // listed, possibly with no sample yet
  } services[] = {
      {"SECKILL_GATEWAY_HEALTH_URL",
       {"seckill_http_server_request_duration_seconds", "seckill_rpc_client_duration_seconds",
        "seckill_flow_passed_total", "seckill_flow_blocked_total", "seckill_flow_cluster_gateways",
        "seckill_order_refusals_total"},
       {"seckill_flow_breaker_state"}},
      {"SECKILL_PRODUCT_HEALTH_URL",
       {"seckill_rpc_server_duration_seconds", "seckill_product_reservations_total",
        "seckill_product_stale_reservations_released_total"},
       {"seckill_activity_stock_units"}},
      {"SECKILL_ORDER_HEALTH_URL",
       {"seckill_rpc_server_duration_seconds", "seckill_rpc_client_duration_seconds",
        "seckill_amqp_published_total", "seckill_amqp_publish_results_total",
        "seckill_amqp_deliveries_total", "seckill_amqp_consumer_batch_size",
        "seckill_amqp_settled_total", "seckill_order_accepted_total",
        "seckill_order_recorded_total", "seckill_order_compensations_total",
        "seckill_order_publish_unconfirmed_total", "seckill_order_failed_on_arrival_total",
        "seckill_order_redeliveries_total", "seckill_order_dead_letters_total"},
       {"seckill_order_stock_drift_units"}},
  };
  for (const auto& service : services) {
    const std::string text = Scrape(service.url_key);
    const std::set<std::string> listed = FamiliesWithSamples(text);
    for (const std::vector<std::string>* names : {&process, &service.with_samples}) {
      for (const std::string& name : *names) {
        EXPECT_TRUE(listed.contains(name)) << name << " has no sample at " << service.url_key;
      }
    }
    for (const std::string& name : service.declared) {
      EXPECT_TRUE(Declared(text, name)) << name << " is not declared at " << service.url_key;
    }
  }
  // The broker's own, per queue (make up enables rabbitmq_prometheus). A queue's figures appear
  // at the broker's next statistics round (every 5 s) after it was declared.
  for (const char* queue : {"seckill.orders", "seckill.orders.dead"}) {
    const std::string series =
        fmt::format("\nrabbitmq_queue_messages_ready{{vhost=\"seckill\",queue=\"{}\"}} ", queue);
    bool listed = false;
    for (int i = 0; i < 50 && !listed; ++i) {
      listed = Scrape("SECKILL_RABBITMQ_METRICS_URL").find(series) != std::string::npos;
      if (!listed) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    EXPECT_TRUE(listed) << queue << " has no rabbitmq_queue_messages_ready";
  }
}

TEST_F(MetricsE2eTest, TheGatewaysMetricsAreOnItsOperatorsPortOnly) {
  auto on_api = http::Fetch(client_.host(), client_.port(), "GET", "/metrics");
  ASSERT_TRUE(on_api.ok());
  EXPECT_EQ(on_api->status, 404) << "the public API (and its load balancer) must not list them";
}

// One recorded order counted by every hop: the gateway's route, each gRPC client and server
// between gateway, order and product, the publish and its confirm, the delivery, the stock.
TEST_F(MetricsE2eTest, AnOrderMovesTheMetricsOfEveryHop) {
  const std::string activity = NewActivity(5);
  const std::vector<bench::BuyerAccount> buyers = NewBuyers(1);
  const std::string order_service = "service=\"seckill.order.v1.OrderService\"";
  const std::string product_service = "service=\"seckill.product.v1.ProductService\"";
  const struct {
    const char* url_key;
    std::string series;
  } hops[] = {
      {"SECKILL_GATEWAY_HEALTH_URL",
       "seckill_http_server_request_duration_seconds_count{route=\"POST "
       "/api/v1/activities/{id}/orders\",status=\"202\"}"},
      {"SECKILL_GATEWAY_HEALTH_URL", "seckill_rpc_client_duration_seconds_count{" + order_service +
                                         ",method=\"PlaceOrders\",code=\"OK\"}"},
      {"SECKILL_ORDER_HEALTH_URL", "seckill_rpc_server_duration_seconds_count{" + order_service +
                                       ",method=\"PlaceOrders\",code=\"OK\"}"},
      {"SECKILL_ORDER_HEALTH_URL", "seckill_rpc_client_duration_seconds_count{" + product_service +
                                       ",method=\"ReserveStocks\",code=\"OK\"}"},
      {"SECKILL_PRODUCT_HEALTH_URL", "seckill_rpc_server_duration_seconds_count{" +
                                         product_service +
                                         ",method=\"ReserveStocks\",code=\"OK\"}"},
      {"SECKILL_PRODUCT_HEALTH_URL", "seckill_rpc_server_duration_seconds_count{" +
                                         product_service +
                                         ",method=\"ConfirmReservations\",code=\"OK\"}"},
      {"SECKILL_ORDER_HEALTH_URL",
       "seckill_amqp_publish_results_total{exchange=\"seckill.orders\",result=\"confirmed\"}"},
      {"SECKILL_ORDER_HEALTH_URL",
       "seckill_amqp_settled_total{queue=\"seckill.orders\",disposition=\"ack\"}"},
  };
  std::vector<double> before;
  for (const auto& hop : hops) before.push_back(Value(Scrape(hop.url_key), hop.series));

  PlaceRecorded(activity, buyers[0]);

  for (size_t i = 0; i < std::size(hops); ++i) {
    EXPECT_GE(Value(Scrape(hops[i].url_key), hops[i].series), before[i] + 1) << hops[i].series;
  }
  // The product service reads the stock every second: one sold, four left.
  const std::string sold =
      fmt::format("seckill_activity_stock_units{{activity=\"{}\",state=\"sold\"}}", activity);
  const std::string remaining =
      fmt::format("seckill_activity_stock_units{{activity=\"{}\",state=\"remaining\"}}", activity);
  std::string product;
  for (int i = 0; i < 30; ++i) {
    product = Scrape("SECKILL_PRODUCT_HEALTH_URL");
    if (Value(product, sold) == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(Value(product, sold), 1);
  EXPECT_EQ(Value(product, remaining), 4);

  // The same buyer again: over the limit of one, counted by reason.
  const std::string limited = "seckill_order_refusals_total{reason=\"PURCHASE_LIMIT\"}";
  const double limited_before = Value(Scrape("SECKILL_GATEWAY_HEALTH_URL"), limited);
  const http::Response again = Order(activity, buyers[0].token);
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(Value(Scrape("SECKILL_GATEWAY_HEALTH_URL"), limited), limited_before + 1);
}

}  // namespace
}  // namespace seckill::testing
