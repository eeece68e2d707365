#pragma once
// The fixture of StreamStoreContract (stream_store_contract.hpp): a fresh backend and root
// directory per test, and the helpers that compare a stream with the ReferenceStream.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "nats_sdk/testing/stream_store_under_test.hpp"

namespace nats_sdk::testing {

class StreamStoreContract : public ::testing::TestWithParam<StreamStoreContractCase> {
protected:
    using Stream = store::Stream;
    using Store = store::Store;
    using StoredMessage = store::StoredMessage;
    using StreamState = store::StreamState;

    void SetUp() override {
        backend_ = GetParam().factory();
        ASSERT_NE(backend_, nullptr) << "the case's factory gave no backend";
    }
    void TearDown() override { backend_.reset(); }

    std::unique_ptr<Store> open_store() { return backend_->open_store(dir_.path().string(), GetParam().options_json); }
    ReferenceStream reference() const { return ReferenceStream(GetParam().message_bytes); }

    // Times increase with the sequence: 1 ms apart from a fixed 2023 instant.
    static std::int64_t time_of(std::uint64_t sequence) {
        return 1'700'000'000'000'000'000 + static_cast<std::int64_t>(sequence) * 1'000'000;
    }

    // Appends to the stream under test and to the model.
    static void add(Stream& stream, ReferenceStream& model, std::uint64_t sequence, std::string_view subject,
                    std::string_view payload = "data", std::string_view headers = {}) {
        stream.append(sequence, time_of(sequence), subject, headers, payload);
        model.append(sequence, time_of(sequence), subject, headers, payload);
    }

    // Subjects the filter tests spread over sequences 1..12 with gaps at 4 and 9.
    static void fill_orders(Stream& s, ReferenceStream& model) {
        const char* const subjects[] = {"orders.new",     "orders.eu.paid", "stock.eu.x", "orders.new",
                                        "orders.us.paid", "stock.new",      "orders.eu.paid", "orders.new",
                                        "orders.x",       "stock.eu.x"};
        const std::uint64_t sequences[] = {1, 2, 3, 5, 6, 7, 8, 10, 11, 12};
        for (int i = 0; i < 10; ++i) {
            add(s, model, sequences[i], subjects[i], "payload " + std::to_string(i));
        }
    }

    // A message in a form that compares and prints in one line.
    static std::string describe(const StoredMessage* m) {
        if (m == nullptr) {
            return "none";
        }
        std::ostringstream out;
        out << "seq " << m->sequence << " time " << m->time_ns << " subject '" << m->subject << "' headers "
            << m->headers.size() << "B payload " << m->payload.size() << "B";
        std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a over headers and payload
        for (const std::string* part : {&m->headers, &m->payload}) {
            for (const unsigned char c : *part) {
                hash = (hash ^ c) * 1099511628211ULL;
            }
        }
        out << " #" << std::hex << hash;
        return out.str();
    }
    static std::string describe(const std::optional<StoredMessage>& m) { return describe(m ? &*m : nullptr); }

    using Loader = std::function<store::LoadResult(const std::function<void(const store::MessageView&)>&)>;
    static std::optional<StoredMessage> take(store::LoadResult expected_if_none, const Loader& loader) {
        std::optional<StoredMessage> got;
        int calls = 0;
        const auto result = loader([&](const store::MessageView& m) {
            ++calls;
            got = StoredMessage::copy_of(m);
        });
        if (result == store::LoadResult::found) {
            EXPECT_EQ(calls, 1) << "found, but the callback ran " << calls << " times";
        } else {
            EXPECT_EQ(calls, 0) << "not found, but the callback ran";
            EXPECT_EQ(result, expected_if_none);
            got.reset();
        }
        return got;
    }
    static std::optional<StoredMessage> load(Stream& s, std::uint64_t sequence) {
        return take(store::LoadResult::not_found, [&](const auto& fn) { return s.load(sequence, fn); });
    }
    static std::optional<StoredMessage> next(Stream& s, std::uint64_t start, std::string_view filter) {
        return take(store::LoadResult::not_found, [&](const auto& fn) { return s.load_next(start, filter, fn); });
    }
    static std::optional<StoredMessage> last(Stream& s, std::string_view filter) {
        return take(store::LoadResult::not_found, [&](const auto& fn) { return s.load_last(filter, fn); });
    }

    static std::map<std::string, store::SubjectState> subjects(const Stream& s, std::string_view filter) {
        std::map<std::string, store::SubjectState> out;
        s.subjects_state(filter, [&](std::string_view subject, const store::SubjectState& state) {
            EXPECT_TRUE(out.emplace(std::string(subject), state).second) << "subject " << subject << " twice";
        });
        return out;
    }

    static std::string describe(const StreamState& s) {
        std::ostringstream out;
        out << "messages " << s.messages << " bytes " << s.bytes << " first " << s.first_sequence << " @"
            << s.first_time_ns << " last " << s.last_sequence << " @" << s.last_time_ns << " deleted " << s.deleted
            << " subjects " << s.subjects;
        return out.str();
    }
    static std::string describe(const std::map<std::string, store::SubjectState>& m) {
        std::ostringstream out;
        for (const auto& [subject, s] : m) {
            out << subject << "=" << s.messages << "[" << s.first_sequence << "," << s.last_sequence << "] ";
        }
        return out.str();
    }

    // The counts of state() (not `corrupt`, which the model does not know).
    static void expect_state(const Stream& s, const ReferenceStream& model) {
        EXPECT_EQ(describe(s.state()), describe(model.state()));
    }

    // Every answer the stream gives equals the model's: state, each sequence, load_next and
    // load_last for each filter, subject states, sequence_for_time.
    static void expect_same(const Stream& cs, const ReferenceStream& model, const std::vector<std::string>& filters) {
        auto& s = const_cast<Stream&>(cs);
        expect_state(s, model);
        const std::uint64_t end = model.state().last_sequence + 2;
        for (std::uint64_t seq = 0; seq <= end; ++seq) {
            EXPECT_EQ(describe(load(s, seq)), describe(model.load(seq))) << "load(" << seq << ")";
        }
        for (const auto& filter : filters) {
            for (std::uint64_t start = 0; start <= end; start += 1 + end / 7) {
                EXPECT_EQ(describe(next(s, start, filter)), describe(model.load_next(start, filter)))
                    << "load_next(" << start << ", '" << filter << "')";
            }
            EXPECT_EQ(describe(last(s, filter)), describe(model.load_last(filter))) << "load_last('" << filter << "')";
            EXPECT_EQ(describe(subjects(s, filter)), describe(model.subjects_state(filter)))
                << "subjects_state('" << filter << "')";
        }
        for (const auto& [subject, want] : model.subjects_state("")) {
            const auto got = s.subject_state(subject);
            ASSERT_TRUE(got.has_value()) << "subject_state(" << subject << ")";
            using One = std::map<std::string, store::SubjectState>;
            EXPECT_EQ(describe(One{{subject, *got}}), describe(One{{subject, want}}));
        }
        EXPECT_FALSE(s.subject_state("no.such.subject").has_value());
        for (std::uint64_t seq = 0; seq <= end; seq += 1 + end / 5) {
            EXPECT_EQ(s.sequence_for_time(time_of(seq)), model.sequence_for_time(time_of(seq)))
                << "sequence_for_time(time of " << seq << ")";
        }
    }

    // Calls sync and waits (10 s at most) for its completion; returns how many times it ran
    // in all (after a short extra wait for a second call) and its status.
    struct SyncOutcome {
        int calls = 0;
        nmk_store_status status = NMK_STORE_IO_ERROR;
        std::string error;
    };
    static SyncOutcome sync_and_wait(Stream& s) {
        struct Shared {
            std::mutex mutex;
            std::condition_variable cv;
            SyncOutcome outcome;
        };
        auto shared = std::make_shared<Shared>();
        s.sync([shared](nmk_store_status status, std::string_view error) {
            const std::lock_guard lock(shared->mutex);
            ++shared->outcome.calls;
            shared->outcome.status = status;
            shared->outcome.error.assign(error);
            shared->cv.notify_all();
        });
        std::unique_lock lock(shared->mutex);
        shared->cv.wait_for(lock, std::chrono::seconds(10), [&] { return shared->outcome.calls > 0; });
        shared->cv.wait_for(lock, std::chrono::milliseconds(20), [&] { return shared->outcome.calls > 1; });
        return shared->outcome;
    }

    // The status of the StoreError `fn` throws (NMK_STORE_OK when it throws none).
    template <class Fn>
    static nmk_store_status error_status(Fn&& fn, std::string* message = nullptr) {
        try {
            fn();
        } catch (const store::StoreError& e) {
            if (message != nullptr) {
                *message = e.what();
            }
            return e.store_status();
        }
        return NMK_STORE_OK;
    }

    // Filters the comparisons use, over subjects like "orders.eu.paid".
    static const std::vector<std::string>& filters() {
        static const std::vector<std::string> all = {"",         ">",           "orders.*",  "orders.>", "*.new",
                                                     "orders.new", "stock.eu.x", "none.here", "*",        "*.*.*"};
        return all;
    }

    TempDir dir_;
    std::shared_ptr<store::StoreBackend> backend_;
};

}  // namespace nats_sdk::testing
