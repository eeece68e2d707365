#pragma once
// A republish mapping, nats-server 2.9.10's newTransform: the destination names the
// source's `*` tokens with `$N` or `{{wildcard(N)}}` (whole tokens, N from 1), uses every
// one of them, has no `*` of its own, and ends in `>` exactly when the source does.
// Other mapping functions ({{partition(...)}}, {{split...}}) are not supported here and
// make the mapping invalid, so a stream asking for one is refused, not half-served.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nmk::jetstream {

class SubjectTransform {
public:
    // nullopt when nats-server would refuse the pair (or it uses an unsupported function).
    static std::optional<SubjectTransform> make(std::string_view source, std::string_view destination);

    // The destination for `subject`, which must match the source.
    std::string apply(std::string_view subject) const;

private:
    std::vector<std::string> source_tokens_;
    // Per destination token: the literal text, or (index >= 0) the subject token at that
    // position of the source, or (index == -2) the rest of the subject after `>`.
    struct Piece {
        std::string text;
        int index = -1;
    };
    std::vector<Piece> pieces_;
};

}  // namespace nmk::jetstream
