// Key/value watches through libnats 3.4's KV API (ordered consumers with
// last_per_subject and filters underneath), against our server and nats-server 2.9.10:
// watch and watch-all (initial values, the end marker, then live updates), with
// IncludeHistory, IgnoreDeletes and MetaOnly; keys; history; values expiring by TTL.
#include <algorithm>
#include <thread>

#include "tests/integration/kv_test_helpers.hpp"

namespace nats::integration {
namespace {

using test_support::nats_check;

class KvWatch : public KvFixture {
protected:
    static KvWatcherPtr watch(kvStore* kv, const char* keys, kvWatchOptions* opts = nullptr) {
        kvWatcher* w = nullptr;
        nats_check(keys == nullptr ? kvStore_WatchAll(&w, kv, opts) : kvStore_Watch(&w, kv, keys, opts), "watch");
        return KvWatcherPtr(w);
    }

    static std::vector<std::string> keys_of(kvStore* kv) {
        kvKeysList list{};
        nats_check(kvStore_Keys(&list, kv, nullptr), "kvStore_Keys");
        std::vector<std::string> out(list.Keys, list.Keys + list.Count);
        kvKeysList_Destroy(&list);
        std::sort(out.begin(), out.end());
        return out;
    }
};

TEST_F(KvWatch, WatchAllGivesTheLatestOfEachKeyThenLiveUpdates) {
    auto kv = create_bucket("app", 5);
    put(kv.get(), "a", "a1");
    put(kv.get(), "b", "b1");
    put(kv.get(), "a", "a2");
    put(kv.get(), "c", "c1");
    nats_check(kvStore_Delete(kv.get(), "c"), "delete c");

    auto w = watch(kv.get(), nullptr);
    EXPECT_EQ(initial_values(w.get()), (std::vector<KvSeen>{{"b", "b1", 2, kvOp_Put},
                                                            {"a", "a2", 3, kvOp_Put},
                                                            {"c", "", 5, kvOp_Delete}}));
    put(kv.get(), "d", "d1");
    EXPECT_EQ(next_update(w.get()), (KvSeen{"d", "d1", 6, kvOp_Put}));
    put(kv.get(), "a", "a3");
    EXPECT_EQ(next_update(w.get()), (KvSeen{"a", "a3", 7, kvOp_Put}));
    nats_check(kvStore_Delete(kv.get(), "a"), "delete a");
    EXPECT_EQ(next_update(w.get()), (KvSeen{"a", "", 8, kvOp_Delete}));
    nats_check(kvStore_Purge(kv.get(), "b", nullptr), "purge b");
    EXPECT_EQ(next_update(w.get()), (KvSeen{"b", "", 9, kvOp_Purge}));
    EXPECT_TRUE(quiet(w.get(), 200ms));
    nats_check(kvWatcher_Stop(w.get()), "kvWatcher_Stop");
    kvEntry* e = nullptr;
    EXPECT_EQ(kvWatcher_Next(&e, w.get(), 100), NATS_ILLEGAL_STATE);
}

TEST_F(KvWatch, InitialValuesCountDownWithDelta) {
    auto kv = create_bucket("deltas", 1);
    for (int i = 0; i < 4; ++i) put(kv.get(), ("k" + std::to_string(i)).c_str(), "v");
    auto w = watch(kv.get(), nullptr);
    std::vector<uint64_t> deltas;
    for (int i = 0; i < 4; ++i) {
        kvEntry* e = nullptr;
        nats_check(kvWatcher_Next(&e, w.get(), 5000), "next");
        ASSERT_NE(e, nullptr);
        deltas.push_back(kvEntry_Delta(KvEntryPtr(e).get()));
    }
    EXPECT_EQ(deltas, (std::vector<uint64_t>{3, 2, 1, 0}));
    EXPECT_EQ(next_update(w.get()).key, "<marker>");
}

TEST_F(KvWatch, WatchOnAnEmptyBucketSendsTheMarkerAtOnce) {
    auto kv = create_bucket("empty", 1, js_MemoryStorage);
    auto w = watch(kv.get(), nullptr);
    EXPECT_TRUE(initial_values(w.get()).empty());
    put(kv.get(), "first", "1");
    EXPECT_EQ(next_update(w.get()), (KvSeen{"first", "1", 1, kvOp_Put}));
}

TEST_F(KvWatch, WatchOneKeyOrAWildcardSeesOnlyThose) {
    auto kv = create_bucket("tree", 3);
    put(kv.get(), "user.ann.name", "Ann");
    put(kv.get(), "user.bob.name", "Bob");
    put(kv.get(), "user.ann.age", "30");
    put(kv.get(), "group.x", "g");

    auto one = watch(kv.get(), "user.bob.name");
    EXPECT_EQ(initial_values(one.get()), (std::vector<KvSeen>{{"user.bob.name", "Bob", 2, kvOp_Put}}));
    auto ann = watch(kv.get(), "user.ann.*");
    EXPECT_EQ(initial_values(ann.get()), (std::vector<KvSeen>{{"user.ann.name", "Ann", 1, kvOp_Put},
                                                              {"user.ann.age", "30", 3, kvOp_Put}}));
    auto users = watch(kv.get(), "user.>");
    EXPECT_EQ(initial_values(users.get()).size(), 3u);

    put(kv.get(), "group.y", "g");
    put(kv.get(), "user.ann.age", "31");
    EXPECT_EQ(next_update(ann.get()), (KvSeen{"user.ann.age", "31", 6, kvOp_Put}));
    EXPECT_EQ(next_update(users.get()), (KvSeen{"user.ann.age", "31", 6, kvOp_Put}));
    EXPECT_TRUE(quiet(one.get(), 200ms));
    // A watch on a key nobody wrote yet starts empty and sees its first put.
    auto later = watch(kv.get(), "later");
    EXPECT_TRUE(initial_values(later.get()).empty());
    put(kv.get(), "later", "now");
    EXPECT_EQ(next_update(later.get()), (KvSeen{"later", "now", 7, kvOp_Put}));
}

TEST_F(KvWatch, IncludeHistoryReplaysEveryKeptRevision) {
    auto kv = create_bucket("hist", 3);
    for (int i = 1; i <= 4; ++i) put(kv.get(), "k", "v" + std::to_string(i));
    put(kv.get(), "j", "j1");
    kvWatchOptions o;
    kvWatchOptions_Init(&o);
    o.IncludeHistory = true;
    auto w = watch(kv.get(), nullptr, &o);
    EXPECT_EQ(initial_values(w.get()), (std::vector<KvSeen>{{"k", "v2", 2, kvOp_Put},
                                                            {"k", "v3", 3, kvOp_Put},
                                                            {"k", "v4", 4, kvOp_Put},
                                                            {"j", "j1", 5, kvOp_Put}}));
    put(kv.get(), "k", "v5");
    EXPECT_EQ(next_update(w.get()), (KvSeen{"k", "v5", 6, kvOp_Put}));
}

TEST_F(KvWatch, IgnoreDeletesSkipsTombstonesAndPurgeMarkers) {
    auto kv = create_bucket("nodel", 3);
    put(kv.get(), "a", "1");
    put(kv.get(), "b", "2");
    nats_check(kvStore_Delete(kv.get(), "a"), "delete");
    kvWatchOptions o;
    kvWatchOptions_Init(&o);
    o.IgnoreDeletes = true;
    auto w = watch(kv.get(), nullptr, &o);
    EXPECT_EQ(initial_values(w.get()), (std::vector<KvSeen>{{"b", "2", 2, kvOp_Put}}));
    nats_check(kvStore_Purge(kv.get(), "b", nullptr), "purge");
    nats_check(kvStore_Delete(kv.get(), "b"), "delete");
    put(kv.get(), "c", "3");
    EXPECT_EQ(next_update(w.get()), (KvSeen{"c", "3", 6, kvOp_Put}));
}

TEST_F(KvWatch, MetaOnlyWatchesCarryNoValues) {
    auto kv = create_bucket("meta", 1);
    put(kv.get(), "big", std::string(1000, 'x'));
    kvWatchOptions o;
    kvWatchOptions_Init(&o);
    o.MetaOnly = true;
    auto w = watch(kv.get(), nullptr, &o);
    EXPECT_EQ(initial_values(w.get()), (std::vector<KvSeen>{{"big", "", 1, kvOp_Put}}));
    put(kv.get(), "small", "abc");
    EXPECT_EQ(next_update(w.get()), (KvSeen{"small", "", 2, kvOp_Put}));
}

TEST_F(KvWatch, KeysListsLiveKeysOnly) {
    auto kv = create_bucket("keys", 4);
    EXPECT_TRUE(keys_of(kv.get()).empty());
    put(kv.get(), "x", "1");
    put(kv.get(), "y.z", "2");
    put(kv.get(), "x", "3");
    put(kv.get(), "w", "4");
    nats_check(kvStore_Delete(kv.get(), "w"), "delete");
    put(kv.get(), "v", "5");
    nats_check(kvStore_Purge(kv.get(), "v", nullptr), "purge");
    EXPECT_EQ(keys_of(kv.get()), (std::vector<std::string>{"x", "y.z"}));
}

TEST_F(KvWatch, KeysOfAThousandKeys) {
    auto kv = create_bucket("wide", 1);
    for (int i = 0; i < 1000; ++i) {
        nats_check(kvStore_PutString(nullptr, kv.get(), ("k" + std::to_string(i)).c_str(), "v"), "put");
    }
    EXPECT_EQ(keys_of(kv.get()).size(), 1000u);
}

TEST_F(KvWatch, HistoryOfOneKeyIncludesMarkers) {
    auto kv = create_bucket("story", 10);
    put(kv.get(), "k", "1");
    put(kv.get(), "other", "x");
    put(kv.get(), "k", "2");
    nats_check(kvStore_Delete(kv.get(), "k"), "delete");
    put(kv.get(), "k", "3");
    kvEntryList list{};
    nats_check(kvStore_History(&list, kv.get(), "k", nullptr), "kvStore_History");
    std::vector<KvSeen> got;
    for (int i = 0; i < list.Count; ++i) got.push_back(seen(list.Entries[i]));
    kvEntryList_Destroy(&list);
    EXPECT_EQ(got, (std::vector<KvSeen>{{"k", "1", 1, kvOp_Put},
                                        {"k", "2", 3, kvOp_Put},
                                        {"k", "", 4, kvOp_Delete},
                                        {"k", "3", 5, kvOp_Put}}));
    // After a purge only the marker is left; a never-written key has no history.
    nats_check(kvStore_Purge(kv.get(), "k", nullptr), "purge");
    nats_check(kvStore_History(&list, kv.get(), "k", nullptr), "kvStore_History after purge");
    ASSERT_EQ(list.Count, 1);
    EXPECT_EQ(kvEntry_Operation(list.Entries[0]), kvOp_Purge);
    kvEntryList_Destroy(&list);
    EXPECT_EQ(kvStore_History(&list, kv.get(), "never", nullptr), NATS_NOT_FOUND);
}

TEST_F(KvWatch, ValuesExpireWhenTheirTtlRunsOut) {
    for (jsStorageType storage : {js_FileStorage, js_MemoryStorage}) {
        SCOPED_TRACE(storage == js_FileStorage ? "file" : "memory");
        const char* bucket = storage == js_FileStorage ? "ttlf" : "ttlm";
        kvConfig cfg;
        kvConfig_Init(&cfg);
        cfg.Bucket = bucket;
        cfg.TTL = 1000LL * 1000 * 1000;  // 1 s
        cfg.StorageType = storage;
        auto kv = create_bucket(cfg);
        // Two values half a second apart leave half a second apart: each on its own
        // deadline, as nats-server's age timer does (a once-a-second sweep would take
        // both at once or a whole second apart).
        const auto put_first = std::chrono::steady_clock::now();
        put(kv.get(), "first", "a");
        std::this_thread::sleep_for(500ms);
        put(kv.get(), "second", "b");
        EXPECT_EQ(value_of(kv.get(), "first"), "a");
        const auto gone = [&](const char* key) {
            natsStatus s = NATS_OK;
            for (const auto until = std::chrono::steady_clock::now() + 6s; std::chrono::steady_clock::now() < until;) {
                if (!get(kv.get(), key, &s) && s == NATS_NOT_FOUND) return std::chrono::steady_clock::now();
                std::this_thread::sleep_for(20ms);
            }
            ADD_FAILURE() << key << " outlived its TTL";
            return std::chrono::steady_clock::now();
        };
        const auto first_gone = gone("first");
        EXPECT_EQ(value_of(kv.get(), "second"), "b");
        const auto second_gone = gone("second");
        EXPECT_GE(first_gone - put_first, 900ms);
        EXPECT_LT(first_gone - put_first, 1600ms);
        EXPECT_GE(second_gone - first_gone, 250ms);
        EXPECT_LE(second_gone - first_gone, 800ms);
        EXPECT_TRUE(keys_of(kv.get()).empty());
        kvStatus* raw = nullptr;
        nats_check(kvStore_Status(&raw, kv.get()), "kvStore_Status");
        EXPECT_EQ(kvStatus_Values(KvStatusPtr(raw).get()), 0u);
    }
}

TEST_F(KvWatch, ASubSecondTtlIsKeptToo) {
    kvConfig cfg;
    kvConfig_Init(&cfg);
    cfg.Bucket = "blink";
    cfg.TTL = 300LL * 1000 * 1000;  // 300 ms
    auto kv = create_bucket(cfg);
    std::this_thread::sleep_for(150ms);  // not just after the create
    for (int round = 0; round < 2; ++round) {
        SCOPED_TRACE(round);
        const auto put_at = std::chrono::steady_clock::now();
        put(kv.get(), "flash", "x");
        natsStatus s = NATS_OK;
        auto gone_at = put_at;
        while (std::chrono::steady_clock::now() - put_at < 3s) {
            gone_at = std::chrono::steady_clock::now();
            if (!get(kv.get(), "flash", &s) && s == NATS_NOT_FOUND) break;
            std::this_thread::sleep_for(10ms);
        }
        EXPECT_EQ(s, NATS_NOT_FOUND);
        EXPECT_GE(gone_at - put_at, 250ms);
        EXPECT_LT(gone_at - put_at, 750ms);
    }
}

}  // namespace
}  // namespace nats::integration
