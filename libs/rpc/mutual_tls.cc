#include "libs/rpc/mutual_tls.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "fmt/format.h"
#include "grpc/grpc_security_constants.h"
#include "grpcpp/security/auth_metadata_processor.h"
#include "spdlog/spdlog.h"

namespace seckill::rpc {

void DescribeSettings(base::SettingsSchema& schema, TlsFiles& files, const std::string& prefix) {
  using Need = base::SettingsSchema::Need;
  schema.String(prefix + ".ca_file", &files.ca_file,
                "PEM file of the CA that signs every service's certificate", Need::kRequired);
  schema.String(prefix + ".cert_file", &files.cert_file,
                "PEM file of this service's certificate (mutual TLS)", Need::kRequired);
  schema.String(prefix + ".key_file", &files.key_file, "PEM file of that certificate's private key",
                Need::kRequired);
}

void DescribeTransport(base::SettingsSchema& schema, Transport& transport, const base::Mode& mode) {
  schema.Choice("grpc.transport", &transport,
                {{"mutual-tls", Transport::kMutualTls}, {"plaintext", Transport::kPlaintext}},
                "mutual-tls, or plaintext: no TLS and no caller check, for measuring what TLS "
                "costs only");
  schema.Rule([&transport, &mode] {
    return mode == base::Mode::kProduction && transport == Transport::kPlaintext
               ? absl::InvalidArgumentError(
                     "mode is production and grpc.transport (SECKILL_GRPC_TRANSPORT) is "
                     "plaintext: the services must authenticate each other (mutual-tls)")
               : absl::OkStatus();
  });
}

namespace {

absl::StatusOr<std::string> ReadPem(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(fmt::format("cannot read the {} file {}", what, path));
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().find("-----BEGIN ") == std::string::npos) {
    return absl::InvalidArgumentError(fmt::format("the {} file {} is not PEM", what, path));
  }
  return std::move(text).str();
}

}  // namespace

absl::StatusOr<TlsIdentity> TlsIdentity::Load(const TlsFiles& files) {
  auto ca = ReadPem(files.ca_file, "CA certificate");
  if (!ca.ok()) return ca.status();
  auto cert = ReadPem(files.cert_file, "certificate");
  if (!cert.ok()) return cert.status();
  auto key = ReadPem(files.key_file, "private key");
  if (!key.ok()) return key.status();
  return TlsIdentity{*std::move(ca), *std::move(cert), *std::move(key)};
}

CallerPolicy& CallerPolicy::Allow(const std::string& method, const std::set<std::string>& callers) {
  callers_[method].insert(callers.begin(), callers.end());
  return *this;
}

bool CallerPolicy::Allows(std::string_view method, std::string_view caller) const {
  auto it = callers_.find(method);
  return it != callers_.end() && it->second.find(caller) != it->second.end();
}

std::set<std::string> CallerPolicy::Methods() const {
  std::set<std::string> methods;
  for (const auto& [method, callers] : callers_) methods.insert(method);
  return methods;
}

std::set<std::string> MethodsOf(const google::protobuf::ServiceDescriptor& service) {
  std::set<std::string> methods;
  for (int i = 0; i < service.method_count(); ++i) {
    methods.insert(fmt::format("/{}/{}", service.full_name(), service.method(i)->name()));
  }
  return methods;
}

namespace {

// The per-call check. gRPC calls it for every call with the connection's authentication
// context (the verified client certificate's names) and the call's metadata (":path" is the
// method); it only reads, so it runs inline on the call's thread.
class PolicyCheck final : public grpc::AuthMetadataProcessor {
 public:
  explicit PolicyCheck(CallerPolicy policy) : policy_(std::move(policy)) {}

  bool IsBlocking() const override { return false; }

  grpc::Status Process(const InputMetadata& metadata, grpc::AuthContext* context,
                       OutputMetadata* /*consumed*/, OutputMetadata* /*response*/) override {
    const std::vector<grpc::string_ref> names =
        context->FindPropertyValues(GRPC_X509_CN_PROPERTY_NAME);
    if (names.empty()) {
      return {grpc::StatusCode::UNAUTHENTICATED,
              "a client certificate signed by the stack's CA is required"};
    }
    const std::string_view caller(names.front().data(), names.front().size());
    auto path = metadata.find(":path");
    const std::string_view method =
        path == metadata.end() ? std::string_view()
                               : std::string_view(path->second.data(), path->second.size());
    if (!policy_.Allows(method, caller)) {
      return {grpc::StatusCode::PERMISSION_DENIED,
              fmt::format("{} may not call {}", caller, method.empty() ? "this method" : method)};
    }
    return grpc::Status::OK;
  }

 private:
  const CallerPolicy policy_;
};

}  // namespace

std::shared_ptr<grpc::ServerCredentials> MutualTlsServerCredentials(const TlsIdentity& identity,
                                                                    CallerPolicy policy) {
  // "Request and verify", not "require": a client without a certificate gets through the
  // handshake so that its calls can be answered UNAUTHENTICATED by the check, rather than seeing
  // only a broken connection. A certificate that does not verify still fails the handshake.
  grpc::SslServerCredentialsOptions options(GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_root_certs = identity.ca;
  options.pem_key_cert_pairs.push_back({identity.key, identity.cert});
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::SslServerCredentials(options);
  credentials->SetAuthMetadataProcessor(std::make_shared<PolicyCheck>(std::move(policy)));
  return credentials;
}

ChannelSecurity ChannelSecurity::MutualTls(const TlsIdentity& identity,
                                           std::string server_identity) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = identity.ca;
  options.pem_private_key = identity.key;
  options.pem_cert_chain = identity.cert;
  return {grpc::SslCredentials(options), std::move(server_identity)};
}

ChannelSecurity ChannelSecurity::Insecure() { return {grpc::InsecureChannelCredentials(), ""}; }

absl::StatusOr<ServiceCredentials> ServiceCredentials::Load(Transport transport,
                                                            const TlsFiles& files) {
  absl::StatusOr<TlsIdentity> identity = TlsIdentity::Load(files);
  if (!identity.ok()) return identity.status();
  if (transport == Transport::kPlaintext) {
    spdlog::warn(
        "grpc.transport is plaintext: no TLS, and every local process may call every method "
        "(for measuring what TLS costs only)");
  }
  return ServiceCredentials(transport, *std::move(identity));
}

std::shared_ptr<grpc::ServerCredentials> ServiceCredentials::ForServer(CallerPolicy policy) const {
  if (transport_ == Transport::kPlaintext) return grpc::InsecureServerCredentials();
  return MutualTlsServerCredentials(identity_, std::move(policy));
}

ChannelSecurity ServiceCredentials::ToServer(std::string server_identity) const {
  if (transport_ == Transport::kPlaintext) return ChannelSecurity::Insecure();
  return ChannelSecurity::MutualTls(identity_, std::move(server_identity));
}

}  // namespace seckill::rpc
