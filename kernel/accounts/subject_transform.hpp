#pragma once
// nats-server's subject transform (accounts.go newTransform): maps a subject
// matching `source` to `destination`, whose tokens may name source wildcards as
// $N or with {{wildcard(N)}}, {{partition(n,N...)}}, {{splitFromLeft(N,p)}},
// {{splitFromRight(N,p)}}, {{sliceFromLeft(N,s)}}, {{sliceFromRight(N,s)}} and
// {{split(N,delim)}}. Imports use it for `to` and `prefix` with wildcards.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace nats::accounts {

// what() is nats-server's wording, e.g. "invalid mapping destination: unknown function in {{x(1)}}".
struct TransformError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// What one destination token does: copy a literal, or one of the functions.
enum class TransformKind : std::uint8_t {
    none, wildcard, partition, split_from_left, split_from_right, slice_from_left, slice_from_right, split
};

class SubjectTransform {
public:
    // Throws TransformError when the pair is not a valid transform.
    static SubjectTransform create(std::string_view source, std::string_view destination);

    // The destination for `subject`, which the caller knows matches the source
    // (nats-server's transformSubject: no match check).
    std::string apply(std::string_view subject) const;
    // The transform that maps destinations back to sources; nullopt when it
    // cannot be built (nats-server then has none either).
    std::optional<SubjectTransform> reverse() const;

    const std::string& source() const { return source_; }
    const std::string& destination() const { return destination_; }

private:
    struct DestinationToken {
        TransformKind kind = TransformKind::none;
        std::vector<int> source_tokens;  // indexes into the subject's tokens
        std::int32_t number = -1;        // partitions, split position or slice size
        std::string delimiter;           // split()
    };

    std::string source_, destination_;
    std::vector<std::string> source_tokens_, destination_tokens_;
    // Empty when the source has no wildcard: every subject maps to destination_.
    std::vector<DestinationToken> plan_;
};

// nats-server's ValidateMappingDestination: no empty token, nothing after ">",
// no whitespace, and every "{{...}}" token one of the known functions (their
// arguments are checked by SubjectTransform::create). Throws TransformError.
void validate_mapping_destination(std::string_view destination);

// "foo.*.*" -> "foo.$1.$2": the destination form of a wildcard subject.
std::string transform_tokenize(std::string_view subject);
// "foo.$1.$2" -> "foo.*.*", with the placeholders in order.
std::string transform_untokenize(std::string_view subject, std::vector<std::string>* placeholders = nullptr);

}  // namespace nats::accounts
