// seckill-bench: runs one flash sale against a running stack and checks its invariants.
#include <cstdio>
#include <cstdlib>
#include <map>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "fmt/format.h"
#include "libs/base/build_info.h"
#include "libs/base/status.h"
#include "libs/base/url.h"
#include "tools/bench/sale_runner.h"
#include "tools/bench/stack_env.h"

int main(int argc, char** argv) {
  using namespace seckill;
  CLI::App cli{"seckill-bench: one flash sale against a running stack, then an invariant check"};
  cli.set_version_flag("--version", seckill::base::VersionLine("seckill-bench"));
  std::string env_file = ".run/stack.env";
  bench::SaleOptions o;
  int request_timeout_ms = 10000, drain_timeout_s = 30;
  cli.add_option("--stack-env", env_file, "settings of the stack (written by `make up`)");
  cli.add_option("--stock", o.stock, "units on sale")->check(CLI::Range(1, 10'000'000));
  cli.add_option("--buyers", o.buyers, "distinct buyers")->check(CLI::Range(1, 100'000));
  cli.add_option("--attempts", o.attempts, "orders each buyer sends")->check(CLI::Range(1, 100));
  cli.add_option("--concurrency", o.concurrency, "connections sending at once")
      ->check(CLI::Range(1, 10'000));
  cli.add_option("--rate", o.rate,
                 "open loop: requests per second, each sent when due (0: closed loop)")
      ->check(CLI::Range(0.0, 1e6));
  cli.add_option("--seed", o.seed, "shuffles the buyers' arrival order reproducibly (0: in order)");
  int burst_at_ms = 2000;
  cli.add_option("--duplicate-burst", o.duplicate_burst,
                 "one extra buyer sends this many orders at once (F19)")
      ->check(CLI::Range(0, 1000));
  cli.add_option("--burst-at-ms", burst_at_ms, "when the duplicate burst is sent, from the start")
      ->check(CLI::Range(0, 3'600'000));
  cli.add_option("--limit-per-user", o.limit_per_user, "the activity's per-user limit")
      ->check(CLI::Range(1, 1000));
  cli.add_option("--request-timeout-ms", request_timeout_ms,
                 "after it a request counts as unanswered");
  cli.add_option("--drain-timeout-s", drain_timeout_s, "how long to wait for the queue to drain");
  int settle_s = 0;
  cli.add_option("--settle-s", settle_s,
                 "wait this long after the sale before the drain and the checks (late messages)")
      ->check(CLI::Range(0, 600));
  std::vector<std::string> watch;
  cli.add_option("--watch", watch,
                 "NAME=PID of a server process whose CPU per request to report (repeatable)");
  cli.add_option("--history", o.history_path, "write one CSV line per request to this file");
  CLI11_PARSE(cli, argc, argv);
  for (const std::string& w : watch) {
    const size_t eq = w.find('=');
    int pid = 0;
    if (eq == std::string::npos || eq == 0 || !absl::SimpleAtoi(w.substr(eq + 1), &pid) ||
        pid <= 0) {
      std::fprintf(stderr, "seckill-bench: --watch %s: NAME=PID expected\n", w.c_str());
      return 2;
    }
    o.watch[w.substr(0, eq)] = pid;
  }
  o.request_timeout = std::chrono::milliseconds(request_timeout_ms);
  o.drain_timeout = std::chrono::seconds(drain_timeout_s);
  o.settle = std::chrono::seconds(settle_s);
  o.burst_at = std::chrono::milliseconds(burst_at_ms);

  auto env = bench::ReadEnvFile(env_file);
  auto get = [&](const char* key) {
    if (const char* v = std::getenv(key); v != nullptr && *v != '\0') return std::string(v);
    return env[key];
  };
  auto gateway = base::ParseUrl(get("SECKILL_GATEWAY_URL"), 80);
  if (!gateway.ok()) {
    std::fprintf(stderr,
                 "seckill-bench: no gateway URL (run `make up`, or set SECKILL_GATEWAY_URL): %s\n",
                 std::string(base::Message(gateway.status())).c_str());
    return 2;
  }
  o.host = gateway->host;
  o.port = gateway->port;
  o.admin_user = get("SECKILL_ADMIN_USER");
  o.admin_password = get("SECKILL_ADMIN_PASSWORD");
  o.db.host = get("SECKILL_DB_HOST");
  o.db.port = std::atoi(get("SECKILL_DB_PORT").c_str());
  o.db.user = get("SECKILL_DB_USER");
  o.db.password = get("SECKILL_DB_PASSWORD");
  o.db.database = get("SECKILL_DB_NAME");
  // Each instance's URL, as `make up` lists them (comma-separated, in instance order).
  for (const auto& [service, key] : {std::pair{"gateway", "SECKILL_GATEWAY_URLS"},
                                     std::pair{"product", "SECKILL_PRODUCT_HEALTH_URLS"},
                                     std::pair{"order", "SECKILL_ORDER_HEALTH_URLS"}}) {
    int k = 0;
    for (const absl::string_view url : absl::StrSplit(get(key), ',', absl::SkipEmpty())) {
      ++k;
      o.instances[k == 1 ? std::string(service) : fmt::format("{}-{}", service, k)] =
          std::string(url);
    }
  }

  auto report = bench::RunSale(o);
  if (!report.ok()) {
    std::fprintf(stderr, "seckill-bench: the sale could not run: %s\n",
                 report.status().ToString().c_str());
    return 2;
  }
  std::fputs(bench::FormatReport(*report).c_str(), stdout);
  return report->violations.empty() ? 0 : 1;
}
