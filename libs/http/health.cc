#include "libs/http/health.h"

#include "libs/http/json.h"

namespace seckill::http {

Handler HealthHandler(std::function<boost::asio::awaitable<bool>()> ready,
                      const base::Metrics& metrics) {
  return [ready = std::move(ready), &metrics](Request request) -> boost::asio::awaitable<Response> {
    if (request.method != "GET") co_return ErrorResponse(405, "METHOD_NOT_ALLOWED", "use GET");
    if (request.path == "/healthz") co_return JsonResponse(200, {{"status", "ok"}});
    if (request.path == "/readyz") {
      // Awaitables are built in their own statement: see the note in libs/base/await.h.
      auto probe = ready();
      if (co_await std::move(probe)) co_return JsonResponse(200, {{"status", "ready"}});
      co_return ErrorResponse(503, "UNAVAILABLE", "a dependency is unreachable");
    }
    if (request.path == "/metrics") {
      Response response;
      response.status = 200;
      response.content_type = "text/plain; version=0.0.4";
      response.body = metrics.PrometheusText();
      co_return response;
    }
    co_return ErrorResponse(404, "NOT_FOUND", "no such route");
  };
}

}  // namespace seckill::http
