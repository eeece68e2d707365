#include "plugins/store_rocksdb/rocks_format.hpp"

#include <cstring>

#include <xxhash.h>

namespace nats::store_rocksdb {

namespace {

void put_u32(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_u64(std::string& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// Reads little-endian numbers and byte runs, refusing to run past the end.
struct Reader {
    std::string_view rest;
    bool ok = true;
    std::uint64_t u(int bytes) {
        if (rest.size() < static_cast<std::size_t>(bytes)) {
            ok = false;
            return 0;
        }
        std::uint64_t v = 0;
        for (int i = 0; i < bytes; ++i) v |= std::uint64_t(static_cast<unsigned char>(rest[i])) << (8 * i);
        rest.remove_prefix(bytes);
        return v;
    }
    std::string_view bytes(std::size_t n) {
        if (rest.size() < n) {
            ok = false;
            return {};
        }
        auto out = rest.substr(0, n);
        rest.remove_prefix(n);
        return out;
    }
};

}  // namespace

void put_u64_be(std::string& out, std::uint64_t v) {
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint64_t read_u64_be(std::string_view b) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 8 && i < b.size(); ++i) v = (v << 8) | static_cast<unsigned char>(b[i]);
    return v;
}

std::string stream_key(std::string_view account, std::string_view stream) {
    std::string k(account);
    k.push_back('\0');
    k.append(stream);
    return k;
}

std::string id_prefix(std::uint64_t id) {
    std::string k;
    put_u64_be(k, id);
    return k;
}

std::string message_key(std::uint64_t id, std::uint64_t sequence) {
    std::string k;
    k.reserve(16);
    put_u64_be(k, id);
    put_u64_be(k, sequence);
    return k;
}

std::string subject_prefix(std::uint64_t id, std::string_view subject) {
    std::string k;
    k.reserve(9 + subject.size());
    put_u64_be(k, id);
    k.append(subject);
    k.push_back('\0');
    return k;
}

std::string subject_key(std::uint64_t id, std::string_view subject, std::uint64_t sequence) {
    std::string k = subject_prefix(id, subject);
    put_u64_be(k, sequence);
    return k;
}

std::string seal(std::string body) {
    put_u64(body, XXH3_64bits(body.data(), body.size()));
    return body;
}

std::optional<std::string_view> unseal(std::string_view record) {
    if (record.size() < 8) return std::nullopt;
    const std::string_view body = record.substr(0, record.size() - 8);
    Reader r{record.substr(record.size() - 8)};
    if (r.u(8) != XXH3_64bits(body.data(), body.size())) return std::nullopt;
    return body;
}

std::string encode_message(std::int64_t time_ns, std::string_view subject, std::string_view headers,
                           std::string_view payload) {
    std::string out;
    out.reserve(16 + subject.size() + headers.size() + payload.size() + 8);
    put_u64(out, static_cast<std::uint64_t>(time_ns));
    put_u32(out, static_cast<std::uint32_t>(subject.size()));
    put_u32(out, static_cast<std::uint32_t>(headers.size()));
    out.append(subject).append(headers).append(payload);
    return seal(std::move(out));
}

std::optional<MessageRecord> decode_message(std::string_view record) {
    const auto body = unseal(record);
    if (!body) return std::nullopt;
    Reader r{*body};
    MessageRecord m;
    m.time_ns = static_cast<std::int64_t>(r.u(8));
    const auto subject_size = r.u(4);
    const auto headers_size = r.u(4);
    m.subject = r.bytes(subject_size);
    m.headers = r.bytes(headers_size);
    if (!r.ok || m.subject.empty()) return std::nullopt;
    m.payload = r.rest;
    return m;
}

std::string encode_bounds(const StreamCounts& c) {
    std::string out;
    put_u64(out, c.last);
    put_u64(out, static_cast<std::uint64_t>(c.last_time_ns));
    put_u64(out, c.empty_first);
    out.push_back(c.fresh ? 1 : 0);
    return seal(std::move(out));
}

bool decode_bounds(std::string_view record, StreamCounts& c) {
    const auto body = unseal(record);
    if (!body) return false;
    Reader r{*body};
    c.last = r.u(8);
    c.last_time_ns = static_cast<std::int64_t>(r.u(8));
    c.empty_first = r.u(8);
    c.fresh = r.u(1) != 0;
    return r.ok;
}

std::string encode_snapshot(const StreamCounts& c, const std::map<std::string, SubjectInfo, std::less<>>& subjects) {
    std::string out;
    for (std::uint64_t v : {c.messages, c.bytes, c.first, static_cast<std::uint64_t>(c.first_time_ns), c.last,
                            static_cast<std::uint64_t>(c.last_time_ns), c.empty_first})
        put_u64(out, v);
    out.push_back(c.fresh ? 1 : 0);
    put_u64(out, subjects.size());
    for (const auto& [subject, s] : subjects) {
        put_u32(out, static_cast<std::uint32_t>(subject.size()));
        out.append(subject);
        put_u64(out, s.messages);
        put_u64(out, s.first);
        put_u64(out, s.last);
    }
    return seal(std::move(out));
}

bool decode_snapshot(std::string_view record, StreamCounts& c, std::map<std::string, SubjectInfo, std::less<>>& subjects) {
    const auto body = unseal(record);
    if (!body) return false;
    Reader r{*body};
    c.messages = r.u(8);
    c.bytes = r.u(8);
    c.first = r.u(8);
    c.first_time_ns = static_cast<std::int64_t>(r.u(8));
    c.last = r.u(8);
    c.last_time_ns = static_cast<std::int64_t>(r.u(8));
    c.empty_first = r.u(8);
    c.fresh = r.u(1) != 0;
    const auto n = r.u(8);
    subjects.clear();
    for (std::uint64_t i = 0; i < n && r.ok; ++i) {
        std::string subject(r.bytes(r.u(4)));
        SubjectInfo s;
        s.messages = r.u(8);
        s.first = r.u(8);
        s.last = r.u(8);
        subjects.emplace(std::move(subject), s);
    }
    return r.ok && r.rest.empty();
}

std::string encode_consumer(std::string_view meta, std::string_view state) {
    std::string out;
    put_u32(out, static_cast<std::uint32_t>(meta.size()));
    out.append(meta).append(state);
    return seal(std::move(out));
}

bool decode_consumer(std::string_view record, std::string_view& meta, std::string_view& state) {
    const auto body = unseal(record);
    if (!body) return false;
    Reader r{*body};
    meta = r.bytes(r.u(4));
    state = r.rest;
    return r.ok;
}

}  // namespace nats::store_rocksdb
