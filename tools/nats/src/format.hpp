#pragma once
// Number and string renderings that natscli's output uses (Go's %q, go-humanize's
// Comma and IBytes, the bench report's byte rates).
#include <cstdint>
#include <string>
#include <string_view>

#include <nats_sdk/go_quote.hpp>

namespace nats::cli {

// 1234567 -> "1,234,567".
std::string comma(std::int64_t value);

// go-humanize CommafWithDigits: thousands separators, at most `digits`
// decimals, trailing zeros dropped ("1,234.5", "3").
std::string commaf(double value, int digits);

// Go's %q for a string: the SDK's, exactly strconv.Quote.
using nats_sdk::go_quote;

// go-humanize IBytes: "1.0 MiB", "512 B", "15 KiB".
std::string ibytes(std::uint64_t bytes);

// The nats.go bench report's byte figures: "75.35 MB" (base 1024, two decimals).
std::string bench_bytes(double bytes);

// Parses natscli's size syntax: "128", "128B", "1K", "1KB", "1KiB", "2M", ... (base
// 1024). Returns -1 for an invalid or negative size.
std::int64_t parse_size(std::string_view text);

} // namespace nats::cli
