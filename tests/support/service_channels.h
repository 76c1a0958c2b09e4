#pragma once

#include <memory>
#include <string>

#include "grpcpp/channel.h"

namespace seckill::testing {

// A channel to the running stack's product or order service ("product", "order"), over TLS,
// presenting the client certificate of `identity` (rpc::kGatewayIdentity, ...) from the stack's
// TLS folder, or no client certificate when `identity` is empty.
std::shared_ptr<grpc::Channel> ServiceChannel(const std::string& service,
                                              const std::string& identity);

// The same with an identity from elsewhere: its CA, certificate and key files.
std::shared_ptr<grpc::Channel> ServiceChannel(const std::string& service,
                                              const std::string& ca_file,
                                              const std::string& cert_file,
                                              const std::string& key_file);

}  // namespace seckill::testing
