#pragma once
// A long exchange an API request starts and the core owns until it ends: a snapshot
// being sent (snapshot_api.cpp), a restore being received (restore_api.cpp). Sessions
// are driven by messages and timers the Bus hands to the worker with the core held
// (Bus::subscribe, Bus::post), so they need no lock of their own; a message or timer
// arriving after its session ended finds no session under its id and does nothing.

namespace nmk::jetstream {

class JetStreamCore;

class ApiSession {
public:
    virtual ~ApiSession() = default;
    // Lets go of subscriptions and files; the core calls it when the session ends and
    // when it closes.
    virtual void close(JetStreamCore& core) = 0;
};

}  // namespace nmk::jetstream
