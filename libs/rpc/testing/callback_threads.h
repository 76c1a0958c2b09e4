#pragma once

namespace seckill::rpc::testing {

// Keeps gRPC's callback threads for the rest of the test process; call it before the first gRPC
// object a test makes.
//
// Why: gRPC 1.51 (Debian 12) runs the callback API's completions on a pool of threads that lives
// while some channel or server that used it lives, and that pool cannot be stopped from one of its
// own threads (grpc/grpc#32584: the join fails, the queue is freed under the thread, which then
// aborts in grpc_cq_internal_unref). A test that ends right after its last call can do exactly
// that: the call's callback still holds the stub, and so the channel, after the test's server and
// channel are gone, and its release on a pool thread is the last. A service process is not exposed
// this way while it runs (its server holds the pool); this is the test-process half of it.
void KeepCallbackThreads();

}  // namespace seckill::rpc::testing
