// docs/openapi.yaml and the gateway cannot drift apart: the spec's operations are exactly the
// gateway's routes, and the spec's error codes are exactly the codes the gateway's sources send.
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "boost/asio/io_context.hpp"
#include "boost/asio/thread_pool.hpp"
#include "boost/json/parse.hpp"
#include "gtest/gtest.h"
#include "libs/base/clock.h"
#include "libs/flowcontrol/clock.h"
#include "services/gateway/adapters/hs256_token_codec.h"
#include "services/gateway/adapters/sodium_password_hasher.h"
#include "services/gateway/api/flow_control.h"
#include "services/gateway/api/http_api.h"
#include "services/gateway/api/responses.h"
#include "services/gateway/app/accounts.h"
#include "services/gateway/testing/in_memory_user_repository.h"
#include "yaml-cpp/yaml.h"

namespace seckill::gateway::api {
namespace {

const std::string kSpec = SECKILL_SOURCE_DIR "/docs/openapi.yaml";

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// "METHOD /path status" for every operation of the spec and its success (2xx) statuses.
std::set<std::string> SpecSuccesses() {
  std::set<std::string> successes;
  YAML::Node spec = YAML::LoadFile(kSpec);
  for (const auto& path : spec["paths"]) {
    for (const auto& item : path.second) {
      if (!item.second.IsMap() || !item.second["responses"]) continue;
      for (const auto& response : item.second["responses"]) {
        const std::string status = response.first.as<std::string>();
        if (status.starts_with('2')) {
          successes.insert(Upper(item.first.as<std::string>()) + " " +
                           path.first.as<std::string>() + " " + status);
        }
      }
    }
  }
  return successes;
}

// "METHOD /path" for every operation of the spec.
std::set<std::string> SpecOperations() {
  static const std::set<std::string> kMethods = {"get",   "put",  "post",    "delete",
                                                 "patch", "head", "options", "trace"};
  std::set<std::string> operations;
  YAML::Node spec = YAML::LoadFile(kSpec);
  for (const auto& path : spec["paths"]) {
    for (const auto& item : path.second) {
      const std::string key = item.first.as<std::string>();
      if (kMethods.contains(key))
        operations.insert(Upper(key) + " " + path.first.as<std::string>());
    }
  }
  return operations;
}

struct Gateway {
  std::set<std::string> routes;  // "METHOD /pattern"
  std::string metrics;           // its metrics as built, before any request
};

// A gateway built the way main.cc builds it.
Gateway BuildGateway() {
  base::ManualClock clock{1'800'000'000'000};
  testing::InMemoryUserRepository users;
  boost::asio::thread_pool blocking{1};
  adapters::SodiumPasswordHasher hasher{blocking.get_executor()};
  adapters::Hs256TokenCodec tokens{std::string(32, 'k'), std::chrono::seconds(60)};
  app::Sessions sessions{users, tokens, clock, {}};
  app::LoginGuard guard{clock, {}};
  app::Accounts accounts{users, hasher, sessions, guard};
  flowcontrol::ManualClock flow_clock{std::chrono::seconds(100)};
  FlowControl flow_control{flow_clock};
  boost::asio::io_context io;
  base::Metrics metrics;
  tracing::Tracer tracer{{.service = "seckill-gateway"}, metrics};
  HttpApi api{accounts,     sessions, Backends{},        blocking, flow_control,
              flow_control, clock,    io.get_executor(), metrics,  tracer};
  Gateway gateway;
  for (const std::string& resource : api.Resources()) {
    if (resource.rfind("grpc:", 0) != 0) gateway.routes.insert(resource);
  }
  gateway.metrics = metrics.PrometheusText();
  return gateway;
}

std::set<std::string> GatewayRoutes() { return BuildGateway().routes; }

// The codes of the gateway's error replies: ErrorResponse(STATUS, "CODE", ...) and the HTTP
// layer's PlainError(STATUS, "CODE", ...), and the literals of {"code", ...} JSON members.
std::set<std::string> CodesSentBy(const std::vector<std::string>& files) {
  static const std::regex kCall(R"re((?:ErrorResponse|PlainError)\(\s*\d{3},\s*"([A-Z_]+)")re");
  static const std::regex kMember(R"re(\{"code",([^}]*)\})re");
  static const std::regex kLiteral(R"re("([A-Z][A-Z_]+)")re");
  std::set<std::string> codes;
  for (const std::string& file : files) {
    const std::string text = ReadFile(std::string(SECKILL_SOURCE_DIR "/") + file);
    EXPECT_FALSE(text.empty()) << file << " is missing or empty";
    for (std::sregex_iterator m(text.begin(), text.end(), kCall), end; m != end; ++m)
      codes.insert((*m)[1]);
    for (std::sregex_iterator m(text.begin(), text.end(), kMember), end; m != end; ++m) {
      const std::string expr = (*m)[1];
      for (std::sregex_iterator l(expr.begin(), expr.end(), kLiteral); l != end; ++l)
        codes.insert((*l)[1]);
    }
  }
  return codes;
}

// The codes of the refusal table (responses.cc), asked of it for every refusal of the vocabulary:
// each must have its own row (an answer other than the 500 of a refusal without one).
std::set<std::string> RefusalCodes() {
  std::set<std::string> codes;
  for (int r = common::v1::Refusal_MIN + 1; r <= common::v1::Refusal_MAX; ++r) {
    if (!common::v1::Refusal_IsValid(r)) continue;
    const auto refusal = static_cast<domain::Refusal>(r);
    const http::Response answer = RefusalResponse(refusal);
    EXPECT_NE(answer.status, 500) << common::v1::Refusal_Name(refusal) << " has no HTTP answer";
    codes.insert(std::string(boost::json::parse(answer.body).at("error").at("code").as_string()));
  }
  return codes;
}

std::set<std::string> SpecErrorCodes() {
  YAML::Node code = YAML::LoadFile(
      kSpec)["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"];
  std::set<std::string> codes;
  for (const auto& c : code["enum"]) codes.insert(c.as<std::string>());
  return codes;
}

std::string Join(const std::set<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += "\n  " + item;
  return out;
}

std::set<std::string> Minus(const std::set<std::string>& a, const std::set<std::string>& b) {
  std::set<std::string> out;
  for (const auto& x : a) {
    if (!b.contains(x)) out.insert(x);
  }
  return out;
}

TEST(HttpApiSpecTest, SpecOperationsAreExactlyTheGatewayRoutes) {
  const std::set<std::string> spec = SpecOperations();
  const std::set<std::string> routes = GatewayRoutes();
  ASSERT_GE(routes.size(), 20u);
  EXPECT_TRUE(routes.contains("POST /api/v1/activities/{id}/orders"));
  EXPECT_EQ(Minus(routes, spec), std::set<std::string>{})
      << "routes missing from " << kSpec << ":" << Join(Minus(routes, spec));
  EXPECT_EQ(Minus(spec, routes), std::set<std::string>{})
      << "spec operations the gateway does not serve:" << Join(Minus(spec, routes));
}

// Each route's duration histogram is listed from the start under the success status the spec
// gives it (and the unmatched requests' under 404).
TEST(HttpApiSpecTest, EachRoutesMetricsStartWithItsSpecSuccessStatus) {
  const std::string metrics = BuildGateway().metrics;
  static const std::regex kSeries(
      R"re(seckill_http_server_request_duration_seconds_count\{route="([^"]+)",status="(\d+)"\} 0)re");
  std::set<std::string> listed;
  for (std::sregex_iterator m(metrics.begin(), metrics.end(), kSeries), end; m != end; ++m) {
    listed.insert((*m)[1].str() + " " + (*m)[2].str());
  }
  EXPECT_TRUE(listed.erase("(unmatched) 404"));
  const std::set<std::string> spec = SpecSuccesses();
  EXPECT_EQ(Minus(listed, spec), std::set<std::string>{})
      << "listed with a status the spec does not give:" << Join(Minus(listed, spec));
  EXPECT_EQ(listed.size(), SpecOperations().size()) << "one series per route";
}

TEST(HttpApiSpecTest, SpecErrorCodesAreExactlyTheCodesTheGatewaySends) {
  std::vector<std::string> sources = {"libs/http/server.cc", "libs/http/request_reader.cc"};
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(SECKILL_SOURCE_DIR "/services/gateway/api")) {
    const std::string path = entry.path().string();
    if (path.ends_with(".cc") && !path.ends_with("_test.cc")) {
      sources.push_back(path.substr(std::string(SECKILL_SOURCE_DIR "/").size()));
    }
  }
  std::set<std::string> sent = CodesSentBy(sources);
  sent.merge(RefusalCodes());
  const std::set<std::string> spec = SpecErrorCodes();
  ASSERT_GE(sent.size(), 15u);
  EXPECT_TRUE(sent.contains("SOLD_OUT") && sent.contains("RATE_LIMITED") &&
              sent.contains("PAYLOAD_TOO_LARGE"));
  EXPECT_EQ(Minus(sent, spec), std::set<std::string>{})
      << "codes the gateway sends that the spec lacks:" << Join(Minus(sent, spec));
  EXPECT_EQ(Minus(spec, sent), std::set<std::string>{})
      << "codes in the spec that nothing sends:" << Join(Minus(spec, sent));
}

}  // namespace
}  // namespace seckill::gateway::api
