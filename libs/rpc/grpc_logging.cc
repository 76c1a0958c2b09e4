#include "libs/rpc/grpc_logging.h"

#include <string>

#include "grpc/support/log.h"
#include "libs/base/logging.h"

namespace seckill::rpc {
namespace {

void Log(gpr_log_func_args* args) {
  const spdlog::level::level_enum level =
      args->severity == GPR_LOG_SEVERITY_ERROR  ? spdlog::level::err
      : args->severity == GPR_LOG_SEVERITY_INFO ? spdlog::level::info
                                                : spdlog::level::debug;
  base::LogEvent(level, args->message,
                 {{"source", "grpc"},
                  {"code_location", std::string(args->file) + ":" + std::to_string(args->line)}});
}

}  // namespace

void LogGrpcThroughSpdlog() { gpr_set_log_function(Log); }

}  // namespace seckill::rpc
