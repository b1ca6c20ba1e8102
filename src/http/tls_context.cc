#include "http/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <exception>

namespace coffer::http::internal {
namespace {

namespace ssl = boost::asio::ssl;

Status TlsFileError(std::string_view what, const std::string& file,
                    const boost::system::error_code& ec) {
  return Status::InvalidArgument("", std::string(what) + " '" + file + "': " + ec.message());
}

}  // namespace

Result<std::unique_ptr<ssl::context>> MakeServerTlsContext(const std::string& cert_file,
                                                           const std::string& key_file) {
  std::unique_ptr<ssl::context> context;
  try {
    context = std::make_unique<ssl::context>(ssl::context::tls_server);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("cannot create TLS context: ") + e.what());
  }
  SSL_CTX* native = context->native_handle();
  boost::system::error_code ec;
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                           ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                           ssl::context::no_tlsv1_1 | ssl::context::no_compression |
                           ssl::context::single_dh_use,
                       ec);
  if (ec || SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1) {
    return Status::Internal("cannot restrict TLS versions");
  }
  // CLEANSE_PLAINTEXT: OpenSSL wipes each decrypted record once it is read, where
  // it would keep the last one (a PutSecretValue's SecretString) in its buffer.
  SSL_CTX_set_options(
      native, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_CLEANSE_PLAINTEXT);
  context->use_certificate_chain_file(cert_file, ec);
  if (ec) return TlsFileError("cannot load TLS certificate", cert_file, ec);
  context->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) return TlsFileError("cannot load TLS private key", key_file, ec);
  if (SSL_CTX_check_private_key(native) != 1) {
    ERR_clear_error();
    return Status::InvalidArgument(
        "", "TLS private key '" + key_file + "' does not match certificate '" + cert_file + "'");
  }
  return context;
}

}  // namespace coffer::http::internal
