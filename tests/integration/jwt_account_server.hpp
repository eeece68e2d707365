#pragma once
// A minimal HTTP account server on 127.0.0.1 for the URL resolver tests: GET
// <prefix><account key> answers 200 with the JWT registered for that key, 404
// otherwise. One connection at a time, closed after each answer; counts requests.
// Given a certificate and key it speaks https (a failed handshake counts as no request).
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace nats::integration {

class AccountServer {
public:
    AccountServer(const std::string& cert_file = {}, const std::string& key_file = {}) {
        if (!cert_file.empty()) {
            tls_ = SSL_CTX_new(TLS_server_method());
            if (tls_ == nullptr || SSL_CTX_use_certificate_chain_file(tls_, cert_file.c_str()) != 1 ||
                SSL_CTX_use_PrivateKey_file(tls_, key_file.c_str(), SSL_FILETYPE_PEM) != 1)
                throw std::runtime_error("account server: cannot load the certificate");
        }
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 16) != 0) {
            throw std::runtime_error("account server: cannot listen");
        }
        socklen_t len = sizeof addr;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~AccountServer() {
        stopping_ = true;
        ::shutdown(fd_, SHUT_RDWR);
        ::close(fd_);
        thread_.join();
        if (tls_ != nullptr) SSL_CTX_free(tls_);
    }
    std::string url(std::string_view prefix = "/jwt/v1/accounts/") const {
        return std::string(tls_ != nullptr ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) +
               std::string(prefix);
    }
    void put(const std::string& path, const std::string& body) {
        std::lock_guard lock(mutex_);
        bodies_[path] = body;
    }
    int requests() const { return requests_; }

private:
    void serve() {
        while (!stopping_) {
            const int client = ::accept(fd_, nullptr, nullptr);
            if (client < 0) return;
            SSL* ssl = nullptr;
            if (tls_ != nullptr) {
                ssl = SSL_new(tls_);
                SSL_set_fd(ssl, client);
                if (SSL_accept(ssl) != 1) {  // e.g. the client refused our certificate
                    SSL_free(ssl);
                    ::close(client);
                    continue;
                }
            }
            std::string request;
            char buffer[4096];
            while (request.find("\r\n\r\n") == std::string::npos) {
                const auto n = ssl != nullptr ? SSL_read(ssl, buffer, sizeof buffer)
                                              : ::recv(client, buffer, sizeof buffer, 0);
                if (n <= 0) break;
                request.append(buffer, static_cast<std::size_t>(n));
            }
            ++requests_;
            const auto first_space = request.find(' ');
            const auto second_space = request.find(' ', first_space + 1);
            const std::string path = first_space == std::string::npos
                                         ? std::string()
                                         : request.substr(first_space + 1, second_space - first_space - 1);
            std::string response;
            {
                std::lock_guard lock(mutex_);
                const auto it = bodies_.find(path);
                if (it != bodies_.end()) {
                    response = "HTTP/1.1 200 OK\r\nContent-Type: application/jwt\r\nContent-Length: " +
                               std::to_string(it->second.size()) + "\r\nConnection: close\r\n\r\n" + it->second;
                } else {
                    response = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                }
            }
            if (ssl != nullptr) {
                SSL_write(ssl, response.data(), static_cast<int>(response.size()));
                SSL_shutdown(ssl);
                SSL_free(ssl);
            } else {
                ::send(client, response.data(), response.size(), MSG_NOSIGNAL);
            }
            ::close(client);
        }
    }

    SSL_CTX* tls_ = nullptr;
    int fd_ = -1;
    int port_ = 0;
    std::thread thread_;
    std::atomic<bool> stopping_{false};
    std::atomic<int> requests_{0};
    std::mutex mutex_;
    std::map<std::string, std::string> bodies_;
};

}  // namespace nats::integration
