#pragma once
// Plugin-side callables behind the ABI's plain `callback + void* user` pairs.
//
// A box is a heap cell owned by the plugin; only its address crosses the boundary.
// Exceptions thrown by the callable are caught here and logged through the host.
//
// Lifetime: a handle (Subscription, Timer) deletes its box after the kernel's
// unsubscribe()/cancel_timer() has returned; the kernel guarantees no call is running
// or will start on another thread by then. A handle released from inside its own
// callback (a one-shot reply handler) is deleted when that callback returns, tracked
// per thread below.

#include <exception>
#include <string>
#include <string_view>
#include <utility>

#include "nats_sdk/abi.hpp"
#include "nats_sdk/strings.hpp"

namespace nats_sdk::detail {

struct box_base {
    explicit box_base(const nmk_host_api* host_api) noexcept : api(host_api) {}
    virtual ~box_base() = default;
    box_base(const box_base&) = delete;
    box_base& operator=(const box_base&) = delete;

    const nmk_host_api* api;
};

// One frame per box call in progress on this thread, innermost first.
struct call_frame {
    const box_base* box;
    bool released;
    call_frame* outer;
};

inline thread_local call_frame* current_call = nullptr;

inline void log_exception(const nmk_host_api* api, std::string_view where) noexcept {
    try {
        std::string text(where);
        try {
            throw;
        } catch (const std::exception& e) {
            text += ": ";
            text += e.what();
        } catch (...) {
            text += ": unknown exception";
        }
        api->log(api->host, NMK_LOG_ERROR, to_nmk(text));
    } catch (...) {
        // Out of memory while reporting: nothing sensible is left to do.
    }
}

// Calls `fn` inside a frame for `box`, catching everything; deletes the box afterwards
// when it was released during the call.
template <class Fn>
void call_in_frame(box_base* box, std::string_view where, Fn&& fn) noexcept {
    call_frame frame{box, false, current_call};
    current_call = &frame;
    try {
        std::forward<Fn>(fn)();
    } catch (...) {
        log_exception(box->api, where);
    }
    current_call = frame.outer;
    if (frame.released) {
        delete box;
    }
}

// Deletes `box`, or marks it for deletion when a call of it is on this thread's stack
// (the outermost such call deletes it).
inline void release_box(box_base* box) noexcept {
    call_frame* outermost = nullptr;
    for (call_frame* frame = current_call; frame != nullptr; frame = frame->outer) {
        if (frame->box == box) {
            outermost = frame;
        }
    }
    if (outermost != nullptr) {
        outermost->released = true;
    } else {
        delete box;
    }
}

}  // namespace nats_sdk::detail
