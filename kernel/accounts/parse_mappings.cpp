// nats-server's parseAccountMappings and parseAccountMapDest (opts.go): the
// `mappings` (or `maps`) block at the top level (the global account) or in an
// account. Error texts and where they point are nats-server's, including the
// Go type-assertion panics it reports for some mistakes (after such a panic it
// reads no further mappings of the block, so neither do we).
#include "kernel/accounts/parse_accounts.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include <nats_sdk/subject.hpp>

namespace nats::accounts {

namespace {

// Go's fmt %v of a value, for "Unknown entry type for weight of %v".
std::string go_value(const config::Value& v) {
    if (v.is_string()) return v.as_string();
    if (v.is_int()) return std::to_string(v.as_int());
    if (v.is_bool()) return v.as_bool() ? "true" : "false";
    if (v.is_double()) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%g", v.as_double());
        return buf;
    }
    return "<nil>";
}

std::string interface_conversion(const config::Value& v, std::string_view want) {
    return "interface conversion: interface {} is " + go_type(v) + ", not " + std::string(want);
}

// Thrown to stop the block, as a panic stops nats-server's parseAccountMappings.
struct Panic {};

struct MappingParser {
    ErrorList& errors;

    // parseAccountMapDest: nullopt after an error (reported).
    std::optional<MappingDestination> destination(const config::Value& item) {
        if (!item.is_map()) {
            errors.add(item.location(), "Expected an entry for the mapping destination");
            return std::nullopt;
        }
        MappingDestination d;
        bool weighted = false;
        for (const auto& [key, v] : item.as_map()) {
            const std::string k = config::lower(key);
            if (k == "dest" || k == "destination") {
                if (!v.is_string()) {
                    errors.add(item.location(), interface_conversion(v, "string"));
                    throw Panic{};
                }
                d.subject = v.as_string();
            } else if (k == "weight") {
                std::int64_t weight = 0;
                if (v.is_string()) {
                    std::string text = v.as_string();
                    if (!text.empty() && text.back() == '%') text.pop_back();
                    char* end = nullptr;
                    errno = 0;
                    const long long parsed = std::strtoll(text.c_str(), &end, 10);
                    // Go's strconv.Atoi: digits with an optional sign, nothing else.
                    const bool digits = !text.empty() && text.find_first_of(" \t\n") == std::string::npos;
                    if (!digits || *end != '\0' || errno == ERANGE) {
                        errors.add(v.location(), "Invalid weight \"" + text + "\" for mapping destination");
                        return std::nullopt;
                    }
                    weight = parsed;
                } else if (v.is_int()) {
                    weight = v.as_int();
                } else {
                    errors.add(v.location(), "Unknown entry type for weight of " + go_value(v) + "\n");
                    return std::nullopt;
                }
                if (weight > 100 || weight < 0) {
                    errors.add(v.location(), "Invalid weight " + std::to_string(weight) + " for mapping destination");
                    return std::nullopt;
                }
                d.weight = static_cast<int>(weight);
                weighted = true;
            } else if (k == "cluster") {
                if (!v.is_string()) {
                    errors.add(item.location(), interface_conversion(v, "string"));
                    throw Panic{};
                }
                d.cluster = v.as_string();
            } else {
                errors.add(v.location(), "Unknown field \"" + key + "\" for mapping destination");
                return std::nullopt;
            }
        }
        if (!weighted) {
            errors.add(item.location(), "Missing weight for mapping destination \"" + d.subject + "\"");
            return std::nullopt;
        }
        return d;
    }

    // AddWeightedMappings' error, worded as nats-server's config error.
    std::optional<std::string> add(MappingTable& table, const std::string& source,
                                   const std::vector<MappingDestination>& destinations) {
        try {
            table.add(make_mapping(source, destinations));
            return std::nullopt;
        } catch (const MappingError& e) {
            return std::string(e.what());
        } catch (const TransformError& e) {
            return std::string(e.what());
        }
    }

    void block(const config::Value& v, MappingTable& table) {
        if (!v.is_map()) {
            errors.add(v.location(), interface_conversion(v, "map[string]interface {}"));
            return;
        }
        const config::Map& entries = v.as_map();
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const auto& [source, mv] = entries[i];
            bool later = false;  // a key written again: the later one wins, as in Go's map
            for (std::size_t j = i + 1; j < entries.size(); ++j) later = later || entries[j].first == source;
            if (later) continue;
            if (!nats_sdk::subject::is_valid_subject(source)) {
                errors.add(v.location(), "Subject \"" + source + "\" is not a valid subject");
                continue;
            }
            if (mv.is_string()) {
                if (auto e = add(table, source, {MappingDestination{mv.as_string(), 100, {}}}))
                    errors.add(mv.location(), "Error adding mapping for \"" + source + "\" to \"" + mv.as_string() +
                                                  "\" : " + *e);
            } else if (mv.is_array()) {
                std::vector<MappingDestination> destinations;
                const config::Value* last = &mv;
                for (const auto& item : mv.as_array()) {
                    last = &item;
                    if (auto d = destination(item)) destinations.push_back(std::move(*d));
                }
                // nats-server words this error with a string assertion on the
                // list, which panics: the panic's text is what it reports.
                if (add(table, source, destinations)) {
                    errors.add(last->location(), interface_conversion(mv, "string"));
                    throw Panic{};
                }
            } else if (!mv.is_null()) {
                auto d = destination(mv);
                if (!d) continue;
                if (add(table, source, {*d})) {
                    errors.add(mv.location(), interface_conversion(mv, "string"));
                    throw Panic{};
                }
            } else {
                errors.add(mv.location(), "Unknown type <nil> for mapping destination");
            }
        }
    }
};

}  // namespace

void parse_mappings(const config::Value& block, MappingTable& table, ErrorList& errors) {
    try {
        MappingParser{errors}.block(block, table);
    } catch (const Panic&) {
    }
}

}  // namespace nats::accounts
