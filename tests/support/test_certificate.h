#pragma once
// A self-signed certificate made at run time with OpenSSL's C API (no openssl CLI): it
// is its own CA, so a client that trusts its PEM verifies it.
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

namespace test {

class TestCertificate {
public:
  // `subject_alt_names` in OpenSSL's form: "IP:127.0.0.1,DNS:localhost".
  explicit TestCertificate(const std::string& subject_alt_names);

  X509* certificate() const { return m_certificate.get(); }
  EVP_PKEY* key() const { return m_key.get(); }
  // The certificate in PEM, to be written as a CA file.
  std::string pem() const;

private:
  struct FreeKey {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
  };
  struct FreeCertificate {
    void operator()(X509* certificate) const { X509_free(certificate); }
  };
  std::unique_ptr<EVP_PKEY, FreeKey> m_key;
  std::unique_ptr<X509, FreeCertificate> m_certificate;
};

}  // namespace test
