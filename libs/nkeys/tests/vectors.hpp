#pragma once
// Published seed/public-key pairs and signatures: the NATS documentation, the
// nk README and nats-server's test configs (test/configs/nkeys).
#include <string>
#include <string_view>

namespace nats::nkeys::vectors {

struct SeedAndPublic {
    std::string_view seed;
    std::string_view public_key;
};

inline constexpr SeedAndPublic known_pairs[] = {
    // NATS docs: the user of the nkey authentication examples.
    {"SUACSSL3UAHUDXKFSNVUZRF5UHPMWZ6BFDTJ7M6USDXIEDNPPQYYYCU3VY",
     "UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4"},
    // nk/README.md.
    {"SUAKYRHVIOREXV7EUZTBHUHL7NUMHPMAS7QMDU3GTIUWEI5LDNOXD43IZY",
     "UD466L6EBCM3YY5HEGHJANNTN4LSKTSUXTH7RILHCKEQMQHTBNLHJJXT"},
    // nats-server test/configs/nkeys/sigkeys.txt (operator signing keys).
    {"SOAO7RDW6CLJORHHBS4DPYYIIIAASEIUJ5WWS5FMWLNTFHUCKQ5CAC45AA",
     "ODSKR7MYFQZ5MMAJ6FPMEETCTE3RIHOFLTYPJRMAVVN4OLV2YYAMHCAC"},
    {"SOAEL3NFOTU6YK3DBTEKQYZ2C5IWSVZWWZCQDASBUOHJKBFLVANK27JMMQ",
     "ODSKACSRBWP537DZDRVJ657JOIGOPOQ6KG7T4HN6OK4F6IECGXDAHNP2"},
    {"SOACSMP662P2BZDKVF6WCB6FIQYORADDWWWEAI55QY24CQRTY4METUING4",
     "ODSKI36LZB44OY5IVCR6P52FZJZYMYWZVWNUDTLEZ5TK2PN3OEMRTABR"},
    // nats-server test/configs/nkeys/test.seed; op.jwt names it as issuer.
    {"SOAFYNORQLQFJYBYNUGC5D7SH2MXMUX5BFEWWGHN3EK4VGG5TPT5DZP7QU",
     "OCAT33MTVU2VUOIMGNGUNXJ66AH2RLSDAF3MUBCYAY5QMIL65NQM6XQG"},
};

// A client's signature of a server nonce with the docs user above
// (standard base64 with padding).
inline constexpr std::string_view docs_user_seed = known_pairs[0].seed;
inline constexpr std::string_view docs_nonce = "DhXdTMAeiHhLDig";
inline constexpr std::string_view docs_nonce_signature =
    "WosANJXgeyxerXFo0twRiMG+/ZjYp1K/46bFeFax705yFTCTjM18jWl01gGYk4KKbadiHd+hP3WgUQ2iLZUAAA==";

// nk/README.md: `nk -sign some.txt -inkey user.seed` (URL-safe, unpadded).
inline constexpr std::string_view readme_seed = known_pairs[1].seed;
inline constexpr std::string_view readme_content = "Hello World!\n";
inline constexpr std::string_view readme_signature =
    "0CK1XmkxNfUGfudxliWTWeoETgIo23m9qowS9yTfYFSrjR8HgAW63jQ3NxPU_jG38hZPW61IZSun37N690CkDg";

// nats-server test/configs/nkeys/op.jwt, a v1 ("alg":"ed25519") JWT: the
// operator of test.seed signed the encoded claims segment.
inline constexpr std::string_view operator_public = known_pairs[5].public_key;
inline constexpr std::string_view operator_jwt_claims =
    "eyJhdWQiOiJURVNUUyIsImV4cCI6MTg1OTEyMTI3NSwianRpIjoiWE5MWjZYWVBIVE1ESlFSTlFPSFVPSlFHV0NVN01JNVc1SlhDWk5YQllVS0VRVzY3STI1USIsImlhdCI6MTU0Mzc2MTI3NSwiaXNzIjoiT0NBVDMzTVRWVTJWVU9JTUdOR1VOWEo2NkFIMlJMU0RBRjNNVUJDWUFZNVFNSUw2NU5RTTZYUUciLCJuYW1lIjoiU3luYWRpYSBDb21tdW5pY2F0aW9ucyBJbmMuIiwibmJmIjoxNTQzNzYxMjc1LCJzdWIiOiJPQ0FUMzNNVFZVMlZVT0lNR05HVU5YSjY2QUgyUkxTREFGM01VQkNZQVk1UU1JTDY1TlFNNlhRRyIsInR5cGUiOiJvcGVyYXRvciIsIm5hdHMiOnsic2lnbmluZ19rZXlzIjpbIk9EU0tSN01ZRlFaNU1NQUo2RlBNRUVUQ1RFM1JJSE9GTFRZUEpSTUFWVk40T0xWMllZQU1IQ0FDIiwiT0RTS0FDU1JCV1A1MzdEWkRSVko2NTdKT0lHT1BPUTZLRzdUNEhONk9LNEY2SUVDR1hEQUhOUDIiLCJPRFNLSTM2TFpCNDRPWTVJVkNSNlA1MkZaSlpZTVlXWlZXTlVEVExFWjVUSzJQTjNPRU1SVEFCUiJdfX0";
inline constexpr std::string_view operator_jwt_signature =
    "hyfz6E39BMUh0GLzovFfk3wT4OfualftjdJ_eYkLfPvu5tZubYQ_Pn9oFYGCV_6yKy3KMGhWGUCyCdHaPhalBw";

// "9d61b1..." -> raw bytes, for the RFC vectors.
inline std::string hex_decode(std::string_view hex) {
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    }
    return out;
}

} // namespace nats::nkeys::vectors
