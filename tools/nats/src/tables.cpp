#include "tables.hpp"

#include <algorithm>

namespace nats::cli {
namespace {

std::string repeat(const std::string& piece, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += piece;
    return out;
}

std::string pad_right(const std::string& text, std::size_t width) {
    const std::size_t w = display_width(text);
    return w >= width ? text : text + std::string(width - w, ' ');
}

} // namespace

std::size_t display_width(const std::string& text) {
    std::size_t n = 0;
    for (unsigned char c : text) n += (c & 0xC0) != 0x80 ? 1 : 0;
    return n;
}

table::table(std::string title) : title_(std::move(title)) {}

void table::headers(std::vector<std::string> names) { headers_ = std::move(names); }

void table::row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }

void table::footer(std::vector<std::string> cells) { footer_ = std::move(cells); }

std::string table::render() const {
    std::size_t count = headers_.size();
    for (const auto& r : rows_) count = std::max(count, r.size());
    std::vector<std::size_t> widths(count, 0);
    auto measure = [&](const std::vector<std::string>& cells) {
        for (std::size_t i = 0; i < cells.size(); ++i) widths[i] = std::max(widths[i], display_width(cells[i]));
    };
    count = std::max(count, footer_.size());
    widths.resize(count, 0);
    measure(headers_);
    for (const auto& r : rows_) measure(r);
    measure(footer_);
    if (count == 0) return {};

    std::size_t inner = count - 1;
    for (auto w : widths) inner += w + 2;
    // A long title widens the last column.
    if (display_width(title_) + 2 > inner) {
        widths.back() += display_width(title_) + 2 - inner;
        inner = display_width(title_) + 2;
    }

    auto border = [&](const char* left, const char* mid, const char* right) {
        std::string line = left;
        for (std::size_t i = 0; i < count; ++i) {
            line += repeat("\u2500", widths[i] + 2);
            line += i + 1 < count ? mid : right;
        }
        return line + "\n";
    };
    auto cells_line = [&](const std::vector<std::string>& cells) {
        std::string line = "\u2502";
        for (std::size_t i = 0; i < count; ++i) {
            line += " " + pad_right(i < cells.size() ? cells[i] : "", widths[i]) + " \u2502";
        }
        return line + "\n";
    };

    std::string out;
    if (!title_.empty()) {
        out += "\u256d" + repeat("\u2500", inner) + "\u256e\n";
        const std::size_t space = inner - display_width(title_);
        out += "\u2502" + std::string(space / 2, ' ') + title_ + std::string(space - space / 2, ' ') + "\u2502\n";
        out += border("\u251c", "\u252c", "\u2524");
    } else {
        out += border("\u256d", "\u252c", "\u256e");
    }
    if (!headers_.empty()) {
        out += cells_line(headers_);
        out += border("\u251c", "\u253c", "\u2524");
    }
    for (const auto& r : rows_) out += cells_line(r);
    if (!footer_.empty()) {
        out += border("\u251c", "\u253c", "\u2524");
        out += cells_line(footer_);
    }
    out += border("\u2570", "\u2534", "\u256f");
    return out;
}

columns::columns(std::string heading) : heading_(std::move(heading)) {}

void columns::section(std::string title) { lines_.push_back({true, std::move(title), {}}); }

void columns::row(std::string label, std::string value) { lines_.push_back({false, std::move(label), std::move(value)}); }

void columns::row_if_not_empty(std::string label, const std::string& value) {
    if (!value.empty()) row(std::move(label), value);
}

std::string columns::render() const {
    std::size_t longest = 0;
    for (const auto& l : lines_) {
        if (!l.title) longest = std::max(longest, display_width(l.label));
    }
    std::string out;
    if (!heading_.empty()) out += heading_ + "\n\n";
    bool previous_title = false;
    for (std::size_t i = 0; i < lines_.size(); ++i) {
        const auto& l = lines_[i];
        if (l.title) {
            if (i != 0 && !previous_title) out += "\n";
            out += l.label + (l.label.ends_with(":") ? "" : ":") + "\n\n";
            previous_title = true;
            continue;
        }
        const std::size_t padding = longest - display_width(l.label) + 2;
        if (l.label.empty()) out += std::string(padding + 1, ' ') + " " + l.value + "\n";
        else out += std::string(padding, ' ') + l.label + ": " + l.value + "\n";
        previous_title = false;
    }
    return out;
}

} // namespace nats::cli
