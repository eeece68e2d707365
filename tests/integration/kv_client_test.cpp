// Key/value buckets through libnats 3.4's KV API, the calls an application makes,
// unchanged, against our server and against nats-server 2.9.10: bucket create (and its
// stream), bind, status and delete; put, get, get by revision, create-if-absent, update
// by revision, delete (tombstones), purge (roll-up), the bucket's limits. Watches, keys,
// history and TTL are in kv_watch_test.cpp.
#include <csignal>
#include <thread>

#include "tests/integration/kv_test_helpers.hpp"

namespace nats::integration {
namespace {

using test_support::nats_check;

class KvClient : public KvFixture {};

std::string last_error_text() {
    const char* text = nats_GetLastError(nullptr);
    return text == nullptr ? std::string() : std::string(text);
}

TEST_F(KvClient, CreateBucketMakesTheStreamTheClientsExpect) {
    for (jsStorageType storage : {js_FileStorage, js_MemoryStorage}) {
        SCOPED_TRACE(storage == js_FileStorage ? "file" : "memory");
        const std::string bucket = storage == js_FileStorage ? "settings" : "cache";
        kvConfig cfg;
        kvConfig_Init(&cfg);
        cfg.Bucket = bucket.c_str();
        cfg.Description = "app settings";
        cfg.History = 5;
        cfg.TTL = 3600LL * 1000 * 1000 * 1000;
        cfg.MaxValueSize = 1024;
        cfg.MaxBytes = 1 << 20;
        cfg.StorageType = storage;
        auto kv = create_bucket(cfg);
        EXPECT_STREQ(kvStore_Bucket(kv.get()), bucket.c_str());

        const auto si = stream_info(("KV_" + bucket).c_str());
        const jsStreamConfig& sc = *si->Config;
        ASSERT_EQ(sc.SubjectsLen, 1);
        EXPECT_EQ(std::string(sc.Subjects[0]), "$KV." + bucket + ".>");
        EXPECT_STREQ(sc.Description, "app settings");
        EXPECT_EQ(sc.MaxMsgsPerSubject, 5);
        EXPECT_EQ(sc.MaxAge, cfg.TTL);
        EXPECT_EQ(sc.MaxMsgSize, 1024);
        EXPECT_EQ(sc.MaxBytes, 1 << 20);
        EXPECT_EQ(sc.MaxMsgs, -1);
        EXPECT_EQ(sc.Storage, storage);
        EXPECT_EQ(sc.Replicas, 1);
        EXPECT_EQ(sc.Discard, js_DiscardNew);  // the client asks for it from servers >= 2.7.2
        EXPECT_TRUE(sc.AllowRollup);
        EXPECT_TRUE(sc.DenyDelete);
        EXPECT_TRUE(sc.AllowDirect);
        EXPECT_EQ(sc.Duplicates, 2LL * 60 * 1000 * 1000 * 1000);  // TTL above the 2 min default

        kvStatus* raw = nullptr;
        nats_check(kvStore_Status(&raw, kv.get()), "kvStore_Status");
        KvStatusPtr status(raw);
        EXPECT_STREQ(kvStatus_Bucket(status.get()), bucket.c_str());
        EXPECT_EQ(kvStatus_History(status.get()), 5);
        EXPECT_EQ(kvStatus_TTL(status.get()), cfg.TTL);
        EXPECT_EQ(kvStatus_Replicas(status.get()), 1);
        EXPECT_EQ(kvStatus_Values(status.get()), 0u);
    }
}

TEST_F(KvClient, DefaultsAndAShortTtlShortenTheDuplicateWindow) {
    kvConfig cfg;
    kvConfig_Init(&cfg);
    cfg.Bucket = "plain";
    cfg.TTL = 1000LL * 1000 * 1000;
    auto kv = create_bucket(cfg);
    const auto si = stream_info("KV_plain");
    EXPECT_EQ(si->Config->MaxMsgsPerSubject, 1);  // history 1
    EXPECT_EQ(si->Config->MaxBytes, -1);
    EXPECT_EQ(si->Config->MaxMsgSize, -1);
    EXPECT_EQ(si->Config->Storage, js_FileStorage);
    EXPECT_EQ(si->Config->Duplicates, cfg.TTL);  // never longer than max_age
}

TEST_F(KvClient, CreatingAgainWithTheSameConfigBindsAndADifferentOneIsRefused) {
    auto first = create_bucket("twice", 3);
    put(first.get(), "k", "v");
    auto again = create_bucket("twice", 3);  // the client updates the stream to the same config
    EXPECT_EQ(value_of(again.get(), "k"), "v");

    kvConfig cfg;
    kvConfig_Init(&cfg);
    cfg.Bucket = "twice";
    cfg.History = 7;
    kvStore* kv = nullptr;
    EXPECT_NE(js_CreateKeyValue(&kv, js_.get(), &cfg), NATS_OK);
    EXPECT_EQ(kv, nullptr);
    EXPECT_NE(last_error_text().find("Existing configuration is different"), std::string::npos) << last_error_text();
}

TEST_F(KvClient, BindFindsAnExistingBucketAndRefusesMissingOrMalformedOnes) {
    auto made = create_bucket("config", 2);
    put(made.get(), "color", "blue");

    kvStore* raw = nullptr;
    nats_check(js_KeyValue(&raw, js_.get(), "config"), "js_KeyValue");
    KvStorePtr bound(raw);
    EXPECT_EQ(value_of(bound.get(), "color"), "blue");
    put(bound.get(), "color", "green");
    EXPECT_EQ(value_of(made.get(), "color"), "green");

    raw = nullptr;
    EXPECT_EQ(js_KeyValue(&raw, js_.get(), "missing"), NATS_NOT_FOUND);
    EXPECT_EQ(raw, nullptr);

    // A stream named like a bucket but without per-subject history is not a bucket.
    jsStreamConfig sc;
    jsStreamConfig_Init(&sc);
    sc.Name = "KV_fake";
    const char* subjects[] = {"$KV.fake.>"};
    sc.Subjects = subjects;
    sc.SubjectsLen = 1;
    jsStreamInfo* si = nullptr;
    nats_check(js_AddStream(&si, js_.get(), &sc, nullptr, nullptr), "js_AddStream");
    jsStreamInfo_Destroy(si);
    EXPECT_EQ(js_KeyValue(&raw, js_.get(), "fake"), NATS_INVALID_ARG);
}

TEST_F(KvClient, PutGetAndGetByRevision) {
    auto kv = create_bucket("data", 5);
    EXPECT_EQ(put(kv.get(), "a", "one"), 1u);
    EXPECT_EQ(put(kv.get(), "b", "bee"), 2u);
    EXPECT_EQ(put(kv.get(), "a", "two"), 3u);
    const std::string binary("\0\x01\xff\r\n", 5);
    EXPECT_EQ(put(kv.get(), "bin", binary), 4u);
    EXPECT_EQ(put(kv.get(), "empty", ""), 5u);
    EXPECT_EQ(put(kv.get(), "dotted.key/with=odd\\chars", "ok"), 6u);

    auto e = get(kv.get(), "a");
    ASSERT_TRUE(e);
    EXPECT_EQ(seen(e.get()), (KvSeen{"a", "two", 3, kvOp_Put}));
    EXPECT_STREQ(kvEntry_Bucket(e.get()), "data");
    const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    EXPECT_LT(std::llabs(kvEntry_Created(e.get()) - now), 60LL * 1000 * 1000 * 1000);
    EXPECT_EQ(value_of(kv.get(), "bin"), binary);
    EXPECT_EQ(value_of(kv.get(), "empty"), "");
    EXPECT_EQ(value_of(kv.get(), "dotted.key/with=odd\\chars"), "ok");

    kvEntry* raw = nullptr;
    nats_check(kvStore_GetRevision(&raw, kv.get(), "a", 1), "kvStore_GetRevision");
    EXPECT_EQ(seen(KvEntryPtr(raw).get()), (KvSeen{"a", "one", 1, kvOp_Put}));
    // Revision 2 belongs to another key; revision 99 does not exist.
    EXPECT_EQ(kvStore_GetRevision(&raw, kv.get(), "a", 2), NATS_NOT_FOUND);
    EXPECT_EQ(kvStore_GetRevision(&raw, kv.get(), "a", 99), NATS_NOT_FOUND);

    natsStatus s = NATS_OK;
    EXPECT_FALSE(get(kv.get(), "nothing", &s));
    EXPECT_EQ(s, NATS_NOT_FOUND);
    // Keys the client refuses never reach the server.
    EXPECT_EQ(kvStore_Get(&raw, kv.get(), "bad key"), NATS_INVALID_ARG);
    EXPECT_EQ(kvStore_Get(&raw, kv.get(), ".a"), NATS_INVALID_ARG);
}

TEST_F(KvClient, GetWorksWithoutDirectGetThroughTheMessageApi) {
    // A bucket whose stream does not allow direct gets: the client falls back to
    // STREAM.MSG.GET (last_by_subj and seq).
    jsStreamConfig sc;
    jsStreamConfig_Init(&sc);
    sc.Name = "KV_nodirect";
    const char* subjects[] = {"$KV.nodirect.>"};
    sc.Subjects = subjects;
    sc.SubjectsLen = 1;
    sc.MaxMsgsPerSubject = 3;
    sc.AllowRollup = true;
    sc.DenyDelete = true;
    jsStreamInfo* si = nullptr;
    nats_check(js_AddStream(&si, js_.get(), &sc, nullptr, nullptr), "js_AddStream");
    jsStreamInfo_Destroy(si);
    kvStore* raw = nullptr;
    nats_check(js_KeyValue(&raw, js_.get(), "nodirect"), "js_KeyValue");
    KvStorePtr kv(raw);
    put(kv.get(), "k", "1");
    put(kv.get(), "k", "2");
    EXPECT_EQ(value_of(kv.get(), "k"), "2");
    kvEntry* e = nullptr;
    nats_check(kvStore_GetRevision(&e, kv.get(), "k", 1), "kvStore_GetRevision");
    EXPECT_EQ(seen(KvEntryPtr(e).get()).value, "1");
    nats_check(kvStore_Delete(kv.get(), "k"), "kvStore_Delete");
    EXPECT_EQ(value_of(kv.get(), "k"), std::string("<") + natsStatus_GetText(NATS_NOT_FOUND) + ">");
}

TEST_F(KvClient, CreateOnlyWhenAbsentOrDeleted) {
    auto kv = create_bucket("locks", 3);
    uint64_t rev = 0;
    nats_check(kvStore_CreateString(&rev, kv.get(), "owner", "alice"), "first create");
    EXPECT_EQ(rev, 1u);
    EXPECT_NE(kvStore_CreateString(&rev, kv.get(), "owner", "bob"), NATS_OK);
    EXPECT_NE(last_error_text().find("wrong last sequence: 1"), std::string::npos) << last_error_text();
    EXPECT_EQ(value_of(kv.get(), "owner"), "alice");

    // After a delete (a tombstone is the last entry) the key may be created again.
    nats_check(kvStore_Delete(kv.get(), "owner"), "kvStore_Delete");
    nats_check(kvStore_CreateString(&rev, kv.get(), "owner", "bob"), "create after delete");
    EXPECT_EQ(rev, 3u);
    EXPECT_EQ(value_of(kv.get(), "owner"), "bob");
    // And after a purge.
    nats_check(kvStore_Purge(kv.get(), "owner", nullptr), "kvStore_Purge");
    nats_check(kvStore_CreateString(&rev, kv.get(), "owner", "carol"), "create after purge");
    EXPECT_EQ(rev, 5u);
}

TEST_F(KvClient, UpdateIsCompareAndSetOnTheKeysRevision) {
    auto kv = create_bucket("counters", 4);
    const uint64_t r1 = put(kv.get(), "hits", "1");
    put(kv.get(), "other", "x");  // moves the stream's sequence, not the key's
    uint64_t r2 = 0;
    nats_check(kvStore_UpdateString(&r2, kv.get(), "hits", "2", r1), "update on the right revision");
    EXPECT_EQ(r2, 3u);
    uint64_t r3 = 0;
    EXPECT_NE(kvStore_UpdateString(&r3, kv.get(), "hits", "3", r1), NATS_OK);
    EXPECT_NE(last_error_text().find("wrong last sequence: 3"), std::string::npos) << last_error_text();
    EXPECT_EQ(r3, 0u);
    EXPECT_EQ(value_of(kv.get(), "hits"), "2");
    // Updating a key that was never written, from revision 0, is a create.
    nats_check(kvStore_UpdateString(&r3, kv.get(), "fresh", "new", 0), "update from 0");
    EXPECT_EQ(value_of(kv.get(), "fresh"), "new");
    EXPECT_NE(kvStore_UpdateString(&r3, kv.get(), "fresh", "again", 0), NATS_OK);
}

TEST_F(KvClient, DeleteLeavesATombstoneTheGetHides) {
    auto kv = create_bucket("people", 5);
    put(kv.get(), "ann", "1");
    put(kv.get(), "ann", "2");
    nats_check(kvStore_Delete(kv.get(), "ann"), "kvStore_Delete");
    natsStatus s = NATS_OK;
    EXPECT_FALSE(get(kv.get(), "ann", &s));
    EXPECT_EQ(s, NATS_NOT_FOUND);
    // Earlier revisions are still there, and the tombstone is an entry of its own.
    kvEntry* e = nullptr;
    nats_check(kvStore_GetRevision(&e, kv.get(), "ann", 2), "kvStore_GetRevision");
    EXPECT_EQ(seen(KvEntryPtr(e).get()).value, "2");
    EXPECT_EQ(kvStore_GetRevision(&e, kv.get(), "ann", 3), NATS_NOT_FOUND);  // the tombstone
    EXPECT_EQ(stream_info("KV_people")->State.Msgs, 3u);
    // The stream refuses direct message deletes (deny_delete): only markers remove values.
    EXPECT_NE(js_DeleteMsg(js_.get(), "KV_people", 1, nullptr, nullptr), NATS_OK);
}

TEST_F(KvClient, PurgeRollsUpTheKeysHistoryAndPurgeDeletesRemovesMarkers) {
    auto kv = create_bucket("inventory", 10);
    for (int i = 0; i < 5; ++i) put(kv.get(), "apples", std::to_string(i));
    put(kv.get(), "pears", "7");
    nats_check(kvStore_Purge(kv.get(), "apples", nullptr), "kvStore_Purge");
    EXPECT_EQ(stream_info("KV_inventory")->State.Msgs, 2u);  // pears and the purge marker
    EXPECT_EQ(value_of(kv.get(), "apples"), std::string("<") + natsStatus_GetText(NATS_NOT_FOUND) + ">");
    EXPECT_EQ(value_of(kv.get(), "pears"), "7");

    nats_check(kvStore_Delete(kv.get(), "pears"), "kvStore_Delete");
    kvPurgeOptions po;
    kvPurgeOptions_Init(&po);
    po.DeleteMarkersOlderThan = -1;  // every marker, whatever its age
    nats_check(kvStore_PurgeDeletes(kv.get(), &po), "kvStore_PurgeDeletes");
    const auto si = stream_info("KV_inventory");
    EXPECT_EQ(si->State.Msgs, 0u);
    EXPECT_EQ(si->State.LastSeq, 8u);

    // Without the option only markers older than 30 minutes go: these stay.
    put(kv.get(), "plums", "1");
    nats_check(kvStore_Delete(kv.get(), "plums"), "kvStore_Delete");
    nats_check(kvStore_PurgeDeletes(kv.get(), nullptr), "kvStore_PurgeDeletes");
    EXPECT_EQ(stream_info("KV_inventory")->State.Msgs, 1u);
}

TEST_F(KvClient, HistoryLimitKeepsTheNewestRevisionsPerKey) {
    auto kv = create_bucket("limited", 2);
    for (int i = 1; i <= 6; ++i) put(kv.get(), "k", std::to_string(i));
    for (int i = 1; i <= 3; ++i) put(kv.get(), "j", std::to_string(i));
    const auto si = stream_info("KV_limited");
    EXPECT_EQ(si->State.Msgs, 4u);
    EXPECT_EQ(si->State.LastSeq, 9u);
    kvEntry* e = nullptr;
    EXPECT_EQ(kvStore_GetRevision(&e, kv.get(), "k", 4), NATS_NOT_FOUND);
    nats_check(kvStore_GetRevision(&e, kv.get(), "k", 5), "revision 5");
    EXPECT_EQ(seen(KvEntryPtr(e).get()).value, "5");
}

TEST_F(KvClient, MaxValueSizeAndMaxBucketSizeRefusePuts) {
    kvConfig cfg;
    kvConfig_Init(&cfg);
    cfg.Bucket = "small";
    cfg.MaxValueSize = 64;
    cfg.MaxBytes = 600;
    cfg.History = 10;
    auto kv = create_bucket(cfg);
    uint64_t rev = 0;
    const std::string big(65, 'x');
    EXPECT_NE(kvStore_Put(&rev, kv.get(), "big", big.data(), static_cast<int>(big.size())), NATS_OK);
    EXPECT_NE(last_error_text().find("message size exceeds maximum allowed"), std::string::npos) << last_error_text();

    // Discard new: once the bucket is full a put is refused and nothing old is dropped.
    const std::string value(50, 'v');
    int stored = 0;
    natsStatus s = NATS_OK;
    for (int i = 0; i < 50; ++i) {
        s = kvStore_Put(&rev, kv.get(), ("k" + std::to_string(i)).c_str(), value.data(), static_cast<int>(value.size()));
        if (s != NATS_OK) break;
        ++stored;
    }
    ASSERT_NE(s, NATS_OK) << "the bucket never filled";
    EXPECT_NE(last_error_text().find("maximum bytes exceeded"), std::string::npos) << last_error_text();
    EXPECT_GT(stored, 0);
    EXPECT_EQ(stream_info("KV_small")->State.Msgs, static_cast<uint64_t>(stored));
    EXPECT_EQ(value_of(kv.get(), "k0"), value);
}

TEST_F(KvClient, DeleteBucketRemovesItsStream) {
    auto kv = create_bucket("gone", 1);
    put(kv.get(), "k", "v");
    nats_check(js_DeleteKeyValue(js_.get(), "gone"), "js_DeleteKeyValue");
    kvStore* raw = nullptr;
    EXPECT_EQ(js_KeyValue(&raw, js_.get(), "gone"), NATS_NOT_FOUND);
    uint64_t rev = 0;
    EXPECT_NE(kvStore_PutString(&rev, kv.get(), "k", "v"), NATS_OK);  // nobody stores it now
    EXPECT_NE(js_DeleteKeyValue(js_.get(), "gone"), NATS_OK);
}

TEST_F(KvClient, RepublishedPutsReachPlainSubscribers) {
    jsRePublish rp;
    jsRePublish_Init(&rp);
    rp.Source = ">";
    rp.Destination = "changes.>";
    kvConfig cfg;
    kvConfig_Init(&cfg);
    cfg.Bucket = "mirrored";
    cfg.RePublish = &rp;
    auto kv = create_bucket(cfg);
    auto sub = test_support::nats_subscribe_sync(nc_.get(), "changes.>");
    nats_check(natsConnection_Flush(nc_.get()), "flush");
    put(kv.get(), "k", "hello");
    auto m = test_support::nats_next_msg(sub.get(), 5s);
    ASSERT_TRUE(m);
    EXPECT_STREQ(natsMsg_GetSubject(m.get()), "changes.$KV.mirrored.k");
    EXPECT_EQ(test_support::nats_msg_data(m.get()), "hello");
    const char* seq = nullptr;
    nats_check(natsMsgHeader_Get(m.get(), "Nats-Sequence", &seq), "Nats-Sequence");
    EXPECT_STREQ(seq, "1");
}

TEST_F(KvClient, ManyKeysEachKeepTheirOwnLatestValue) {
    auto kv = create_bucket("many", 3, js_MemoryStorage);
    for (int round = 0; round < 3; ++round) {
        for (int i = 0; i < 200; ++i) put(kv.get(), ("key." + std::to_string(i)).c_str(), std::to_string(round * 1000 + i));
    }
    for (int i = 0; i < 200; i += 37) {
        EXPECT_EQ(value_of(kv.get(), ("key." + std::to_string(i)).c_str()), std::to_string(2000 + i));
    }
    kvStatus* raw = nullptr;
    nats_check(kvStore_Status(&raw, kv.get()), "kvStore_Status");
    EXPECT_EQ(kvStatus_Values(KvStatusPtr(raw).get()), 600u);
}

TEST_F(KvClient, AFileBucketComesBackAfterAKill) {
    {
        auto kv = create_bucket("durable", 4);
        put(kv.get(), "a", "1");
        put(kv.get(), "a", "2");
        put(kv.get(), "b", "3");
        nats_check(kvStore_Delete(kv.get(), "b"), "kvStore_Delete");
    }
    js_.reset();
    nc_.reset();
    server_->send_signal(SIGKILL);  // every put above was acknowledged, so it is kept
    ASSERT_TRUE(server_->wait_exit(5s).has_value());
    server_.reset();
    SetUp();  // the same store folder

    kvStore* raw = nullptr;
    nats_check(js_KeyValue(&raw, js_.get(), "durable"), "js_KeyValue after the restart");
    KvStorePtr kv(raw);
    EXPECT_EQ(value_of(kv.get(), "a"), "2");
    EXPECT_EQ(value_of(kv.get(), "b"), std::string("<") + natsStatus_GetText(NATS_NOT_FOUND) + ">");
    kvEntry* e = nullptr;
    nats_check(kvStore_GetRevision(&e, kv.get(), "a", 1), "kvStore_GetRevision");
    EXPECT_EQ(seen(KvEntryPtr(e).get()).value, "1");
    EXPECT_EQ(put(kv.get(), "c", "5"), 5u);  // revisions go on
    uint64_t rev = 0;
    EXPECT_NE(kvStore_UpdateString(&rev, kv.get(), "a", "x", 1), NATS_OK);  // CAS state came back too
    nats_check(kvStore_UpdateString(&rev, kv.get(), "a", "x", 2), "update after the restart");
    kvStatus* st = nullptr;
    nats_check(kvStore_Status(&st, kv.get()), "kvStore_Status");
    EXPECT_EQ(kvStatus_Values(KvStatusPtr(st).get()), 6u);
}

}  // namespace
}  // namespace nats::integration
