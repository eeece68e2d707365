#pragma once
// The nsc store that `nats auth` keeps operators, accounts, users and their keys
// in, laid out as nsc and natscli lay it out so either tool reads what the other
// wrote:
//   <root>/stores/<operator>/.nsc                       {"name":..,"kind":"operator","version":"1"}
//   <root>/stores/<operator>/<operator>.jwt
//   <root>/stores/<operator>/accounts/<account>/<account>.jwt
//   <root>/stores/<operator>/accounts/<account>/users/<user>.jwt
//   <keys>/keys/<K>/<XY>/<public key>.nk                the seed (K: first letter, XY: the next two)
//   <keys>/creds/<operator>/<account>/<user>.creds
// <root> is --store / $NATS_AUTH_STORE, else $XDG_DATA_HOME/nats/nsc, else
// ~/.local/share/nats/nsc (natscli's default); <keys> is $NKEYS_PATH (nsc's
// override), else <root>/keys. The selected operator is natscli's
// <config>/nats/cli/config.json "select_operator".
// Files holding seeds are written readable by the owner only.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "libs/nkeys/nkeys.hpp"

namespace nats::cli {

class auth_store {
public:
    auth_store(std::filesystem::path root, std::filesystem::path keys_dir, std::filesystem::path cli_config_dir);
    // `store_flag` is --store (empty: the environment decides).
    static auth_store from_environment(const std::string& store_flag);

    const std::filesystem::path& root() const { return root_; }
    const std::filesystem::path& keys_dir() const { return keys_; }

    // Names, sorted.
    std::vector<std::string> operators() const;
    std::vector<std::string> accounts(const std::string& op) const;
    std::vector<std::string> users(const std::string& op, const std::string& account) const;

    bool has_operator(const std::string& op) const;
    bool has_account(const std::string& op, const std::string& account) const;
    bool has_user(const std::string& op, const std::string& account, const std::string& user) const;

    // Creates the operator's directory, its .nsc file and accounts/.
    void create_operator(const std::string& op, const std::string& jwt) const;
    // Throws cli_error when the file is missing.
    std::string operator_jwt(const std::string& op) const;
    std::string account_jwt(const std::string& op, const std::string& account) const;
    std::string user_jwt(const std::string& op, const std::string& account, const std::string& user) const;
    void write_operator_jwt(const std::string& op, const std::string& jwt) const;
    void write_account_jwt(const std::string& op, const std::string& account, const std::string& jwt) const;
    void write_user_jwt(const std::string& op, const std::string& account, const std::string& user,
                        const std::string& jwt) const;
    void remove_user(const std::string& op, const std::string& account, const std::string& user) const;

    std::filesystem::path operator_jwt_path(const std::string& op) const;
    std::filesystem::path account_jwt_path(const std::string& op, const std::string& account) const;

    // The seed file of a key (whether or not it exists).
    std::filesystem::path key_path(const std::string& public_key) const;
    std::filesystem::path store_key(const nkeys::KeyPair& key) const;
    // nullopt when the store has no seed for the key.
    std::optional<nkeys::KeyPair> key(const std::string& public_key) const;
    std::filesystem::path creds_path(const std::string& op, const std::string& account, const std::string& user) const;

    std::optional<std::string> selected_operator() const;
    void select_operator(const std::string& op) const;

private:
    std::filesystem::path operator_dir(const std::string& op) const;
    std::filesystem::path account_dir(const std::string& op, const std::string& account) const;

    std::filesystem::path root_;
    std::filesystem::path keys_;
    std::filesystem::path cli_config_;
};

// nsc's names: not empty, no path separators, not "." or "..", no surrounding blanks.
bool valid_entity_name(const std::string& name);

// Reads or writes a whole file; write_private makes it 0600 (seeds, creds).
std::string read_text_file(const std::filesystem::path& file);
void write_private_file(const std::filesystem::path& file, const std::string& text);

} // namespace nats::cli
