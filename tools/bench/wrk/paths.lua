-- wrk script for `make bench` (scripts/bench.sh): one request shape per run, chosen by the
-- arguments after `--`:
--   wrk ... -s paths.lua URL -- METHOD PATH [TOKENS_FILE]
-- With a tokens file, each request carries the next buyer's bearer token (round robin), so
-- per-buyer limits see distinct buyers. `done` prints one JSON line: requests, seconds, latency
-- percentiles (µs), answers with status >= 400 and socket errors. The bench checks those against
-- what the path must answer (and the gateway's counters for which 4xx it was), so a fast wrong
-- answer never counts as speed. No `response` callback: it would cost wrk about a sixth of its
-- rate and make the load generator the bottleneck of the nginx baseline.
local method, path, tokens_file
local tokens = {}
local next_token = 0

function init(args)
  method, path, tokens_file = args[1] or "GET", args[2] or "/", args[3]
  if tokens_file then
    for line in io.lines(tokens_file) do tokens[#tokens + 1] = line end
  end
end

function request()
  local headers = {}
  if #tokens > 0 then
    next_token = next_token % #tokens + 1
    headers["Authorization"] = "Bearer " .. tokens[next_token]
  end
  if method == "POST" then headers["Content-Length"] = "0" end
  return wrk.format(method, path, headers, nil)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"seconds":%.3f,"p50_us":%d,"p99_us":%d,"p999_us":%d,"status_4xx_5xx":%d,' ..
    '"socket_errors":%d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99),
    latency:percentile(99.9), e.status, e.connect + e.read + e.write + e.timeout))
end
