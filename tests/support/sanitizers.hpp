#pragma once
// Whether this test program runs under AddressSanitizer (tools/test.sh's
// second pass). Timings and allocator statistics mean nothing there, so tests
// that measure them only check behaviour in that pass.

namespace nats::test_support {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool sanitized_build = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool sanitized_build = true;
#else
inline constexpr bool sanitized_build = false;
#endif
#else
inline constexpr bool sanitized_build = false;
#endif

}  // namespace nats::test_support
