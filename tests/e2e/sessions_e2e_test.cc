// Logins and tokens at the HTTP edge (issue "Trust nothing on the host"): a buyer's logout and
// an admin's "revoke all of user X" take effect at once; a correctly signed token for a user that
// does not exist is refused; the real admin logs in while other addresses flood the login route;
// guessing and registering from one address are slowed; and the admin account is what the
// gateway's settings say (a second gateway of this build is started to show it).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

#include "boost/asio/co_spawn.hpp"
#include "boost/asio/detached.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/this_coro.hpp"
#include "fmt/format.h"
#include "gtest/gtest.h"
#include "libs/http/client.h"
#include "services/gateway/adapters/hs256_token_codec.h"
#include "tests/support/e2e_fixture.h"

namespace seckill::testing {
namespace {

class SessionsE2eTest : public E2eTest {
 protected:
  int Status(const std::string& method, const std::string& target, const std::string& token,
             const std::string& body = "") {
    auto r = client_.Call(method, target, body, token);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->status : 0;
  }
  // The buyer's own orders: 200 while the token stands, 401 once it is revoked.
  int ListOrders(const std::string& token) { return Status("GET", "/api/v1/orders", token); }
};

TEST_F(SessionsE2eTest, LoggingOutRevokesThatTokenAtOnceAndNoOther) {
  const bench::BuyerAccount buyer = NewBuyers(1).front();
  auto second = client_.Login(buyer.username, "e2e-password");
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(ListOrders(buyer.token), 200);

  EXPECT_EQ(Status("POST", "/api/v1/sessions/current:revoke", buyer.token), 200);
  EXPECT_EQ(ListOrders(buyer.token), 401);
  EXPECT_EQ(Status("POST", "/api/v1/sessions/current:revoke", buyer.token), 401);
  EXPECT_EQ(ListOrders(*second), 200) << "another session of the same buyer stands";
}

TEST_F(SessionsE2eTest, AnAdminRevokesEveryTokenOfAUser) {
  const std::vector<bench::BuyerAccount> buyers = NewBuyers(2);
  const bench::BuyerAccount& victim = buyers[0];
  const bench::BuyerAccount& bystander = buyers[1];
  auto second = client_.Login(victim.username, "e2e-password");
  ASSERT_TRUE(second.ok()) << second.status();
  const std::string target = "/admin/v1/users/" + victim.user_id + "/sessions:revoke";

  EXPECT_EQ(Status("POST", target, bystander.token), 403) << "buyers may not";
  EXPECT_EQ(Status("POST", target, admin_token_), 200);
  EXPECT_EQ(ListOrders(victim.token), 401);
  EXPECT_EQ(ListOrders(*second), 401);
  EXPECT_EQ(ListOrders(bystander.token), 200);
  auto again = client_.Login(victim.username, "e2e-password");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(ListOrders(*again), 200) << "a login after the revocation stands";

  EXPECT_EQ(Status("POST", "/admin/v1/users/999999999999/sessions:revoke", admin_token_), 404);
  EXPECT_EQ(Status("POST", "/admin/v1/users/0/sessions:revoke", admin_token_), 400);
}

// Signed with the stack's own key: what a token of a deleted account, or one from before the
// database was reset, looks like.
TEST_F(SessionsE2eTest, ATokenForAUserThatDoesNotExistIsRefused) {
  const gateway::adapters::Hs256TokenCodec codec(env_.At("SECKILL_JWT_SECRET"),
                                                 std::chrono::seconds(600));
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  const gateway::domain::Token ghost =
      codec.Issue({999'999'999'999, gateway::domain::Role::kBuyer}, 1, now_ms);
  EXPECT_EQ(ListOrders(ghost.value), 401);
  // The control: the same key and claims for a real buyer pass.
  const bench::BuyerAccount buyer = NewBuyers(1).front();
  const gateway::domain::Token real =
      codec.Issue({std::stoull(buyer.user_id), gateway::domain::Role::kBuyer}, 1, now_ms);
  EXPECT_EQ(ListOrders(real.value), 200);
}

// What a flood of logins got back, by status and reason.
struct FloodCounts {
  std::mutex mu;
  std::map<std::string, int64_t> by_answer;
  void Add(const std::string& answer) {
    std::lock_guard lock(mu);
    ++by_answer[answer];
  }
};

// One flooding connection from `source` until `deadline`: junk bodies, wrong passwords for
// made-up accounts, and wrong passwords for the admin's own account, back to back.
boost::asio::awaitable<void> Flood(std::string host, uint16_t port, std::string source,
                                   std::string admin_user,
                                   std::chrono::steady_clock::time_point deadline,
                                   FloodCounts& counts, int seed) {
  http::Client client(co_await boost::asio::this_coro::executor, host, port, source);
  for (int i = seed; std::chrono::steady_clock::now() < deadline; ++i) {
    std::string body;
    switch (i % 3) {
      case 0:
        body = R"({"username":)";  // not even JSON
        break;
      case 1:
        body = fmt::format(R"({{"username":"nobody-{}","password":"guess-{}"}})", i, i);
        break;
      default:
        body = fmt::format(R"({{"username":"{}","password":"guess-{}"}})", admin_user, i);
    }
    auto sending = client.Send("POST", "/api/v1/sessions", body, {}, std::chrono::seconds(10));
    const absl::StatusOr<http::Response> r = co_await std::move(sending);
    if (!r.ok()) {
      counts.Add("error");
      continue;
    }
    std::string answer = std::to_string(r->status);
    if (r->status == 429) {
      const size_t reason = r->body.find(R"("reason":")");
      if (reason != std::string::npos) {
        answer += " " + r->body.substr(reason + 10, r->body.find('"', reason + 10) - reason - 10);
      }
    }
    counts.Add(answer);
  }
}

TEST_F(SessionsE2eTest, TheAdminLogsInDuringATenSecondFloodOfJunkLogins) {
  const std::string admin_user = env_.At("SECKILL_ADMIN_USER");
  const std::string admin_password = env_.At("SECKILL_ADMIN_PASSWORD");
  FloodCounts counts;
  boost::asio::io_context io;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  // Eight other client addresses on the loopback network, four connections each; and junk from
  // the admin's own address (which, refused before admission, must cost the admin nothing).
  for (int address = 2; address <= 9; ++address) {
    const std::string source = fmt::format("127.0.0.{}", address);
    for (int connection = 0; connection < 4; ++connection) {
      boost::asio::co_spawn(
          io,
          Flood(client_.host(), client_.port(), source, admin_user, deadline, counts, connection),
          boost::asio::detached);
    }
  }
  std::thread flood([&io] { io.run(); });

  int logged_in = 0;
  std::vector<int64_t> latencies_ms;
  const auto flood_start = deadline - std::chrono::seconds(10);
  // Three logins, a second into the flood and then every 2.5 s (each waits its turn for password
  // work behind the flooders' jobs: seconds, on two busy cores).
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::this_thread::sleep_until(flood_start + std::chrono::milliseconds(1'000 + 2'500 * attempt));
    const auto start = std::chrono::steady_clock::now();
    auto token = client_.Login(admin_user, admin_password);
    latencies_ms.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - start)
                               .count());
    EXPECT_TRUE(token.ok()) << "attempt " << attempt << ": " << token.status();
    logged_in += token.ok() ? 1 : 0;
    EXPECT_TRUE(start < deadline) << "the flood ended first";
  }
  flood.join();

  int64_t total = 0;
  std::string summary;
  for (const auto& [answer, n] : counts.by_answer) {
    total += n;
    summary += fmt::format(" {}: {};", answer, n);
  }
  std::string latencies;
  for (int64_t ms : latencies_ms) latencies += fmt::format(" {} ms", ms);
  std::printf("flood: %lld requests in 10 s:%s\nadmin logins: %d of 3, took%s\n",
              static_cast<long long>(total), summary.c_str(), logged_in, latencies.c_str());
  EXPECT_EQ(logged_in, 3);
  // The flood was refused where intended: junk as bad requests, guesses by the bounds on
  // password work and the per-address and per-account budgets.
  EXPECT_GT(counts.by_answer["400"], 0);
  EXPECT_GT(counts.by_answer["429 BUSY"] + counts.by_answer["429 HOTSPOT"] +
                counts.by_answer["429 LOGIN_FAILURES"],
            0);
}

// Repeated failures on one account make that account wait from that address only: the guesser
// is slowed, the owner (elsewhere) is not.
TEST_F(SessionsE2eTest, FailuresSlowTheGuessersAddressOnly) {
  const bench::BuyerAccount buyer = NewBuyers(1).front();
  boost::asio::io_context io;
  std::vector<int> statuses;
  std::string last_body;
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        http::Client guesser(co_await boost::asio::this_coro::executor, client_.host(),
                             client_.port(), "127.0.0.23");
        const std::string body =
            R"({"username":")" + buyer.username + R"(","password":"wrong-guess"})";
        for (int i = 0; i < 4; ++i) {
          auto sending =
              guesser.Send("POST", "/api/v1/sessions", body, {}, std::chrono::seconds(10));
          const absl::StatusOr<http::Response> r = co_await std::move(sending);
          statuses.push_back(r.ok() ? r->status : 0);
          if (r.ok()) last_body = r->body;
        }
      },
      boost::asio::detached);
  io.run();
  EXPECT_EQ(statuses, (std::vector<int>{401, 401, 401, 429}));
  EXPECT_NE(last_body.find("LOGIN_FAILURES"), std::string::npos) << last_body;
  EXPECT_TRUE(client_.Login(buyer.username, "e2e-password").ok()) << "the owner, from elsewhere";
}

// Repeated registrations from one address are refused past its budget (2/s, burst 10): unlimited
// accounts would defeat the per-buyer limit.
TEST_F(SessionsE2eTest, RegistrationsFromOneAddressAreLimited) {
  static std::mt19937_64 rng(std::random_device{}());
  const std::string prefix = fmt::format("reg{}", rng() % 100'000'000);
  boost::asio::io_context io;
  std::map<int, int> statuses;
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        http::Client client(co_await boost::asio::this_coro::executor, client_.host(),
                            client_.port(), "127.0.0.41");
        for (int i = 0; i < 25; ++i) {
          const std::string body =
              fmt::format(R"({{"username":"{}-{}","password":"a-good-password"}})", prefix, i);
          auto sending = client.Send("POST", "/api/v1/users", body, {}, std::chrono::seconds(10));
          const absl::StatusOr<http::Response> r = co_await std::move(sending);
          ++statuses[r.ok() ? r->status : 0];
        }
      },
      boost::asio::detached);
  io.run();
  EXPECT_GT(statuses[429], 0);
  EXPECT_GT(statuses[201], 0);
  EXPECT_EQ(statuses[201] + statuses[429], 25);
}

// A second gateway of this build, beside the stack's (own port, the same database and
// services), with the stack's settings and `overrides` (shell assignments) on top.
class SecondGateway {
 public:
  SecondGateway(const StackEnv& env, uint16_t port, const std::string& overrides)
      : port_(port), log_(fmt::format("/tmp/seckill-second-gateway-{}.log", getpid())) {
    const std::string bin =
        std::filesystem::read_symlink("/proc/self/exe").parent_path() / "seckill-gateway";
    const std::string command = fmt::format(
        "set -a; . '{}'; set +a; export SECKILL_HTTP_PORT={} SECKILL_PROBE_PORT={} "
        "SECKILL_TLS_CERT_FILE=$SECKILL_TLS_DIR/seckill-gateway.crt "
        "SECKILL_TLS_KEY_FILE=$SECKILL_TLS_DIR/seckill-gateway.key {}; "
        "exec '{}' --config '{}/configs/gateway.yaml' >'{}' 2>&1",
        env.path(), port, port + 1, overrides, bin, SECKILL_SOURCE_DIR, log_);
    pid_ = fork();
    if (pid_ == 0) {
      execl("/bin/bash", "bash", "-c", command.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~SecondGateway() {
    if (!exited_) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
    std::filesystem::remove(log_);
  }
  // Its exit status, if it exits within `wait`.
  std::optional<int> ExitStatus(std::chrono::milliseconds wait) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return std::nullopt;
  }
  // Whether it answers /healthz within `wait`.
  bool Serving(std::chrono::milliseconds wait) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < deadline && !ExitStatus({}).has_value()) {
      auto r = http::Fetch("127.0.0.1", port_, "GET", "/healthz", "", {},
                           std::chrono::milliseconds(500));
      if (r.ok() && r->status == 200) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
  std::string Log() const {
    std::ifstream in(log_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  uint16_t port_;
  std::string log_;
  pid_t pid_ = -1;
  bool exited_ = false;
};

constexpr uint16_t kSecondGatewayPort = 17588;

TEST_F(SessionsE2eTest, AGatewayWhoseAdminNameABuyerOwnsRefusesToStart) {
  const bench::BuyerAccount buyer = NewBuyers(1).front();
  SecondGateway gateway(
      env_, kSecondGatewayPort,
      fmt::format("SECKILL_ADMIN_USER='{}' SECKILL_ADMIN_PASSWORD=promote-me-please",
                  buyer.username));
  const std::optional<int> exit = gateway.ExitStatus(std::chrono::seconds(30));
  ASSERT_TRUE(exit.has_value()) << "it started: " << gateway.Log();
  EXPECT_NE(*exit, 0);
  EXPECT_NE(gateway.Log().find("never made admin"), std::string::npos) << gateway.Log();
  // The buyer is still a buyer, with their own password.
  auto token = client_.Login(buyer.username, "e2e-password");
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(Status("GET", "/admin/v1/flow/rules", *token), 403);
  EXPECT_FALSE(client_.Login(buyer.username, "promote-me-please").ok());
}

TEST_F(SessionsE2eTest, ProductionModeRefusesAWellKnownAdminPassword) {
  SecondGateway gateway(env_, kSecondGatewayPort,
                        "SECKILL_MODE=production SECKILL_ADMIN_PASSWORD=admin-dev-password");
  const std::optional<int> exit = gateway.ExitStatus(std::chrono::seconds(30));
  ASSERT_TRUE(exit.has_value()) << "it started: " << gateway.Log();
  EXPECT_NE(*exit, 0);
  EXPECT_NE(gateway.Log().find("well-known"), std::string::npos) << gateway.Log();
}

// The plain-text transport exists to measure what mutual TLS costs; production never runs it.
TEST_F(SessionsE2eTest, ProductionModeRefusesPlainTextBetweenTheServices) {
  SecondGateway gateway(env_, kSecondGatewayPort,
                        "SECKILL_MODE=production SECKILL_GRPC_TRANSPORT=plaintext "
                        "SECKILL_ADMIN_PASSWORD=a-long-and-unguessable-admin-password");
  const std::optional<int> exit = gateway.ExitStatus(std::chrono::seconds(30));
  ASSERT_TRUE(exit.has_value()) << "it started: " << gateway.Log();
  EXPECT_NE(*exit, 0);
  EXPECT_NE(gateway.Log().find("grpc.transport (SECKILL_GRPC_TRANSPORT) is plaintext"),
            std::string::npos)
      << gateway.Log();
}

// A gateway started with another admin password sets it (the stack's is restored after, by a
// gateway started with it).
TEST_F(SessionsE2eTest, TheAdminsPasswordFollowsTheConfiguredOneAndRevokesOldTokens) {
  const std::string admin = env_.At("SECKILL_ADMIN_USER");
  const std::string original = env_.At("SECKILL_ADMIN_PASSWORD");
  static std::mt19937_64 rng(std::random_device{}());
  const std::string changed = fmt::format("rotated-{:016x}", rng());
  struct OnExit {
    std::function<void()> run;
    ~OnExit() { run(); }
  } restore{[&] {
    SecondGateway restoring(env_, kSecondGatewayPort,
                            fmt::format("SECKILL_ADMIN_PASSWORD='{}'", original));
    EXPECT_TRUE(restoring.Serving(std::chrono::seconds(30))) << restoring.Log();
    EXPECT_TRUE(client_.Login(admin, original).ok());
  }};
  {
    SecondGateway gateway(env_, kSecondGatewayPort,
                          fmt::format("SECKILL_ADMIN_PASSWORD='{}'", changed));
    ASSERT_TRUE(gateway.Serving(std::chrono::seconds(30))) << gateway.Log();
  }
  EXPECT_TRUE(client_.Login(admin, changed).ok());
  EXPECT_FALSE(client_.Login(admin, original).ok());
  // The stack's gateway learns of the revocation within its refresh interval (1 s).
  int status = 0;
  for (int i = 0; i < 30 && status != 401; ++i) {
    status = Status("GET", "/admin/v1/flow/rules", admin_token_);
    if (status != 401) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(status, 401) << "a token got with the old password";
}

}  // namespace
}  // namespace seckill::testing
