#pragma once
// natscli's two report layouts: bordered tables (go-pretty, "rounded" style)
// and key/value columns with section titles.
#include <string>
#include <vector>

namespace nats::cli {

class table {
public:
    explicit table(std::string title = {});
    void headers(std::vector<std::string> names);
    void row(std::vector<std::string> cells);
    // A last row under its own rule (go-pretty's footer: totals).
    void footer(std::vector<std::string> cells);
    std::string render() const;

private:
    std::string title_;
    std::vector<std::string> headers_;
    std::vector<std::vector<std::string>> rows_;
    std::vector<std::string> footer_;
};

// Rows "Label: value" aligned on the colon, under an optional heading, in
// sections with titles ("Process Details:").
class columns {
public:
    explicit columns(std::string heading = {});
    void section(std::string title);
    void row(std::string label, std::string value);
    void row_if_not_empty(std::string label, const std::string& value);
    std::string render() const;

private:
    struct line {
        bool title;
        std::string label;
        std::string value;
    };
    std::string heading_;
    std::vector<line> lines_;
};

// Number of code points in a UTF-8 string (what the layouts align on).
std::size_t display_width(const std::string& text);

} // namespace nats::cli
