// The store level: layout, list, open, delete, names.

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "test_support.hpp"

namespace store_file::testing {
namespace {

TEST(FileStoreTest, LayoutIsAccountStreamsStream) {
    TempDir dir;
    auto store = open_store(dir.path());
    auto stream = store->open_stream("ACC", "ORDERS");
    stream->append(1, 1, "a", "", "x");
    stream->write_meta("{}");
    EXPECT_TRUE(std::filesystem::is_directory(dir.path() + "/ACC/streams/ORDERS/msgs"));
    EXPECT_TRUE(std::filesystem::exists(dir.path() + "/ACC/streams/ORDERS/meta.inf"));
    EXPECT_TRUE(std::filesystem::exists(block_path(dir.path(), "ACC", "ORDERS", 1)));
}

TEST(FileStoreTest, ListFindsEveryStreamWithItsMeta) {
    TempDir dir;
    {
        auto store = open_store(dir.path());
        store->open_stream("A", "S1")->write_meta("one");
        store->open_stream("A", "S2")->write_meta("two");
        store->open_stream("$G", "S3")->write_meta("three");
        store->open_stream("B", "NOMETA");
    }
    auto store = open_store(dir.path());
    std::set<std::string> found;
    store->list_streams([&](std::string_view a, std::string_view s, std::string_view meta) {
        found.insert(std::string(a) + "/" + std::string(s) + "=" + std::string(meta));
    });
    EXPECT_EQ(found, (std::set<std::string>{"A/S1=one", "A/S2=two", "$G/S3=three", "B/NOMETA="}));
}

TEST(FileStoreTest, DeleteRemovesTheStream) {
    TempDir dir;
    auto store = open_store(dir.path());
    auto stream = store->open_stream("A", "S");
    stream->append(1, 1, "a", "", "x");
    stream->write_meta("m");
    try {
        store->delete_stream("A", "S");
        FAIL() << "deleted an open stream";
    } catch (const sdk::StoreError& error) {
        EXPECT_EQ(error.store_status(), NMK_STORE_INVALID_ARGUMENT);
    }
    stream.reset();
    store->delete_stream("A", "S");
    EXPECT_FALSE(std::filesystem::exists(stream_dir(dir.path(), "A", "S")));
    int listed = 0;
    store->list_streams([&](std::string_view, std::string_view, std::string_view) { ++listed; });
    EXPECT_EQ(listed, 0);
    EXPECT_NO_THROW(store->delete_stream("A", "S"));  // already gone
    auto again = store->open_stream("A", "S");
    EXPECT_EQ(again->state().messages, 0u);
}

TEST(FileStoreTest, AStreamOpensOnceAtATime) {
    TempDir dir;
    auto store = open_store(dir.path());
    auto stream = store->open_stream("A", "S");
    EXPECT_THROW(store->open_stream("A", "S"), sdk::StoreError);
    stream.reset();
    EXPECT_NO_THROW(store->open_stream("A", "S"));
}

TEST(FileStoreTest, NamesThatWouldLeaveTheRootAreRefused) {
    TempDir dir;
    auto store = open_store(dir.path());
    for (const char* bad : {"", ".", "..", "a/b", ".hidden"}) {
        EXPECT_THROW(store->open_stream(bad, "S"), sdk::StoreError) << bad;
        EXPECT_THROW(store->open_stream("A", bad), sdk::StoreError) << bad;
    }
    EXPECT_THROW(open_store(""), sdk::StoreError);
}

TEST(FileStoreTest, StreamOutlivesItsStoreObject) {
    TempDir dir;
    auto store = open_store(dir.path());
    auto stream = store->open_stream("A", "S");
    store.reset();
    stream->append(1, 1, "a", "", "x");
    EXPECT_EQ(sync_and_wait(*stream), NMK_STORE_OK);
}

}  // namespace
}  // namespace store_file::testing
