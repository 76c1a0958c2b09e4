#include "libs/rpc/testing/callback_threads.h"

#include <memory>

#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"

namespace seckill::rpc::testing {

void KeepCallbackThreads() {
  // A server with a callback service takes the pool when built. Neither is ever destroyed: the
  // pool must outlive every call of the process, and gRPC's own statics at exit.
  static const bool kept = [] {
    auto* service = new grpc::CallbackGenericService();
    grpc::ServerBuilder builder;
    builder.RegisterCallbackGenericService(service);
    return builder.BuildAndStart().release() != nullptr;
  }();
  (void)kept;
}

}  // namespace seckill::rpc::testing
