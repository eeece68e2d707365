#pragma once
// Brings JetStream in line with the declared assets (declared_assets.hpp): what is missing
// is created, what changed is updated where the API would allow the update, and what
// cannot change is reported and left as it is. Nothing is ever deleted: an asset that
// leaves the config stays with its data, as one a client created does.

#include <string>
#include <vector>

#include "declare/declared_assets.hpp"

namespace nmk::jetstream {

class JetStreamCore;

struct ReconcileLine {
    int level;  // 2 info (created, updated), 3 warning (could not)
    std::string text;
};

// Runs with the core held. One line per change or problem; nothing when all is in place.
std::vector<ReconcileLine> reconcile_declared(JetStreamCore& core, const DeclaredAssets& assets);

}  // namespace nmk::jetstream
