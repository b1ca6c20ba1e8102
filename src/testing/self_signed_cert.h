// Test-only: a P-256 key and a one-day self-signed certificate for
// localhost/127.0.0.1, written as PEM files into a fresh directory under
// `tmp_dir` (the TLS tests of src/http and src/functions trust it as their
// anchor). Uses only OpenSSL.
//
// Thread-safety: a pure function.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace coffer::testing {

struct Pem {
  std::string dir, cert_file, key_file;
};

inline bool WritePemFile(const std::string& path, const std::function<int(FILE*)>& write) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return false;
  bool ok = write(f) == 1;
  return std::fclose(f) == 0 && ok;
}

inline std::optional<Pem> MakeSelfSigned(const std::string& tmp_dir) {
  std::string templ = tmp_dir + "coffer_tls_XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) return std::nullopt;
  Pem pem{templ, templ + "/cert.pem", templ + "/key.pem"};
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  if (!key || !cert) return std::nullopt;
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  X509_EXTENSION* san =
      X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
  if (san == nullptr) return std::nullopt;
  X509_add_ext(cert.get(), san, -1);
  X509_EXTENSION_free(san);
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return std::nullopt;
  if (!WritePemFile(pem.cert_file, [&](FILE* f) { return PEM_write_X509(f, cert.get()); }) ||
      !WritePemFile(pem.key_file, [&](FILE* f) {
        return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
      })) {
    return std::nullopt;
  }
  return pem;
}

}  // namespace coffer::testing
