#!/usr/bin/env bash
# The table of `make bench` (scripts/bench.sh) from its raw runs: one JSON line per measured run
# in OUT/raw.jsonl. Writes OUT/bench.json (every row's median, range, ratio and CPU per request)
# and OUT/rush.png (the rush's answers per second and p99 per second), prints the Markdown table.
#
#   scripts/bench_report.sh OUT ROUNDS SECONDS CONNECTIONS
set -euo pipefail
OUT=$1 ROUNDS=$2 DURATION=$3 CONNS=$4
RAW=$OUT/raw.jsonl

# One summary per row: median throughput (min, max over the rounds), the latency and CPU of the
# median round, and the median of the per-round ratios to the baseline (same round).
summary() { # summary ROW BASELINE
  jq -sc --arg row "$1" --arg base "$2" '
    # (Of an even count, the mean of the middle two.)
    def median: sort | if length % 2 == 1 then .[(length - 1) / 2] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
    [.[] | select(.row == $row)] as $runs
    | [.[] | select(.row == $base)] as $baseline
    | if ($runs | length) == 0 then null else
      ($runs | sort_by(.rps) | .[(length - 1) / 2 | floor]) as $mid
      | {row: $row, baseline: (if $base == "" then null else $base end),
         rps: $mid.rps, rps_min: ([$runs[].rps] | min), rps_max: ([$runs[].rps] | max),
         p50_us: $mid.p50_us, p99_us: $mid.p99_us, p999_us: $mid.p999_us, cpu_us: $mid.cpu_us,
         rounds: ($runs | length),
         ratio: (if ($baseline | length) == 0 then null else
                 [$runs[] as $r | $baseline[] | select(.round == $r.round) | $r.rps / .rps] | median end)}
      end' "$RAW"
}

ms() { awk -v us="$1" 'BEGIN { if (us == "" || us == "null") print "-"; else printf "%.2f", us / 1000 }'; }
cpu_text() { jq -r '[to_entries[] | "\(.key) \(.value)"] | join(", ")' <<<"$1"; }

rows=(
  "R_nginx|nginx 1 worker, return 200|nginx|"
  "-|gateway GET /healthz (HTTP stack only)|healthz|nginx"
  "P4b|GET /api/v1/activities/{id}|read|nginx"
  "P4|POST .../orders, sold out (answered by the gateway's sold-out mark)|sold_out|nginx"
  "P1|stock path: the sold-out order through every hop to Redis (mark off)|stock_path|redis_P1"
  "P3|429 from flow control|reject|nginx"
  "R_redis|redis-benchmark FCALL seckill_reserve, sold-out keys, c=50|redis_P1|"
  "R_redis P16|the same, -P 16|redis_P16|"
  "P2|POST .../orders accepted (202 after the confirm)|accept|publish"
  "R_pub|seckill-publish-bench: OrderPlaced, persistent, confirmed, quorum queue, window = connections|publish|"
  "P6|drain: 20,000 queued orders written by the consumer (batches), rows/s|drain|inserts"
  "R_ins|single-row INSERTs into orders, one connection, a commit each|inserts|"
  "T1|one gRPC hop (PlaceOrder answered at once), mutual TLS and the caller check|rpc_mtls|rpc_plain"
  "R_grpc|the same hop in plain text (seckill-rpc-bench, window = connections)|rpc_plain|"
)

{
  echo "| # | path | req/s (median, min-max) | p50 ms | p99 ms | p99.9 ms | CPU µs per request | vs baseline |"
  echo "|---|---|---|---|---|---|---|---|"
  json_rows=()
  for spec in "${rows[@]}"; do
    IFS='|' read -r id label row base <<<"$spec"
    s=$(summary "$row" "$base")
    [ "$s" != null ] || continue
    json_rows+=("$(jq -c --arg id "$id" --arg path "$label" '. + {id: $id, path: $path}' <<<"$s")")
    read -r rps lo hi p50 p99 p999 ratio < <(jq -r '[.rps, .rps_min, .rps_max, .p50_us, .p99_us, .p999_us, .ratio] | map(. // "null") | @tsv' <<<"$s")
    ratio_text=$(awk -v r="$ratio" -v b="$base" 'BEGIN {
      name["nginx"] = "R_nginx"; name["redis_P1"] = "R_redis"; name["publish"] = "R_pub"; name["inserts"] = "R_ins"; name["rpc_plain"] = "R_grpc"
      if (r == "null") print "-"; else printf "%.3f of %s", r, name[b] }')
    printf '| %s | %s | %s (%s-%s) | %s | %s | %s | %s | %s |\n' "$id" "$label" \
      "$(printf '%.0f' "$rps")" "$(printf '%.0f' "$lo")" "$(printf '%.0f' "$hi")" \
      "$(ms "$p50")" "$(ms "$p99")" "$(ms "$p999")" "$(cpu_text "$(jq -c .cpu_us <<<"$s")")" "$ratio_text"
  done
  # What mutual TLS and telemetry cost the paths that cross the services' hops: each round ran
  # each such path three ways, the services as deployed (ROW: mutual TLS, telemetry on),
  # restarted in plain text (ROW_plain) and restarted with telemetry off (ROW_telemetry_off).
  tls_rows=()
  telemetry_rows=()
  # paired_row ID LABEL ROW SUFFIX WHAT ARRAY: ROW against ROW+SUFFIX, appended to ARRAY.
  paired_row() {
    local id=$1 label=$2 row=$3 suffix=$4 what=$5 s other ratios
    local -n into=$6
    s=$(summary "$row" "$row$suffix")
    other=$(summary "$row$suffix" "")
    [ "$s" != null ] && [ "$other" != null ] || return 0
    ratios=$(jq -sc --arg row "$row" --arg other "$row$suffix" '[.[] | select(.row == $row)] as $on | [.[] | select(.row == $other)] as $off
      | [$on[] as $t | $off[] | select(.round == $t.round) | $t.rps / .rps] | sort' "$RAW")
    json_rows+=("$(jq -c --arg id "$id" --arg path "$label $what" --argjson other "$other" \
      --argjson ratios "$ratios" '. + {id: $id, path: $path, other: $other, round_ratios: $ratios}' <<<"$s")")
    into+=("$(printf '| %s | %s | %s (%s-%s) | %s (%s-%s) | %s / %s | %s | %s | %s (%s) |' "$id" "$label" \
      "$(jq -r '.rps | floor' <<<"$s")" "$(jq -r '.rps_min | floor' <<<"$s")" "$(jq -r '.rps_max | floor' <<<"$s")" \
      "$(jq -r '.rps | floor' <<<"$other")" "$(jq -r '.rps_min | floor' <<<"$other")" "$(jq -r '.rps_max | floor' <<<"$other")" \
      "$(ms "$(jq -r '.p99_us // "null"' <<<"$s")")" "$(ms "$(jq -r '.p99_us // "null"' <<<"$other")")" \
      "$(cpu_text "$(jq -c .cpu_us <<<"$s")")" "$(cpu_text "$(jq -c .cpu_us <<<"$other")")" \
      "$(jq -r '.ratio | . * 1000 | round / 1000' <<<"$s")" "$(jq -r 'map(. * 1000 | round / 1000) | join(", ")' <<<"$ratios")")")
  }
  paired_row T2 "P1, the stock path" stock_path _plain "with mutual TLS against plain text" tls_rows
  paired_row T3 "P2, accepted orders" accept _plain "with mutual TLS against plain text" tls_rows
  paired_row T4 "P6, the drain (rows/s)" drain _plain "with mutual TLS against plain text" tls_rows
  paired_row O1 "P1, the stock path" stock_path _telemetry_off "with telemetry on against off" telemetry_rows
  paired_row O2 "P2, accepted orders" accept _telemetry_off "with telemetry on against off" telemetry_rows
  paired_row O3 "P6, the drain (rows/s)" drain _telemetry_off "with telemetry on against off" telemetry_rows
  # The open-loop rows: one run each, judged against their targets rather than a baseline.
  accept_peak=$(summary accept "" | jq '.rps // 0')
  for spec in "P7|open loop, sold out, at half P4's median|open_sold_out|2" \
              "P7|open loop, accepted, at half P2's median|open_accept|15" \
              "P5|overload: 10x P2's median offered, production flow rules|overload|"; do
    IFS='|' read -r id label row target <<<"$spec"
    run=$(jq -c --arg row "$row" 'select(.row == $row)' "$RAW" | tail -1)
    [ -n "$run" ] || continue
    json_rows+=("$(jq -c --arg id "$id" --arg path "$label" '. + {id: $id, path: $path}' <<<"$run")")
    read -r offered rps p50 p99 goodput before after < <(jq -r '[.offered_rps, .rps, .p50_us, .p99_us, .goodput_rps, .rss_kb_before, .rss_kb_after] | map(. // "null") | @tsv' <<<"$run")
    # The load generator has one core: near its limit, its own queueing is in the latency.
    generator=$(jq -r --argjson rps "$rps" '((.cpu_us["seckill-bench"] // 0) * $rps / 1e6 * 100 | floor)' <<<"$run")
    busy=""
    [ "$generator" -ge 80 ] && busy=" (the load generator used ${generator}% of its core: its own queueing is in these latencies)"
    late=$(jq -r '.late_starts // 0' <<<"$run")
    [ "$late" -gt 0 ] && busy+=" ($late of $(jq -r .requests <<<"$run") requests started over 10 ms late: every connection was waiting, so less than the offered rate was sent)"
    if [ -n "$target" ]; then
      judged=$(awk -v p="$p99" -v t="$target" -v o="$offered" -v busy="$busy" 'BEGIN { printf "%s/s offered; p99 %.2f ms, target <= %s ms: %s%s", o, p / 1000, t, (p / 1000 <= t ? "met" : "not met"), busy }')
    else
      judged=$(awk -v g="$goodput" -v peak="$accept_peak" -v o="$offered" -v b="$before" -v a="$after" 'BEGIN {
        printf "%s/s offered; goodput %.0f accepted/s = %.3f of P2 (target >= 0.90); services RSS %.0f -> %.0f MB", o, g, (peak > 0 ? g / peak : 0), b / 1024, a / 1024 }')$busy
    fi
    printf '| %s | %s | %s | %s | %s | - | %s | %s |\n' "$id" "$label" "$(printf '%.0f' "$rps")" \
      "$(ms "$p50")" "$(ms "$p99")" "$(cpu_text "$(jq -c .cpu_us <<<"$run")")" "$judged"
  done
  if [ ${#tls_rows[@]} -gt 0 ]; then
    echo
    echo "Mutual TLS on the paths that cross the services' gRPC hops: each round ran each path with the services"
    echo "in mutual TLS and restarted in plain text (grpc.transport plaintext), the order swapped every round."
    echo
    echo "| # | path | mutual TLS req/s (median, min-max) | plain text req/s (median, min-max) | p99 ms, TLS / plain | CPU µs per request, TLS | CPU µs per request, plain | TLS / plain (median of the rounds' ratios; each round) |"
    echo "|---|---|---|---|---|---|---|---|"
    printf '%s\n' "${tls_rows[@]}"
  fi
  if [ ${#telemetry_rows[@]} -gt 0 ]; then
    echo
    echo "Telemetry on the same paths: the services as deployed (metrics with the request duration histograms, the"
    echo "sampled access log, tracing at 1% exported to nginx as the collector) against the same services restarted with"
    echo "telemetry off (no spans, no request histograms, no sampled access log), in the same rounds."
    echo
    echo "| # | path | telemetry on req/s (median, min-max) | telemetry off req/s (median, min-max) | p99 ms, on / off | CPU µs per request, on | CPU µs per request, off | on / off (median of the rounds' ratios; each round) |"
    echo "|---|---|---|---|---|---|---|---|"
    printf '%s\n' "${telemetry_rows[@]}"
  fi
  if [ -s "$OUT/pair.row" ]; then
    echo
    echo "Telemetry on and off at the same time (scripts/bench_pair.sh): two whole stacks, each in a network namespace and"
    echo "a CPU cgroup capped at 45% of CPU 0, a wrk each on CPU 1; side A with telemetry on and B off, then swapped, so that"
    echo "the stacks' own difference cancels. Per window on / off; per phase the median; the cost the geometric mean of both."
    echo
    echo "| # | path | on / off req/s by phase (median of its windows; each window) | on / off |"
    echo "|---|---|---|---|"
    cat "$OUT/pair.row"
  fi
  if [ -f "$OUT/rush.txt" ]; then
    answered=$(sed -n 's/^  requests *[0-9]* in \([0-9.]*\) s.*/\1/p' "$OUT/rush.txt")
    drain=$(sed -n 's/^  drain *[a-zA-Z ]*in \([0-9.]*\) s.*/\1/p' "$OUT/rush.txt")
    echo
    echo "The rush (stack and load generator sharing both cores): $(sed -n 's/^seckill-bench: [^,]*, //p' "$OUT/rush.txt")"
    echo
    echo '```'
    sed -n '2,$p' "$OUT/rush.txt"
    echo '```'
    echo "Answered in ${answered:-?} s; the last order in the database ${drain:-?} s after the last answer."
    if [ -f "$OUT/redis_memory.txt" ]; then
      echo "Redis memory: $(sed 's/^redis //' "$OUT/redis_memory.txt") (MEMORY USAGE of every key of the activity)."
    fi
  fi
  echo
  echo "$ROUNDS rounds x $DURATION s per path after a 2 s warm-up, interleaved; wrk -t1 -c$CONNS on CPU 1, every server on CPU 0;"
  echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end; $(date -u +%Y-%m-%dT%H:%MZ)."
  per_reservation=null
  [ -f "$OUT/redis_memory.txt" ] && per_reservation=$(sed -n 's/.*(\([0-9]*\) bytes each).*/\1/p' "$OUT/redis_memory.txt")
  printf '%s\n' "${json_rows[@]}" | jq -s --arg when "$(date -u +%FT%TZ)" --argjson cores "$(nproc)" \
    --argjson redis_bytes_per_reservation "${per_reservation:-null}" \
    --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" --argjson rounds "$ROUNDS" --argjson seconds "$DURATION" \
    '{when: $when, cores: $cores, load_average: $load, rounds: $rounds, seconds_per_run: $seconds,
      redis_bytes_per_reservation: $redis_bytes_per_reservation, rows: .}' >"$OUT/bench.json"
}

# The rush over time: answers per second and their p99, from the request history.
if [ -f "$OUT/rush.csv" ]; then
  awk -F, 'NR > 1 && $6 != 0 { s = int($5 / 1e6); n[s]++; lat[s] = lat[s] " " ($5 - $4) / 1000 }
           END { for (s in n) print s, n[s], lat[s] }' "$OUT/rush.csv" | sort -n |
    while read -r sec count rest; do
      p99=$(tr ' ' '\n' <<<"$rest" | sed '/^$/d' | sort -g | awk '{ v[NR] = $1 } END { i = int(NR * 0.99); if (i < 1) i = 1; print v[i] }')
      echo "$sec $count $p99"
    done >"$OUT/rush.dat"
  gnuplot <<EOF
set terminal png size 900,500
set output "$OUT/rush.png"
set title "The rush: answers per second and p99 latency"
set xlabel "seconds since the start"
set ylabel "answers per second"
set y2label "p99 latency (ms)"
set ytics nomirror
set y2tics
set grid
plot "$OUT/rush.dat" using 1:2 with linespoints title "answers/s" axes x1y1, \
     "$OUT/rush.dat" using 1:3 with linespoints title "p99 ms" axes x1y2
EOF
fi
