#include "tests/support/service_channels.h"

#include <cstdio>
#include <cstdlib>

#include "libs/rpc/service_channel.h"
#include "tests/support/stack_env.h"

namespace seckill::testing {

namespace {

rpc::TlsIdentity Load(const rpc::TlsFiles& files) {
  absl::StatusOr<rpc::TlsIdentity> identity = rpc::TlsIdentity::Load(files);
  if (!identity.ok()) {
    std::fprintf(stderr, "FATAL: %s\n", identity.status().ToString().c_str());
    std::exit(1);
  }
  return *identity;
}

std::shared_ptr<grpc::Channel> Open(const std::string& service, const rpc::TlsIdentity& identity) {
  const StackEnv& env = StackEnv::Get();
  const bool order = service == "order";
  return rpc::MakeChannel(
      env.At(order ? "SECKILL_ORDER_INSTANCE_ADDR" : "SECKILL_PRODUCT_INSTANCE_ADDR"),
      rpc::ChannelSecurity::MutualTls(identity,
                                      order ? rpc::kOrderIdentity : rpc::kProductIdentity));
}

}  // namespace

std::shared_ptr<grpc::Channel> ServiceChannel(const std::string& service,
                                              const std::string& identity) {
  const std::string dir = StackEnv::Get().At("SECKILL_TLS_DIR");
  if (identity.empty()) {
    rpc::TlsIdentity anonymous = Load({dir + "/ca.crt", dir + "/ca.crt", dir + "/ca.crt"});
    anonymous.cert.clear();
    anonymous.key.clear();
    return Open(service, anonymous);
  }
  return Open(service, Load({dir + "/ca.crt", dir + "/" + identity + ".crt",
                             dir + "/" + identity + ".key"}));
}

std::shared_ptr<grpc::Channel> ServiceChannel(const std::string& service,
                                              const std::string& ca_file,
                                              const std::string& cert_file,
                                              const std::string& key_file) {
  return Open(service, Load({ca_file, cert_file, key_file}));
}

}  // namespace seckill::testing
