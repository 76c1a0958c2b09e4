#include "libs/tracing/settings.h"

#include "libs/base/url.h"

namespace seckill::tracing {

void DescribeSettings(base::SettingsSchema& schema, TracerOptions& options) {
  schema.String("tracing.endpoint", &options.endpoint,
                "where spans are sent over OTLP/HTTP (JSON), http://host:port (Jaeger and the "
                "OpenTelemetry Collector listen on :4318); empty: no spans are recorded");
  schema.Int("tracing.sample_percent", &options.sample_percent, 0, 100,
             "of the traces begun here, the share kept whole (a caller's traceparent decides "
             "for the traces it began)");
  schema.Millis("tracing.slow_ms", &options.slow, 1, 600'000,
                "a span at least this long is kept whatever the sampling (so is a failed one)");
  schema.Rule([&options]() -> absl::Status {
    if (options.endpoint.empty()) return absl::OkStatus();
    const absl::StatusOr<base::Url> url = base::ParseUrl(options.endpoint, 4318);
    if (url.ok() && url->scheme == "http" && !url->host.empty()) return absl::OkStatus();
    return absl::InvalidArgumentError(
        "tracing.endpoint (SECKILL_TRACING_ENDPOINT) must be "
        "http://host:port, not '" +
        options.endpoint + "'");
  });
}

}  // namespace seckill::tracing
