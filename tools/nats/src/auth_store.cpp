#include "auth_store.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "errors.hpp"

namespace nats::cli {
namespace {

namespace fs = std::filesystem;

fs::path env_path(const char* name) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' ? fs::path(v) : fs::path();
}

fs::path home_dir() {
    const fs::path home = env_path("HOME");
    return home.empty() ? fs::path(".") : home;
}

std::string trim(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    std::size_t start = 0;
    while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start]))) ++start;
    return s.substr(start);
}

// Subdirectories of `dir` holding `<name>/<name>.jwt` (nsc lists accounts so).
std::vector<std::string> named_dirs(const fs::path& dir, bool need_jwt) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (!entry.is_directory()) continue;
        const std::string name = entry.path().filename().string();
        if (need_jwt && !fs::exists(entry.path() / (name + ".jwt"))) continue;
        out.push_back(name);
    }
    std::sort(out.begin(), out.end());
    return out;
}

void write_file(const fs::path& file, const std::string& text, bool secret) {
    if (file.has_parent_path()) fs::create_directories(file.parent_path());
    const fs::path temp = file.string() + ".tmp";
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        if (!out) throw cli_error("could not write " + file.string());
        out << text;
        if (!out.flush()) throw cli_error("could not write " + file.string());
    }
    ::chmod(temp.c_str(), secret ? 0600 : 0644);
    std::error_code ec;
    fs::rename(temp, file, ec);
    if (ec) throw cli_error("could not write " + file.string() + ": " + ec.message());
}

std::string read_required(const fs::path& file, const std::string& what) {
    std::error_code ec;
    if (!fs::exists(file, ec)) throw cli_error(what + " does not exist (" + file.string() + ")");
    return trim(read_text_file(file));
}

} // namespace

bool valid_entity_name(const std::string& name) {
    return !name.empty() && name == trim(name) && name != "." && name != ".." &&
           name.find('/') == std::string::npos && name.find('\\') == std::string::npos;
}

std::string read_text_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw cli_error("could not read " + file.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_private_file(const fs::path& file, const std::string& text) { write_file(file, text, true); }

auth_store::auth_store(fs::path root, fs::path keys_dir, fs::path cli_config_dir)
    : root_(std::move(root)), keys_(std::move(keys_dir)), cli_config_(std::move(cli_config_dir)) {}

auth_store auth_store::from_environment(const std::string& store_flag) {
    fs::path root = store_flag.empty() ? env_path("NATS_AUTH_STORE") : fs::path(store_flag);
    if (root.empty()) {
        fs::path data = env_path("XDG_DATA_HOME");
        if (data.empty()) data = home_dir() / ".local" / "share";
        root = data / "nats" / "nsc";
    }
    fs::path keys = env_path("NKEYS_PATH");
    if (keys.empty()) keys = root / "keys";
    fs::path config = env_path("XDG_CONFIG_HOME");
    if (config.empty()) config = home_dir() / ".config";
    return auth_store(root, keys, config / "nats" / "cli");
}

fs::path auth_store::operator_dir(const std::string& op) const { return root_ / "stores" / op; }
fs::path auth_store::account_dir(const std::string& op, const std::string& account) const {
    return operator_dir(op) / "accounts" / account;
}
fs::path auth_store::operator_jwt_path(const std::string& op) const { return operator_dir(op) / (op + ".jwt"); }
fs::path auth_store::account_jwt_path(const std::string& op, const std::string& account) const {
    return account_dir(op, account) / (account + ".jwt");
}

std::vector<std::string> auth_store::operators() const {
    std::vector<std::string> out;
    for (auto& name : named_dirs(root_ / "stores", false)) {
        if (fs::exists(operator_dir(name) / ".nsc")) out.push_back(name);
    }
    return out;
}

std::vector<std::string> auth_store::accounts(const std::string& op) const {
    return named_dirs(operator_dir(op) / "accounts", true);
}

std::vector<std::string> auth_store::users(const std::string& op, const std::string& account) const {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(account_dir(op, account) / "users", ec)) {
        if (entry.path().extension() == ".jwt") out.push_back(entry.path().stem().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

bool auth_store::has_operator(const std::string& op) const {
    return valid_entity_name(op) && fs::exists(operator_dir(op) / ".nsc");
}
bool auth_store::has_account(const std::string& op, const std::string& account) const {
    return valid_entity_name(account) && fs::exists(account_jwt_path(op, account));
}
bool auth_store::has_user(const std::string& op, const std::string& account, const std::string& user) const {
    return valid_entity_name(user) && fs::exists(account_dir(op, account) / "users" / (user + ".jwt"));
}

void auth_store::create_operator(const std::string& op, const std::string& jwt) const {
    // nsc's .nsc: what kind of store this is; "managed" is false for a local operator.
    const nlohmann::ordered_json info = {{"managed", false}, {"name", op}, {"kind", "operator"}, {"version", "1"}};
    write_file(operator_dir(op) / ".nsc", info.dump(), false);
    fs::create_directories(operator_dir(op) / "accounts");
    write_operator_jwt(op, jwt);
}

std::string auth_store::operator_jwt(const std::string& op) const {
    return read_required(operator_jwt_path(op), "operator " + op);
}
std::string auth_store::account_jwt(const std::string& op, const std::string& account) const {
    return read_required(account_jwt_path(op, account), "account " + account);
}
std::string auth_store::user_jwt(const std::string& op, const std::string& account, const std::string& user) const {
    return read_required(account_dir(op, account) / "users" / (user + ".jwt"), "user " + user);
}

void auth_store::write_operator_jwt(const std::string& op, const std::string& jwt) const {
    write_file(operator_jwt_path(op), jwt, false);
}
void auth_store::write_account_jwt(const std::string& op, const std::string& account, const std::string& jwt) const {
    write_file(account_jwt_path(op, account), jwt, false);
}
void auth_store::write_user_jwt(const std::string& op, const std::string& account, const std::string& user,
                                const std::string& jwt) const {
    write_file(account_dir(op, account) / "users" / (user + ".jwt"), jwt, false);
}
void auth_store::remove_user(const std::string& op, const std::string& account, const std::string& user) const {
    std::error_code ec;
    fs::remove(account_dir(op, account) / "users" / (user + ".jwt"), ec);
    fs::remove(creds_path(op, account, user), ec);
}

fs::path auth_store::key_path(const std::string& public_key) const {
    if (public_key.size() < 3) throw cli_error("invalid public key " + public_key);
    return keys_ / "keys" / public_key.substr(0, 1) / public_key.substr(1, 2) / (public_key + ".nk");
}

fs::path auth_store::store_key(const nkeys::KeyPair& key) const {
    const fs::path file = key_path(key.public_key());
    std::string seed = key.seed();
    write_private_file(file, seed);
    std::fill(seed.begin(), seed.end(), '\0');
    // nsc keeps its key directory out of git.
    const fs::path ignore = keys_ / ".gitignore";
    if (!fs::exists(ignore)) write_file(ignore, "*\n", false);
    return file;
}

std::optional<nkeys::KeyPair> auth_store::key(const std::string& public_key) const {
    const fs::path file = key_path(public_key);
    if (!fs::exists(file)) return std::nullopt;
    std::string seed = trim(read_text_file(file));
    auto pair = nkeys::KeyPair::from_seed(seed);
    std::fill(seed.begin(), seed.end(), '\0');
    if (pair.public_key() != public_key) {
        throw cli_error("the seed in " + file.string() + " is not " + public_key + "'s");
    }
    return pair;
}

fs::path auth_store::creds_path(const std::string& op, const std::string& account, const std::string& user) const {
    return keys_ / "creds" / op / account / (user + ".creds");
}

std::optional<std::string> auth_store::selected_operator() const {
    const fs::path file = cli_config_ / "config.json";
    if (!fs::exists(file)) return std::nullopt;
    const auto j = nlohmann::json::parse(read_text_file(file), nullptr, false);
    if (!j.is_object() || !j.contains("select_operator") || !j["select_operator"].is_string()) return std::nullopt;
    std::string name = j["select_operator"].get<std::string>();
    if (name.empty()) return std::nullopt;
    return name;
}

void auth_store::select_operator(const std::string& op) const {
    const fs::path file = cli_config_ / "config.json";
    nlohmann::json j = nlohmann::json::object();
    if (fs::exists(file)) {
        j = nlohmann::json::parse(read_text_file(file), nullptr, false);
        if (!j.is_object()) j = nlohmann::json::object();
    }
    j["select_operator"] = op;
    write_file(file, j.dump(), false);
}

} // namespace nats::cli
