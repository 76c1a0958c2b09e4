#include "tools/bench/sale_runner.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <fstream>
#include <numeric>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "boost/asio/co_spawn.hpp"
#include "boost/asio/detached.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/use_awaitable.hpp"
#include "fmt/format.h"
#include "libs/base/clock.h"
#include "libs/base/url.h"
#include "libs/http/client.h"

namespace seckill::bench {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

// The 1, 5 and 15 minute load averages, as /proc/loadavg gives them.
std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  if (!(in >> one >> five >> fifteen)) return "unknown";
  return fmt::format("{} {} {}", one, five, fifteen);
}

// CPU ticks (utime + stime) a process has used so far; -1 when it cannot be read.
int64_t CpuTicks(int pid) {
  std::ifstream in(pid == 0 ? "/proc/self/stat" : fmt::format("/proc/{}/stat", pid));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command name, which is in parentheses and may hold spaces.
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  int64_t utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoll(field);
    if (i == 15) stime = std::stoll(field);
  }
  return utime + stime;
}

// The CPU ticks of every watched process, and of this one under "seckill-bench".
std::map<std::string, int64_t> CpuTicksOf(const std::map<std::string, int>& watch) {
  std::map<std::string, int64_t> ticks{{"seckill-bench", CpuTicks(0)}};
  for (const auto& [name, pid] : watch) ticks[name] = CpuTicks(pid);
  return ticks;
}

struct LoadState {
  const SaleOptions* options;
  std::string target;
  const std::vector<BuyerAccount>* buyers;
  std::vector<int> buyer_order;  // position in the arrival order -> buyer index
  std::vector<Attempt>* attempts;
  size_t regular_attempts = 0;  // the buyers' attempts; the duplicate bursts' follow them
  int burst_buyer = 0;
  int workers_left = 0;  // the last one to finish sends the second burst
  std::atomic<size_t> next{0};
  Clock::time_point start;
  int64_t late_starts = 0;  // only touched on the io_context's single thread
};

int64_t MicrosSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
}

// Answers one request into `a` (status 0: no answer, indeterminate). The key is taken by value:
// a coroutine keeps its reference parameters, and a caller's temporary (`""`) is gone by the time
// the body runs (the Release demo sent freed stack bytes as every buyer's Idempotency-Key).
asio::awaitable<void> SendOrder(http::Client& client, const LoadState& state,
                                const BuyerAccount& buyer, std::string idempotency_key,
                                Attempt& a) {
  http::Headers headers{{"Authorization", "Bearer " + buyer.token}};
  if (!idempotency_key.empty()) headers.emplace_back("Idempotency-Key", idempotency_key);
  // Built in its own statement: see the co_await note in libs/base/await.h.
  auto send = client.Send("POST", state.target, "", headers, state.options->request_timeout);
  absl::StatusOr<http::Response> response = co_await std::move(send);
  a.done_us = MicrosSince(state.start);
  if (!response.ok()) co_return;
  a.status = response->status;
  if (a.status == 202) {
    a.order_id = JsonString(response->body, "order_id");
  } else {
    a.code = ErrorCode(response->body);
  }
}

// One of a duplicate burst's requests, due at `due`, on a connection of its own so that all of
// the burst is in flight at once.
asio::awaitable<void> BurstOrder(LoadState* state, size_t attempt_index, Clock::time_point due) {
  const auto executor = co_await asio::this_coro::executor;
  http::Client client(executor, state->options->host, state->options->port);
  Attempt& a = (*state->attempts)[attempt_index];
  a.buyer = state->burst_buyer;
  a.sent_us = std::chrono::duration_cast<std::chrono::microseconds>(due - state->start).count();
  asio::steady_timer timer(executor, due);
  auto wait = timer.async_wait(asio::use_awaitable);
  co_await std::move(wait);
  const std::string key = attempt_index % 2 == 0 ? "bench-burst" : "";
  auto send = SendOrder(client, *state, (*state->buyers)[static_cast<size_t>(a.buyer)], key, a);
  co_await std::move(send);
}

// Sends burst `round` (0: during the sale, 1: after it) of the duplicate burst.
void SpawnBurst(asio::io_context& ioc, LoadState* state, int round, Clock::time_point due) {
  const size_t n = static_cast<size_t>(state->options->duplicate_burst);
  for (size_t i = 0; i < n; ++i) {
    asio::co_spawn(
        ioc, BurstOrder(state, state->regular_attempts + static_cast<size_t>(round) * n + i, due),
        asio::detached);
  }
}

asio::awaitable<void> Worker(LoadState* state, asio::io_context& ioc) {
  const auto executor = co_await asio::this_coro::executor;
  http::Client client(executor, state->options->host, state->options->port);
  const size_t total = state->regular_attempts;
  while (true) {
    const size_t i = state->next.fetch_add(1);
    if (i >= total) break;
    Attempt& a = (*state->attempts)[i];
    a.buyer = state->buyer_order[i / static_cast<size_t>(state->options->attempts)];
    const BuyerAccount& buyer = (*state->buyers)[static_cast<size_t>(a.buyer)];
    if (state->options->rate > 0) {
      a.sent_us = static_cast<int64_t>(static_cast<double>(i) * 1e6 / state->options->rate);
      const int64_t now_us = MicrosSince(state->start);
      if (now_us < a.sent_us) {
        asio::steady_timer due(executor, state->start + std::chrono::microseconds(a.sent_us));
        auto wait = due.async_wait(asio::use_awaitable);
        co_await std::move(wait);
      } else if (now_us - a.sent_us > 10'000) {
        ++state->late_starts;
      }
    } else {
      a.sent_us = MicrosSince(state->start);
    }
    auto send = SendOrder(client, *state, buyer, std::string(), a);
    co_await std::move(send);
  }
  // The sale is over: the same buyer repeats the burst (a replay of a finished sale).
  if (--state->workers_left == 0 && state->options->duplicate_burst > 0)
    SpawnBurst(ioc, state, 1, Clock::now());
}

double Percentile(const std::vector<int64_t>& sorted_us, double p) {
  if (sorted_us.empty()) return 0;
  const size_t index = std::min(sorted_us.size() - 1,
                                static_cast<size_t>(p * static_cast<double>(sorted_us.size())));
  return static_cast<double>(sorted_us[index]) / 1000.0;
}

int64_t ToInt(const std::optional<std::string>& s) {
  int64_t v = 0;
  if (s) std::from_chars(s->data(), s->data() + s->size(), v);
  return v;
}

// I1-I4 over the finished sale: the database rows, the ledger's figures and the answers given.
void CheckInvariants(SaleReport& report, const std::vector<mysql::Row>& rows) {
  const SaleOptions& o = report.options;
  std::map<int64_t, int64_t> units_by_user;
  std::set<std::string> live_ids, all_ids;
  for (const mysql::Row& row : rows) {  // id, user_id, quantity, status
    const std::string& status = *row[3];
    all_ids.insert(*row[0]);
    if (status == "CREATED" || status == "PAID") {
      ++report.db_live_orders;
      report.db_live_units += ToInt(row[2]);
      units_by_user[ToInt(row[1])] += ToInt(row[2]);
      live_ids.insert(*row[0]);
    } else if (status == "FAILED") {
      ++report.db_failed_orders;
    }
  }
  report.db_distinct_buyers = static_cast<int64_t>(units_by_user.size());
  auto& v = report.violations;

  // I1: never more sold than the stock.
  if (report.db_live_units > o.stock) {
    v.push_back(fmt::format("I1 oversell: {} units in live orders, stock {}", report.db_live_units,
                            o.stock));
  }
  // I2: conservation, nothing in flight after the drain, and no undersell.
  const SaleClient::Stats& s = report.stats;
  if (s.stock != s.remaining + s.reserved + report.db_live_units) {
    v.push_back(fmt::format("I2 conservation: stock {} != remaining {} + reserved {} + sold {}",
                            s.stock, s.remaining, s.reserved, report.db_live_units));
  }
  if (!report.drained) {
    v.push_back(fmt::format("I2 not drained after {} s: queued {}, reserved {}",
                            o.drain_timeout.count(), s.queued, s.reserved));
  }
  int64_t sold_out_answers = 0, indeterminate = 0;
  std::set<std::string> accepted;
  for (const Attempt& a : report.attempts) {
    if (a.status == 202) accepted.insert(a.order_id);
    if (a.code == "SOLD_OUT") ++sold_out_answers;
    if (a.status == 0 || a.status >= 500) ++indeterminate;
  }
  if (sold_out_answers > 0 && s.remaining > 0 && indeterminate == 0) {
    v.push_back(
        fmt::format("I2 undersell: buyers were told SOLD_OUT but {} units remain", s.remaining));
  }
  // I3: no buyer over the limit.
  for (const auto& [user, units] : units_by_user) {
    if (units > o.limit_per_user) {
      v.push_back(
          fmt::format("I3 user {} holds {} units, limit {}", user, units, o.limit_per_user));
    }
  }
  // F19: however many requests the burst sent, its buyer was told of one order at most (its
  // even-numbered requests share an Idempotency-Key, so they may all name the same one).
  std::set<std::string> burst_orders;
  for (const Attempt& a : report.attempts) {
    if (a.buyer == o.buyers && a.status == 202) burst_orders.insert(a.order_id);
  }
  if (o.duplicate_burst > 0 && static_cast<int64_t>(burst_orders.size()) > o.limit_per_user) {
    v.push_back(
        fmt::format("I3 the duplicate burst's buyer was told of {} different orders, limit {}",
                    burst_orders.size(), o.limit_per_user));
  }
  // I4: every 202 is exactly one order (live, or FAILED with its stock returned); an order
  // nobody was told about can only come from an indeterminate answer.
  for (const std::string& id : accepted) {
    if (!all_ids.contains(id))
      v.push_back(fmt::format("I4 order {} was accepted (202) but is missing", id));
  }
  int64_t unanswered = 0;
  for (const std::string& id : all_ids) unanswered += accepted.contains(id) ? 0 : 1;
  if (unanswered > indeterminate) {
    v.push_back(
        fmt::format("I4 {} orders exist that no 202 announced, with only {} indeterminate answers",
                    unanswered, indeterminate));
  }
  // The admin figures must agree with the database of record.
  if (s.created + s.paid != report.db_live_orders || s.failed != report.db_failed_orders) {
    v.push_back(
        fmt::format("stats disagree with the database: CREATED+PAID {} vs {}, FAILED {} vs {}",
                    s.created + s.paid, report.db_live_orders, s.failed, report.db_failed_orders));
  }
}

// What each instance has counted so far (see SaleOptions::instances); an instance that does not
// answer is left out.
std::map<std::string, std::map<std::string, int64_t>> InstanceCounts(
    const SaleOptions& o, const std::string& admin_token) {
  std::map<std::string, std::map<std::string, int64_t>> counts;
  for (const auto& instance_url : o.instances) {
    // Not a structured binding: the lambda below captures the name (clang 14 cannot).
    const std::string& name = instance_url.first;
    auto parsed = base::ParseUrl(instance_url.second, 80);
    if (!parsed.ok()) continue;
    const SaleClient instance(parsed->host, parsed->port);
    auto count = [&](const std::string& label, absl::StatusOr<int64_t> value) {
      if (value.ok()) counts[name][label] = *value;
    };
    if (name.starts_with("gateway")) {
      count("order requests", instance.OrderRequestsSeen(admin_token));
    } else if (name.starts_with("product")) {
      count("reservations", instance.CounterValue("seckill_product_reservations_total"));
    } else if (name.starts_with("order")) {
      count("accepted", instance.CounterValue("seckill_order_accepted_total"));
      count("recorded", instance.CounterValue("seckill_order_recorded_total"));
    }
  }
  return counts;
}

}  // namespace

absl::StatusOr<SaleReport> RunSale(const SaleOptions& o) {
  SaleReport report;
  report.options = o;
  report.build_type = SECKILL_BUILD_TYPE;
  report.cores = std::thread::hardware_concurrency();
  report.load_before = LoadAverage();
  SaleClient client(o.host, o.port);
  auto admin = client.Login(o.admin_user, o.admin_password);
  if (!admin.ok()) return admin.status();
  const int64_t now = base::SystemClock().NowMs();
  auto product = client.CreateProduct(*admin, "seckill-bench product", 19900);
  if (!product.ok()) return product.status();
  auto activity = client.CreateActivity(*admin, *product, o.stock, 9900, now - 1000,
                                        now + 3'600'000, o.limit_per_user);
  if (!activity.ok()) return activity.status();
  report.activity_id = *activity;
  std::mt19937_64 rng(std::random_device{}());
  const int burst_buyer = o.buyers;  // an extra account, so the burst is all its own
  auto buyers = client.CreateBuyers(*admin, fmt::format("b{}x{}", *activity, rng() % 100000),
                                    o.buyers + (o.duplicate_burst > 0 ? 1 : 0), "bench-password");
  if (!buyers.ok()) return buyers.status();

  // The sale: every buyer's attempts, back to back, over `concurrency` keep-alive connections.
  LoadState state;
  state.regular_attempts = static_cast<size_t>(o.buyers) * static_cast<size_t>(o.attempts);
  report.attempts.resize(state.regular_attempts + 2 * static_cast<size_t>(o.duplicate_burst));
  state.burst_buyer = burst_buyer;
  state.workers_left = o.concurrency;
  state.options = &o;
  state.target = fmt::format("/api/v1/activities/{}/orders", *activity);
  state.buyers = &*buyers;
  state.attempts = &report.attempts;
  state.buyer_order.resize(static_cast<size_t>(o.buyers));
  std::iota(state.buyer_order.begin(), state.buyer_order.end(), 0);
  if (o.seed != 0) {
    std::mt19937_64 order_rng(o.seed);
    std::shuffle(state.buyer_order.begin(), state.buyer_order.end(), order_rng);
  }
  asio::io_context ioc;
  const auto counts_before = InstanceCounts(o, *admin);
  const std::map<std::string, int64_t> cpu_before = CpuTicksOf(o.watch);
  state.start = Clock::now();
  report.started_epoch_ms = base::SystemClock().NowMs();
  for (int w = 0; w < o.concurrency; ++w) asio::co_spawn(ioc, Worker(&state, ioc), asio::detached);
  if (o.duplicate_burst > 0) SpawnBurst(ioc, &state, 0, state.start + o.burst_at);
  ioc.run();
  report.seconds = std::chrono::duration<double>(Clock::now() - state.start).count();
  report.late_starts = state.late_starts;
  report.load_after = LoadAverage();

  std::vector<int64_t> latencies;
  latencies.reserve(report.attempts.size());
  for (const Attempt& a : report.attempts) {
    latencies.push_back(a.done_us - a.sent_us);
    std::string key = a.status == 0 ? "no answer" : std::to_string(a.status);
    if (!a.code.empty()) key += " " + a.code;
    ++report.outcomes[key];
    if (a.buyer == burst_buyer) ++report.burst_outcomes[key];
  }
  std::sort(latencies.begin(), latencies.end());
  report.p50_ms = Percentile(latencies, 0.50);
  report.p90_ms = Percentile(latencies, 0.90);
  report.p99_ms = Percentile(latencies, 0.99);
  report.max_ms = latencies.empty() ? 0 : static_cast<double>(latencies.back()) / 1000.0;

  std::this_thread::sleep_for(o.settle);
  // Drain: nothing queued, nothing reserved.
  const auto drain_start = Clock::now();
  while (true) {
    // After a fault the admin route may refuse for a while (an open breaker, a service
    // restarting): that is part of recovering, so it is retried until the drain deadline.
    auto stats = client.ActivityStats(*admin, *activity);
    if (stats.ok()) {
      report.stats = *stats;
      if (stats->queued == 0 && stats->reserved == 0) {
        report.drained = true;
        break;
      }
    }
    if (Clock::now() - drain_start > o.drain_timeout) {
      if (!stats.ok()) return stats.status();
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  report.drain_seconds = std::chrono::duration<double>(Clock::now() - drain_start).count();
  const std::map<std::string, int64_t> cpu_after = CpuTicksOf(o.watch);
  for (const auto& [name, counters] : InstanceCounts(o, *admin)) {
    for (const auto& [label, after] : counters) {
      auto before = counts_before.find(name);
      const int64_t start = before == counts_before.end() || !before->second.contains(label)
                                ? 0
                                : before->second.at(label);
      // A counter below where it started: the instance restarted meanwhile (its counts since).
      if (after < start) {
        report.per_instance[name + " (restarted)"][label] = after;
      } else {
        report.per_instance[name][label] = after - start;
      }
    }
  }
  const double tick_us = 1e6 / static_cast<double>(sysconf(_SC_CLK_TCK));
  for (const auto& [name, before] : cpu_before) {
    const int64_t after = cpu_after.at(name);
    if (before >= 0 && after >= before && !report.attempts.empty()) {
      report.cpu_us_per_request[name] = static_cast<double>(after - before) * tick_us /
                                        static_cast<double>(report.attempts.size());
    }
  }

  auto db = mysql::Connection::Open(o.db);
  if (!db.ok()) return db.status();
  uint64_t activity_id = 0;
  std::from_chars(activity->data(), activity->data() + activity->size(), activity_id);
  auto rows = (*db)->Query("SELECT id, user_id, quantity, status FROM orders WHERE activity_id = ?",
                           {activity_id});
  if (!rows.ok()) return rows.status();
  CheckInvariants(report, *rows);

  if (!o.history_path.empty()) {
    std::ofstream history(o.history_path);
    history << "attempt,buyer,user_id,sent_us,done_us,status,code,order_id\n";
    for (size_t i = 0; i < report.attempts.size(); ++i) {
      const Attempt& a = report.attempts[i];
      history << i << ',' << a.buyer << ',' << (*buyers)[static_cast<size_t>(a.buyer)].user_id
              << ',' << a.sent_us << ',' << a.done_us << ',' << a.status << ',' << a.code << ','
              << a.order_id << '\n';
    }
  }
  return report;
}

namespace {

// " 202: 100 | 409 SOLD_OUT: 3800\n"
std::string OutcomeList(const std::map<std::string, int64_t>& outcomes) {
  std::string out;
  for (const auto& [key, count] : outcomes) {
    out += fmt::format("{} {}: {}", out.empty() ? "" : " |", key, count);
  }
  return out + "\n";
}

}  // namespace

std::string FormatReport(const SaleReport& r) {
  const SaleOptions& o = r.options;
  std::string out =
      fmt::format("seckill-bench: activity {}, stock {}, {} buyers x {} attempts, concurrency {}\n",
                  r.activity_id, o.stock, o.buyers, o.attempts, o.concurrency);
  out +=
      fmt::format("  machine      {} build, {} cores, load average {} before the sale, {} after\n",
                  r.build_type, r.cores, r.load_before, r.load_after);
  out += fmt::format("  requests     {} in {:.2f} s = {:.0f} req/s\n", r.attempts.size(), r.seconds,
                     r.seconds > 0 ? static_cast<double>(r.attempts.size()) / r.seconds : 0.0);
  if (o.rate > 0) {
    out += fmt::format(
        "  pacing       open loop at {:.0f} req/s, seed {}, started at {} ms (epoch); "
        "{} late starts (> 10 ms)\n",
        o.rate, o.seed, r.started_epoch_ms, r.late_starts);
  }
  out += fmt::format("  latency      p50 {:.1f} ms  p90 {:.1f} ms  p99 {:.1f} ms  max {:.1f} ms\n",
                     r.p50_ms, r.p90_ms, r.p99_ms, r.max_ms);
  out += "  outcomes    ";
  out += OutcomeList(r.outcomes);
  if (o.duplicate_burst > 0) {
    out += fmt::format(
        "  burst        {} orders at once by one buyer at {} ms and again after the sale:",
        o.duplicate_burst, o.burst_at.count());
    out += OutcomeList(r.burst_outcomes);
  }
  out += fmt::format("  drain        {} in {:.2f} s (queued {}, reserved {})\n",
                     r.drained ? "done" : "NOT DONE", r.drain_seconds, r.stats.queued,
                     r.stats.reserved);
  out += fmt::format("  database     {} orders ({} units) by {} distinct buyers; {} FAILED\n",
                     r.db_live_orders, r.db_live_units, r.db_distinct_buyers, r.db_failed_orders);
  out += fmt::format("  stock        {} = remaining {} + reserved {} + sold {}\n", r.stats.stock,
                     r.stats.remaining, r.stats.reserved, r.db_live_units);
  if (!r.cpu_us_per_request.empty()) {
    out += "  cpu          µs per request, sale and drain:";
    std::string sep = " ";
    for (const auto& [name, us] : r.cpu_us_per_request) {
      out += fmt::format("{}{} {:.1f}", sep, name, us);
      sep = " | ";
    }
    out += "\n";
  }
  if (!r.per_instance.empty()) {
    out += "  instances   ";
    std::string sep = " ";
    for (const auto& [name, counters] : r.per_instance) {
      out += sep + name;
      for (const auto& [label, n] : counters) out += fmt::format(" {} {}", n, label);
      sep = " | ";
    }
    out += "\n";
  }
  out += fmt::format("  invariants   {} violations\n", r.violations.size());
  for (const std::string& v : r.violations) out += fmt::format("    VIOLATION {}\n", v);
  return out;
}

}  // namespace seckill::bench
