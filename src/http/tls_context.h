// Builds the server-side TLS context: TLS 1.2 or later only, no compression,
// no renegotiation, OpenSSL's default cipher list, a certificate chain and
// private key from PEM files.
//
// Thread-safety: the returned context is shared read-only by all I/O threads
// (OpenSSL allows creating connections from one SSL_CTX concurrently).
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>
#include <utility>  // before boost/asio (performance-notes §8)

#include "coffer/result.h"

namespace coffer::http::internal {

// Errors: InvalidArgument if a file cannot be read or parsed, or the key does
// not match the certificate; Internal if OpenSSL cannot create a context.
Result<std::unique_ptr<boost::asio::ssl::context>> MakeServerTlsContext(
    const std::string& cert_file, const std::string& key_file);

}  // namespace coffer::http::internal
