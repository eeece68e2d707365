#include "nk.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <iostream>
#include <optional>
#include <utility>

#include "files.hpp"
#include "flags.hpp"
#include "libs/nkeys/curve.hpp"
#include "libs/nkeys/key_text.hpp"
#include "libs/nkeys/nkeys.hpp"

#ifndef NMK_PRODUCT_VERSION
#define NMK_PRODUCT_VERSION "unknown"
#endif

namespace nats::nk {
namespace {

using nkeys::KeyType;

constexpr std::string_view usage_text = R"(Usage: nk [options]
    -v                    Show version
    -gen <type>           Generate key for [user|account|server|cluster|operator|curve|x25519]
    -sign <file>          Sign <file> with -inkey <keyfile>
    -verify <file>        Verify <file> with -inkey <keyfile> or -pubin <public> and -sigfile <file>
    -inkey <file>         Input key file (seed/private key)
    -pubin <file>         Public key file
    -sigfile <file>       Signature file
    -pubout               Output public key
    -e <file>             Entropy file, e.g. /dev/urandom
    -pre <vanity>         Attempt to generate public key given prefix, e.g. nk -gen user -pre derek
    -maxpre <N>           Maximum attempts at generating the correct key prefix, default is 10,000,000
)";

// A role to generate: one that signs, or a curve key (type empty).
struct GenType {
    std::optional<KeyType> type;
    std::string name;
};

GenType gen_type(std::string name) {
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const auto t : {KeyType::user, KeyType::account, KeyType::server, KeyType::cluster, KeyType::operator_})
        if (name == nkeys::to_string(t)) return {t, name};
    if (name == "curve" || name == "x25519") return {std::nullopt, name};
    throw Fatal("Usage: nk -gen [user|account|server|cluster|operator|curve|x25519]");
}

struct Generated {
    std::string seed;
    std::string public_key;
    ~Generated() { nkeys::wipe(seed); }
};

Generated generate(const GenType& gen, const std::string& entropy) {
    Generated out;
    if (entropy.empty()) {
        if (gen.type) {
            const auto pair = nkeys::KeyPair::generate(*gen.type);
            out.seed = pair.seed();
            out.public_key = pair.public_key();
        } else {
            auto keys = nkeys::generate_curve_keys();
            out.seed = keys.seed;
            out.public_key = keys.public_key;
            nkeys::wipe(keys.seed);
        }
        return out;
    }
    std::string raw;
    try {
        raw = read_prefix(entropy, 32);
    } catch (const Fatal& e) {
        const std::string what = e.what();
        // Open errors stand alone; a short source is about creating the key.
        if (what.rfind("open ", 0) == 0 || what.rfind("read ", 0) == 0) throw;
        throw Fatal("Error creating " + gen.name + " key: " + what);
    }
    if (gen.type) {
        const auto pair = nkeys::KeyPair::from_raw_seed(*gen.type, raw);
        out.seed = pair.seed();
        out.public_key = pair.public_key();
    } else {
        out.seed = nkeys::encode_seed(nkeys::prefix::curve, raw);
        out.public_key = nkeys::curve_public_key(out.seed);
    }
    nkeys::wipe(raw);
    return out;
}

Generated generate_vanity(const GenType& gen, std::string vanity, const std::string& entropy, long long max) {
    std::transform(vanity.begin(), vanity.end(), vanity.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    const bool base32 = std::all_of(vanity.begin(), vanity.end(),
                                    [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7'); });
    if (!base32) throw Fatal("Can not generate base32 encoded strings to match '" + vanity + "'");
    // The spinner is for people watching; scripts get a clean stderr.
    const bool spin = ::isatty(STDERR_FILENO) == 1;
    static constexpr std::string_view spinners[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
    for (long long i = 0; i < max; ++i) {
        if (spin && i % 1000 == 0) {
            std::cerr << "\r\033[mcomputing\033[m " << spinners[(i / 1000) % 10] << ' ' << std::flush;
        }
        Generated candidate = generate(gen, entropy);
        // The first letter is the role; the vanity text follows it.
        if (candidate.public_key.compare(1, vanity.size(), vanity) == 0) {
            if (spin) std::cerr << '\r' << std::flush;
            return candidate;
        }
    }
    if (spin) std::cerr << '\r' << std::flush;
    throw Fatal("Failed to generate prefix after " + std::to_string(max) + " attempts");
}

// The first line of a key file that is a well-formed key (nk skips comments
// and the decorations of .creds files this way).
std::string read_key_file(const std::string& path) {
    std::string contents = read_whole_file(path);
    std::string key;
    std::size_t start = 0;
    while (start <= contents.size()) {
        const std::size_t end = std::min(contents.find('\n', start), contents.size());
        const std::string_view line(contents.data() + start, end - start);
        if (nkeys::is_valid_encoding(line)) {
            key.assign(line);
            break;
        }
        start = end + 1;
    }
    nkeys::wipe(contents);
    if (key.empty()) throw Fatal("Could not find a valid key");
    return key;
}

// Wipes a secret string on every exit path.
struct Secret {
    std::string value;
    ~Secret() { nkeys::wipe(value); }
};

void print_public_from_seed(const std::string& key_file, std::ostream& out) {
    const Secret seed{read_key_file(key_file)};
    nkeys::DecodedSeed decoded = nkeys::decode_seed(seed.value);
    const Secret raw{std::move(decoded.raw)}; // wiped on return
    if (decoded.public_prefix == nkeys::prefix::curve) {
        out << nkeys::curve_public_key(seed.value) << '\n';
        return;
    }
    out << nkeys::KeyPair::from_seed(seed.value).public_key() << '\n';
}

void sign(const std::string& file, const std::string& key_file, std::ostream& out) {
    if (key_file.empty()) throw Fatal("Sign requires a seed/private key via -inkey <file>");
    const Secret seed{read_key_file(key_file)};
    const Secret raw{nkeys::decode_seed(seed.value).raw}; // seed errors before file errors
    const std::string content = read_whole_file(file);
    const auto pair = nkeys::KeyPair::from_seed(seed.value);
    out << nkeys::base64url_encode(pair.sign(content)) << '\n';
}

void verify(const std::string& file, const std::string& key_file, const std::string& pub_file,
            const std::string& sig_file, std::ostream& out) {
    if (key_file.empty() && pub_file.empty())
        throw Fatal("Verify requires a seed key via -inkey or a public key via -pubin");
    if (sig_file.empty()) throw Fatal("Verify requires a signature via -sigfile");
    std::string public_key;
    bool curve = false;
    if (!key_file.empty()) {
        const Secret seed{read_key_file(key_file)};
        nkeys::DecodedSeed decoded = nkeys::decode_seed(seed.value);
        const Secret raw{std::move(decoded.raw)}; // wiped on return
        curve = decoded.public_prefix == nkeys::prefix::curve;
        if (!curve) public_key = nkeys::KeyPair::from_seed(seed.value).public_key();
    } else {
        public_key = read_key_file(pub_file);
        const std::string raw = nkeys::decode_checked(public_key);
        curve = static_cast<std::uint8_t>(raw[0]) == nkeys::prefix::curve;
        if (!curve && !nkeys::is_valid_public_key(public_key)) throw Fatal("nkeys: invalid public key");
    }
    const std::string content = read_whole_file(file);
    const std::string encoded = read_whole_file(sig_file);
    const auto signature = nkeys::base64_decode_any(encoded);
    if (!signature) throw Fatal("illegal base64 data in " + sig_file);
    if (curve) throw Fatal("nkeys: curve key is not valid for sign/verify");
    if (!nkeys::verify(public_key, content, *signature)) throw Fatal("nkeys: signature verification failed");
    out << "Verified OK\n";
}

int dispatch(const Options& o, std::ostream& out) {
    if (o.version) {
        out << "nk version " << NMK_PRODUCT_VERSION << '\n';
        return 0;
    }
    if (!o.gen.empty()) {
        const GenType gen = gen_type(o.gen);
        const Generated keys =
            o.pre.empty() ? generate(gen, o.entropy) : generate_vanity(gen, o.pre, o.entropy, o.maxpre);
        out << keys.seed << '\n';
        if (o.pubout || !o.pre.empty()) out << keys.public_key << '\n';
        return 0;
    }
    if (!o.entropy.empty()) throw Fatal("Entropy file only used when creating keys with -gen");
    if (!o.sign.empty()) {
        sign(o.sign, o.inkey, out);
        return 0;
    }
    if (!o.verify.empty()) {
        verify(o.verify, o.inkey, o.pubin, o.sigfile, out);
        return 0;
    }
    if (!o.inkey.empty() && o.pubout) {
        print_public_from_seed(o.inkey, out);
        return 0;
    }
    out << usage_text;
    return 1;
}

} // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    const ParsedFlags parsed = parse_flags(args);
    if (parsed.error || parsed.help) {
        if (parsed.error) err << *parsed.error << '\n';
        out << usage_text;
        return 1;
    }
    try {
        return dispatch(parsed.options, out);
    } catch (const Fatal& e) {
        out << e.what() << '\n';
    } catch (const nkeys::Error& e) {
        out << e.what() << '\n';
    }
    return 1;
}

} // namespace nats::nk
