#include "context_store.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "errors.hpp"
#include "format.hpp"

namespace nats::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// natscli writes every known key; these are the ones this tool reads.
constexpr const char* known_keys[] = {"description", "url",  "user", "password", "token",       "creds",
                                      "nkey",        "cert", "key",  "ca",       "inbox_prefix"};

std::string read_text(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return {};
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_private(const fs::path& file, const std::string& text) {
    fs::create_directories(file.parent_path());
    const fs::path temp = file.string() + ".tmp";
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        if (!out) throw cli_error("could not write " + file.string());
        out << text;
        if (!out.flush()) throw cli_error("could not write " + file.string());
    }
    ::chmod(temp.c_str(), 0600);
    std::error_code ec;
    fs::rename(temp, file, ec);
    if (ec) throw cli_error("could not write " + file.string() + ": " + ec.message());
}

std::string text_field(const json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string trim(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    std::size_t start = 0;
    while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start]))) ++start;
    return s.substr(start);
}

} // namespace

bool valid_context_name(const std::string& name) {
    return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
           name.find('\\') == std::string::npos && name.find("..") == std::string::npos;
}

context_store::context_store(fs::path nats_config_dir) : dir_(std::move(nats_config_dir)) {}

context_store context_store::from_environment() {
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg != '\0') {
        return context_store(fs::path(xdg) / "nats");
    }
    const char* home = std::getenv("HOME");
    return context_store(fs::path(home != nullptr ? home : ".") / ".config" / "nats");
}

fs::path context_store::path_of(const std::string& name) const { return dir_ / "context" / (name + ".json"); }

std::vector<std::string> context_store::names() const {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir_ / "context", ec)) {
        if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
        out.push_back(entry.path().stem().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

bool context_store::exists(const std::string& name) const {
    std::error_code ec;
    return valid_context_name(name) && fs::is_regular_file(path_of(name), ec);
}

std::optional<std::string> context_store::selected() const {
    const std::string name = trim(read_text(dir_ / "context.txt"));
    if (name.empty() || !exists(name)) return std::nullopt;
    return name;
}

void context_store::select(const std::string& name) const {
    if (!exists(name)) throw cli_error("unknown context " + go_quote(name));
    if (const auto previous = selected(); previous && *previous != name) {
        write_private(dir_ / "previous-context.txt", *previous);
    }
    write_private(dir_ / "context.txt", name);
}

void context_store::unselect() const {
    std::error_code ec;
    fs::remove(dir_ / "context.txt", ec);
}

context_settings context_store::load(const std::string& name) const {
    if (!valid_context_name(name)) throw cli_error("invalid context name " + go_quote(name));
    if (!exists(name)) throw cli_error("unknown context " + go_quote(name));
    const json j = json::parse(read_text(path_of(name)), nullptr, false);
    if (!j.is_object()) throw cli_error("invalid context " + go_quote(name) + ": not a JSON object");
    context_settings s;
    s.description = text_field(j, "description");
    s.url = text_field(j, "url");
    s.user = text_field(j, "user");
    s.password = text_field(j, "password");
    s.token = text_field(j, "token");
    s.creds = text_field(j, "creds");
    s.nkey = text_field(j, "nkey");
    s.cert = text_field(j, "cert");
    s.key = text_field(j, "key");
    s.ca = text_field(j, "ca");
    s.inbox_prefix = text_field(j, "inbox_prefix");
    s.extra = j;
    for (const char* key : known_keys) s.extra.erase(key);
    return s;
}

void context_store::save(const std::string& name, const context_settings& s) const {
    if (!valid_context_name(name)) throw cli_error("invalid context name " + go_quote(name));
    json j = s.extra.is_object() ? s.extra : json::object();
    j["description"] = s.description;
    j["url"] = s.url;
    j["user"] = s.user;
    j["password"] = s.password;
    j["token"] = s.token;
    j["creds"] = s.creds;
    j["nkey"] = s.nkey;
    j["cert"] = s.cert;
    j["key"] = s.key;
    j["ca"] = s.ca;
    j["inbox_prefix"] = s.inbox_prefix;
    write_private(path_of(name), j.dump(2) + "\n");
}

void context_store::remove(const std::string& name) const {
    if (!exists(name)) throw cli_error("unknown context " + go_quote(name));
    std::error_code ec;
    fs::remove(path_of(name), ec);
    if (ec) throw cli_error("could not remove context " + go_quote(name) + ": " + ec.message());
    if (trim(read_text(dir_ / "context.txt")) == name) unselect();
}

} // namespace nats::cli
