// Releases libnats' global state after the last test, so leak checkers only
// report what the tests themselves leak.
#include <gtest/gtest.h>
#include <nats/nats.h>
#include <openssl/ssl.h>

namespace {

class NatsLibraryEnvironment : public ::testing::Environment {
public:
    void TearDown() override {
        nats_Close();
        // libnats 3.4 frees OpenSSL's compression-method stack in nats_Close()
        // but leaves OpenSSL's pointer to it; OpenSSL frees it again at exit
        // (a crash once TLS was used). Clearing the pointer stops the double free.
        SSL_COMP_set0_compression_methods(nullptr);
    }
};

[[maybe_unused]] ::testing::Environment* const nats_library_environment =
    ::testing::AddGlobalTestEnvironment(new NatsLibraryEnvironment);

} // namespace
