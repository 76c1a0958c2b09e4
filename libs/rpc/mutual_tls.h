#pragma once
// The services authenticate each other with TLS client certificates (mutual TLS) issued by the
// stack's own CA, and each server lets a caller call only the methods its policy grants to that
// caller's identity (docs/security.md).

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/statusor.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "libs/base/settings.h"

namespace seckill::rpc {

// The identities of the system's callers: the common name of each one's certificate. A server
// certificate's DNS name is its identity as well, which its clients verify.
inline constexpr char kGatewayIdentity[] = "seckill-gateway";             // on behalf of buyers
inline constexpr char kGatewayAdminIdentity[] = "seckill-gateway-admin";  // for admins only
inline constexpr char kOrderIdentity[] = "seckill-order";
inline constexpr char kProductIdentity[] = "seckill-product";

// Where one identity's PEM files are.
struct TlsFiles {
  std::string ca_file;    // the CA every service trusts
  std::string cert_file;  // this identity's certificate, signed by that CA
  std::string key_file;   // its private key (readable by the service's user only)
};

// Declares PREFIX.ca_file, PREFIX.cert_file and PREFIX.key_file (SECKILL_TLS_CA_FILE, ...) into
// `files`, all required.
void DescribeSettings(base::SettingsSchema& schema, TlsFiles& files,
                      const std::string& prefix = "tls");

// How the services' gRPC traffic travels. Mutual TLS always, except in a stack made to measure
// what TLS costs (`make bench` runs the hot paths both ways): in plain text every local process
// may call every method, so production mode refuses it.
enum class Transport { kMutualTls, kPlaintext };

// Declares grpc.transport (SECKILL_GRPC_TRANSPORT): "mutual-tls", the default, or "plaintext",
// which production `mode` refuses.
void DescribeTransport(base::SettingsSchema& schema, Transport& transport, const base::Mode& mode);

// One identity's PEM text, read once at start-up.
struct TlsIdentity {
  std::string ca;
  std::string cert;
  std::string key;

  // Reads the three files; an error names the file that is missing, unreadable or not PEM.
  static absl::StatusOr<TlsIdentity> Load(const TlsFiles& files);
};

// Which caller may call which method: a method by its full gRPC name
// ("/seckill.order.v1.OrderService/PlaceOrder"), a caller by its identity. Anything not
// allowed is denied, a method missing from the policy included.
class CallerPolicy {
 public:
  CallerPolicy& Allow(const std::string& method, const std::set<std::string>& callers);
  bool Allows(std::string_view method, std::string_view caller) const;
  // Every method that has callers (for the test that each one exists in its service).
  std::set<std::string> Methods() const;

 private:
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> callers_;
};

// The full gRPC names of `service`'s methods, to check a policy against (each service's test).
std::set<std::string> MethodsOf(const google::protobuf::ServiceDescriptor& service);

// Server credentials for mutual TLS: the server presents `identity`, asks every client for a
// certificate signed by the same CA (a certificate from another CA fails the handshake), and
// answers each call by `policy`: no client certificate is UNAUTHENTICATED, a caller the method
// does not allow is PERMISSION_DENIED. The check runs on gRPC's own thread, without a hand-off.
std::shared_ptr<grpc::ServerCredentials> MutualTlsServerCredentials(const TlsIdentity& identity,
                                                                    CallerPolicy policy);

// How a client reaches a server.
struct ChannelSecurity {
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  // The identity the server's certificate must carry (its DNS name); empty without TLS.
  std::string server_identity;

  // As `identity`, to the server whose certificate names `server_identity`.
  static ChannelSecurity MutualTls(const TlsIdentity& identity, std::string server_identity);
  // Plain text: for tests of an adapter against an in-process server, and Transport::kPlaintext.
  static ChannelSecurity Insecure();
};

// What one identity uses on the services' network, by its transport: with mutual TLS its
// certificate as server and client; in plain text nothing (and no caller check).
class ServiceCredentials {
 public:
  // Reads the identity's files whatever the transport (a plain-text stack is configured as a
  // real one is); in plain text, warns that every caller is let through.
  static absl::StatusOr<ServiceCredentials> Load(Transport transport, const TlsFiles& files);

  // As a server answering by `policy` (MutualTlsServerCredentials).
  std::shared_ptr<grpc::ServerCredentials> ForServer(CallerPolicy policy) const;
  // As a client of the server whose certificate names `server_identity`.
  ChannelSecurity ToServer(std::string server_identity) const;

 private:
  ServiceCredentials(Transport transport, TlsIdentity identity)
      : transport_(transport), identity_(std::move(identity)) {}

  Transport transport_;
  TlsIdentity identity_;
};

}  // namespace seckill::rpc
