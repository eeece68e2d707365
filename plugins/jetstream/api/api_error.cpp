#include "api/api_error.hpp"

namespace nmk::jetstream {

namespace {

struct ErrorRow {
    int code;
    int err_code;
    std::string_view description;
};

constexpr ErrorRow error_rows[] = {
#define NMK_JS_ERROR(name, code, err_code, description) {code, err_code, description},
#include "api/api_errors.inc"
#undef NMK_JS_ERROR
};

}  // namespace

ApiError ApiError::of(ErrorId id) {
    const ErrorRow& row = error_rows[static_cast<std::size_t>(id)];
    return {row.code, row.err_code, std::string(row.description)};
}

ApiError ApiError::with(ErrorId id, std::string_view value) {
    ApiError e = of(id);
    // nats-server's descriptions have at most one {placeholder}.
    const auto open = e.description.find('{');
    const auto close = open == std::string::npos ? open : e.description.find('}', open);
    if (close != std::string::npos) e.description.replace(open, close - open + 1, value);
    return e;
}

bool ApiError::is(ErrorId id) const { return err_code == error_rows[static_cast<std::size_t>(id)].err_code; }

void ApiError::write(nats_sdk::GoJsonWriter& w) const {
    w.begin_object().field("code", code).field("err_code", err_code).field("description", description).end_object();
}

}  // namespace nmk::jetstream
