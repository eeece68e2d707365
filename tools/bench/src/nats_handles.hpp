#pragma once

#include <nats/nats.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "tools/libnats/handles.hpp"

namespace nats::bench {

using libnats::connection_ptr;
using libnats::message_ptr;
using libnats::options_ptr;
using libnats::subscription_ptr;

// A libnats call failed during setup; the run cannot produce a measurement.
struct setup_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Throws setup_error naming the call and libnats' own description of the failure.
void check(natsStatus s, const char* what);

}  // namespace nats::bench
