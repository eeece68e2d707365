// Random operations against the SDK's reference model with 4 KiB blocks and (odd seeds)
// one full block's cache at a time (so nearly every step loads a block again), reopening every
// 150 operations: after a clean close (snapshot) or from a copy taken while the stream was
// open (a crash: every block scanned). Several seeds; everything compared after each step.

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include <nats_sdk/testing/stream_store_reference.hpp>
#include <nats_sdk/testing/stream_store_under_test.hpp>

#include "test_support.hpp"

namespace store_file::testing {
namespace {

using nats_sdk::testing::ReferenceStream;

// Odd seeds keep one full block's cache at a time, even ones the default budget (all).
std::string options_for(int seed) {
    return seed % 2 == 1 ? R"({"block_size": 4096, "cache_bytes": 0})" : R"({"block_size": 4096})";
}

std::string describe(const std::optional<sdk::StoredMessage>& m) {
    if (!m) return "none";
    return std::to_string(m->sequence) + " " + std::to_string(m->time_ns) + " " + m->subject + " " + m->headers +
           "|" + m->payload;
}
std::string describe(const sdk::StoredMessage* m) { return describe(m ? std::optional(*m) : std::nullopt); }
std::string describe(const sdk::StreamState& s) {
    return std::to_string(s.messages) + " msgs " + std::to_string(s.bytes) + " B " + std::to_string(s.first_sequence) +
           ".." + std::to_string(s.last_sequence) + " t" + std::to_string(s.first_time_ns) + ".." +
           std::to_string(s.last_time_ns) + " subjects " + std::to_string(s.subjects) + " deleted " +
           std::to_string(s.deleted);
}

std::uint64_t model_sequence_for_time(const ReferenceStream& model, std::int64_t time_ns) {
    for (std::uint64_t q = model.state().first_sequence; q <= model.state().last_sequence; ++q) {
        if (const auto* m = model.load(q); m != nullptr && m->time_ns >= time_ns) return q;
    }
    return model.state().last_sequence + 1;
}

void expect_same(sdk::Stream& stream, const ReferenceStream& model, const std::string& when) {
    const auto st = model.state();
    for (std::uint64_t q = st.first_sequence > 0 ? st.first_sequence - 1 : 0; q <= st.last_sequence + 1; ++q) {
        ASSERT_EQ(describe(load(stream, q)), describe(model.load(q))) << when << ": load " << q;
    }
    ASSERT_EQ(describe(stream.state()), describe(st)) << when;
    ASSERT_EQ(stream.state().corrupt, 0u) << when;  // nothing is damaged here: a "lost" message is a bug
    std::map<std::string, sdk::SubjectState> subjects;
    stream.subjects_state("", [&](std::string_view s, const sdk::SubjectState& state) { subjects[std::string(s)] = state; });
    const auto expected = model.subjects_state("");
    ASSERT_EQ(subjects.size(), expected.size()) << when;
    for (const auto& [subject, state] : expected) {
        ASSERT_EQ(subjects[subject].messages, state.messages) << when << " " << subject;
        ASSERT_EQ(subjects[subject].first_sequence, state.first_sequence) << when << " " << subject;
        ASSERT_EQ(subjects[subject].last_sequence, state.last_sequence) << when << " " << subject;
    }
}

class LazyIndexFuzz : public ::testing::TestWithParam<int> {};

TEST_P(LazyIndexFuzz, MatchesTheReferenceAcrossReopensAndCrashes) {
    TempDir dir;
    LogLines logs;
    std::mt19937_64 rng(static_cast<std::uint64_t>(GetParam()));
    auto pick = [&](std::uint64_t n) { return n == 0 ? 0 : rng() % n; };
    const char* const subjects[] = {"a.1", "a.2", "b.1", "b.2.x", "c"};
    const char* const filters[] = {"", "a.1", "a.*", "b.>", "c", "*.1", "none"};
    const std::string options = options_for(GetParam());
    std::string root = dir.path() + "/r0";
    auto store = open_store(root, options);
    auto stream = store->open_stream("A", "S");
    ReferenceStream model(nats_sdk::testing::file_store_bytes);
    for (int op = 0; op < 900; ++op) {
        const auto st = model.state();
        const std::uint64_t roll = pick(100);
        std::string what;
        if (roll < 60) {
            const std::uint64_t seq = st.last_sequence + 1 + (pick(10) == 0 ? 1 + pick(3) : 0);
            const std::string payload(pick(400), static_cast<char>('a' + pick(26)));
            const std::string headers = pick(5) == 0 ? "NATS/1.0\r\nX: y\r\n\r\n" : "";
            const char* subject = subjects[pick(5)];
            what = "append " + std::to_string(seq);
            stream->append(seq, static_cast<std::int64_t>(seq) * 10, subject, headers, payload);
            model.append(seq, static_cast<std::int64_t>(seq) * 10, subject, headers, payload);
        } else if (roll < 75) {
            const std::uint64_t seq = st.first_sequence + pick(st.last_sequence - st.first_sequence + 3) - 1;
            what = "remove " + std::to_string(seq);
            ASSERT_EQ(stream->remove(seq), model.remove(seq)) << "op " << op << ": " << what;
        } else if (roll < 81) {
            const char* filter = filters[pick(7)];
            const std::uint64_t keep = pick(3) == 0 ? 1 + pick(3) : 0;
            what = std::string("purge '") + filter + "' keep " + std::to_string(keep);
            ASSERT_EQ(stream->purge(filter, 0, keep), *model.purge(filter, 0, keep)) << what;
        } else if (roll < 84) {
            const std::uint64_t seq = st.first_sequence + pick(st.messages / 2 + 2);
            what = "compact " + std::to_string(seq);
            ASSERT_EQ(stream->compact(seq), model.compact(seq)) << what;
        } else if (roll < 87 && st.messages > 0) {
            const std::uint64_t seq = st.last_sequence - pick(std::min<std::uint64_t>(st.messages, 20));
            if (model.load(seq) == nullptr) continue;
            what = "truncate " + std::to_string(seq);
            stream->truncate(seq);
            model.truncate(seq);
        } else {
            const std::uint64_t seq = pick(st.last_sequence + 2);
            const char* filter = filters[pick(7)];
            what = "reads at " + std::to_string(seq) + " '" + filter + "'";
            ASSERT_EQ(describe(load_next(*stream, seq, filter)), describe(model.load_next(seq, filter))) << what;
            ASSERT_EQ(describe(load_last(*stream, filter)), describe(model.load_last(filter))) << what;
            const auto time = static_cast<std::int64_t>(seq) * 10 - 5;
            ASSERT_EQ(stream->sequence_for_time(time), model_sequence_for_time(model, time)) << what;
        }
        ASSERT_EQ(describe(stream->state()), describe(model.state())) << "after op " << op << ": " << what;
        ASSERT_EQ(stream->state().corrupt, 0u) << "after op " << op << ": " << what;
        if (op % 150 == 149) {
            if ((op / 150) % 2 == 0) {  // a clean close, then the snapshot
                stream.reset();
                store.reset();
            } else {  // a crash after a sync: the files as they are now (appends wait in the
                      // write buffer until a sync, which is what a crash may not lose)
                ASSERT_EQ(sync_and_wait(*stream), NMK_STORE_OK);
                const std::string copy = dir.path() + "/r" + std::to_string(op);
                std::filesystem::copy(root, copy, std::filesystem::copy_options::recursive);
                stream.reset();
                store.reset();
                root = copy;
            }
            store = open_store(root, options, logs.sink());
            stream = store->open_stream("A", "S");
            for (const auto& line : logs.lines) ADD_FAILURE() << line;  // nothing here is damaged
            expect_same(*stream, model, "reopened after op " + std::to_string(op));
            if (HasFatalFailure()) return;
        }
    }
    expect_same(*stream, model, "at the end");
}

INSTANTIATE_TEST_SUITE_P(Seeds, LazyIndexFuzz, ::testing::Values(1, 2, 3, 4, 5, 6, 7, 8));

}  // namespace
}  // namespace store_file::testing
