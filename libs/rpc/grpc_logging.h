#pragma once

namespace seckill::rpc {

// gRPC's own log lines (TLS handshake failures, connectivity) go through the service's logger, so
// they share its format (one JSON object a line); gRPC otherwise writes its own format to stderr.
// Call once from main, after base::InitLogging.
void LogGrpcThroughSpdlog();

}  // namespace seckill::rpc
