#include "tests/support/tls_certs.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace nats::test_support {

namespace {

struct PkeyFree { void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); } };
struct X509Free { void operator()(X509* p) const { X509_free(p); } };
struct FileClose { void operator()(std::FILE* f) const { std::fclose(f); } };
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;

[[noreturn]] void fail(const std::string& what) {
    char buf[256] = {0};
    ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
    throw std::runtime_error("test certificates: " + what + ": " + buf);
}

PkeyPtr make_key(const char* type = "EC") {
    PkeyPtr key(std::string_view(type) == "RSA" ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048})
                                                : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    if (!key) fail("key generation");
    return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (ext == nullptr) fail(std::string("extension ") + value);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

// A certificate for `key` named `common_name`; self-signed when issuer is null.
X509Ptr make_cert(EVP_PKEY* key, const char* common_name, long serial, X509* issuer) {
    X509Ptr cert(X509_new());
    if (!cert) fail("X509_new");
    X509_set_version(cert.get(), 2); // v3
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
    X509_set_pubkey(cert.get(), key);
    X509_NAME* name = X509_get_subject_name(cert.get());
    const auto text = [](const char* s) { return reinterpret_cast<const unsigned char*>(s); };
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, text("nmk tests"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, text(common_name), -1, -1, 0);
    X509* signer = issuer != nullptr ? issuer : cert.get();
    X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
    add_extension(cert.get(), signer, NID_subject_key_identifier, "hash");
    if (issuer != nullptr) add_extension(cert.get(), signer, NID_authority_key_identifier, "keyid:always");
    return cert;
}

void sign(X509* cert, EVP_PKEY* key) {
    if (X509_sign(cert, key, EVP_sha256()) == 0) fail("signing");
}

void write_pem_cert(const std::filesystem::path& file, X509* cert) {
    std::unique_ptr<std::FILE, FileClose> f(std::fopen(file.c_str(), "wb"));
    if (!f || PEM_write_X509(f.get(), cert) != 1) fail("writing " + file.string());
}

void write_pem_key(const std::filesystem::path& file, EVP_PKEY* key) {
    std::unique_ptr<std::FILE, FileClose> f(std::fopen(file.c_str(), "wb"));
    if (!f || PEM_write_PrivateKey(f.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        fail("writing " + file.string());
    }
}

} // namespace

TlsFiles make_test_certificates(const std::filesystem::path& dir, const char* key_type) {
    TlsFiles files{dir / "ca.pem", dir / "server-cert.pem", dir / "server-key.pem", dir / "client-cert.pem",
                   dir / "client-key.pem"};

    PkeyPtr ca_key = make_key();
    X509Ptr ca = make_cert(ca_key.get(), "nmk test CA", 1, nullptr);
    add_extension(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE");
    add_extension(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    sign(ca.get(), ca_key.get());

    PkeyPtr server_key = make_key(key_type);
    X509Ptr server = make_cert(server_key.get(), "localhost", 2, ca.get());
    add_extension(server.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
    add_extension(server.get(), ca.get(), NID_key_usage,
                  std::string_view(key_type) == "RSA" ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature");
    add_extension(server.get(), ca.get(), NID_ext_key_usage, "serverAuth");
    add_extension(server.get(), ca.get(), NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
    sign(server.get(), ca_key.get());

    PkeyPtr client_key = make_key();
    X509Ptr client = make_cert(client_key.get(), "nmk test client", 3, ca.get());
    add_extension(client.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
    add_extension(client.get(), ca.get(), NID_key_usage, "critical,digitalSignature");
    add_extension(client.get(), ca.get(), NID_ext_key_usage, "clientAuth");
    add_extension(client.get(), ca.get(), NID_subject_alt_name, "DNS:client.localhost");
    sign(client.get(), ca_key.get());

    write_pem_cert(files.ca_cert, ca.get());
    write_pem_cert(files.server_cert, server.get());
    write_pem_key(files.server_key, server_key.get());
    write_pem_cert(files.client_cert, client.get());
    write_pem_key(files.client_key, client_key.get());
    return files;
}

} // namespace nats::test_support
