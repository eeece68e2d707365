#pragma once
// Loopback port helpers. Tests only ever use 127.0.0.1.
#include <sys/types.h>

namespace nats::test_support {

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then
// released). Another process may take it in between; that race is accepted.
int free_port();

// True when process `pid` owns a socket listening on TCP `port` (read from
// /proc, so no connection is made and the server sees no extra client).
bool process_listens_on(pid_t pid, int port);

} // namespace nats::test_support
