#pragma once
// Names instantiated contract tests after their case: pass nats_sdk::testing::case_name
// as the last argument of INSTANTIATE_TEST_SUITE_P.

#include <string>

namespace nats_sdk::testing {

struct case_name_generator {
    template <class Info>
    std::string operator()(const Info& info) const {
        return info.param.name;
    }
};
inline constexpr case_name_generator case_name{};

}  // namespace nats_sdk::testing
