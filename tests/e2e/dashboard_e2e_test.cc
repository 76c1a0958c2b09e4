// The operators' files against the running stack: deploy/prometheus/prometheus.yml scrapes every
// instance `make up` started (through the targets file stack.sh writes), and every metric
// deploy/grafana/seckill-dashboard.json queries is in their live /metrics.
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "boost/json/parse.hpp"
#include "gtest/gtest.h"
#include "libs/base/url.h"
#include "libs/http/client.h"
#include "tests/support/stack_env.h"
#include "yaml-cpp/yaml.h"

namespace seckill::testing {
namespace {

namespace fs = std::filesystem;
const fs::path kSource = SECKILL_SOURCE_DIR;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> Split(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// "host:port" of a URL.
std::string HostPort(const std::string& url) {
  auto parsed = base::ParseUrl(url, 80);
  return parsed.ok() ? parsed->host + ":" + std::to_string(parsed->port) : url;
}

// The targets Prometheus would scrape: the file_sd files of prometheus.yml, read as it reads them.
std::set<std::string> PrometheusTargets() {
  const fs::path config = kSource / "deploy/prometheus/prometheus.yml";
  YAML::Node yaml = YAML::LoadFile(config.string());
  std::set<std::string> targets;
  for (const auto& job : yaml["scrape_configs"]) {
    for (const auto& sd : job["file_sd_configs"]) {
      for (const auto& file : sd["files"]) {
        const fs::path path = config.parent_path() / file.as<std::string>();
        const std::string text = ReadFile(path);
        EXPECT_FALSE(text.empty()) << path << " is missing: `make up` writes it";
        if (text.empty()) continue;
        const boost::json::value groups = boost::json::parse(text);
        for (const auto& group : groups.as_array()) {
          for (const auto& target : group.at("targets").as_array()) {
            targets.insert(std::string(target.as_string()));
          }
        }
      }
    }
  }
  return targets;
}

TEST(DashboardE2eTest, PrometheusScrapesEveryInstanceOfTheStack) {
  const StackEnv& env = StackEnv::Get();
  std::set<std::string> expected = {HostPort(env.At("SECKILL_RABBITMQ_METRICS_URL"))};
  for (const char* key : {"SECKILL_GATEWAY_HEALTH_URLS", "SECKILL_PRODUCT_HEALTH_URLS",
                          "SECKILL_ORDER_HEALTH_URLS"}) {
    for (const std::string& url : Split(env.At(key))) expected.insert(HostPort(url));
  }
  EXPECT_EQ(PrometheusTargets(), expected);
}

TEST(DashboardE2eTest, EveryMetricTheDashboardQueriesIsLive) {
  std::string live;
  for (const std::string& target : PrometheusTargets()) {
    const size_t colon = target.rfind(':');
    auto metrics =
        http::Fetch(target.substr(0, colon),
                    static_cast<uint16_t>(std::stoi(target.substr(colon + 1))), "GET", "/metrics");
    ASSERT_TRUE(metrics.ok() && metrics->status == 200) << target;
    live += "\n" + metrics->body;
  }
  const boost::json::value dashboard =
      boost::json::parse(ReadFile(kSource / "deploy/grafana/seckill-dashboard.json"));
  static const std::regex kMetric(R"re(\b((?:seckill|process|rabbitmq)_[a-z0-9_]+)\b)re");
  std::set<std::string> queried;
  for (const auto& panel : dashboard.at("panels").as_array()) {
    for (const auto& target : panel.at("targets").as_array()) {
      const std::string expr(target.at("expr").as_string());
      for (std::sregex_iterator m(expr.begin(), expr.end(), kMetric), end; m != end; ++m) {
        queried.insert((*m)[1]);
      }
    }
  }
  ASSERT_GE(queried.size(), 15u);
  for (const std::string& name : queried) {
    const bool sampled = live.find("\n" + name + "{") != std::string::npos ||
                         live.find("\n" + name + " ") != std::string::npos;
    // Families read at scrape time may have no sample yet (no breaker rule, no current sale,
    // no sweep run): declared is enough for those.
    const bool declared = live.find("\n# TYPE " + name + " ") != std::string::npos;
    EXPECT_TRUE(sampled || declared)
        << name << " is queried by the dashboard but no service lists it";
  }
}

}  // namespace
}  // namespace seckill::testing
