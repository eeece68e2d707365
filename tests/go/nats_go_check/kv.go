package main

// Key/value checks with nats.go's KeyValue API (Debian's 1.22).

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
)

// kvBucket creates a bucket and fails the check when it cannot.
func kvBucket(js nats.JetStreamContext, cfg *nats.KeyValueConfig) nats.KeyValue {
	kv, err := js.CreateKeyValue(cfg)
	must(err, "CreateKeyValue %s", cfg.Bucket)
	return kv
}

func put(kv nats.KeyValue, key, value string) uint64 {
	rev, err := kv.PutString(key, value)
	must(err, "Put %s", key)
	return rev
}

func checkKvBucket(js nats.JetStreamContext) {
	cfg := &nats.KeyValueConfig{Bucket: "settings", Description: "app", History: 5, TTL: time.Hour,
		MaxValueSize: 1024, MaxBytes: 1 << 20, Storage: nats.MemoryStorage}
	kv := kvBucket(js, cfg)
	put(kv, "color", "blue")
	// Creating it again with the same config compares the server's whole StreamConfig with
	// the client's (reflect.DeepEqual) before updating: every field must come back as sent.
	again, err := js.CreateKeyValue(cfg)
	must(err, "CreateKeyValue again with the same config")
	expect(getString(again, "color") == "blue", "the second handle reads the first's value")
	_, err = js.CreateKeyValue(&nats.KeyValueConfig{Bucket: "settings", History: 2})
	expect(err != nil, "a different config for an existing bucket is refused")

	si, err := js.StreamInfo("KV_settings")
	must(err, "StreamInfo")
	c := si.Config
	expect(len(c.Subjects) == 1 && c.Subjects[0] == "$KV.settings.>", "subjects %v", c.Subjects)
	expect(c.MaxMsgsPerSubject == 5 && c.MaxAge == time.Hour && c.MaxMsgSize == 1024 && c.MaxBytes == 1<<20,
		"limits %+v", c)
	expect(c.Discard == nats.DiscardNew && c.AllowRollup && c.DenyDelete && c.AllowDirect, "flags %+v", c)
	expect(c.Duplicates == 2*time.Minute, "duplicate window %v", c.Duplicates)

	bound, err := js.KeyValue("settings")
	must(err, "KeyValue (bind)")
	st, err := bound.Status()
	must(err, "Status")
	expect(st.Bucket() == "settings" && st.History() == 5 && st.TTL() == time.Hour && st.Values() == 1,
		"status %s %d %v %d", st.Bucket(), st.History(), st.TTL(), st.Values())
	expect(st.BackingStore() == "JetStream", "backing store %s", st.BackingStore())
	_, err = js.KeyValue("missing")
	expect(errors.Is(err, nats.ErrBucketNotFound), "bind to a missing bucket: %v", err)

	kvBucket(js, &nats.KeyValueConfig{Bucket: "second"})
	var names []string
	for n := range js.KeyValueStoreNames() {
		names = append(names, n)
	}
	sort.Strings(names)
	// nats.go 1.22 hands out the streams' names here, not the buckets'.
	expect(strings.Join(names, ",") == "KV_second,KV_settings", "bucket names %v", names)

	var statuses []string
	for st := range js.KeyValueStores() { // STREAM.LIST filtered on $KV.*.>
		statuses = append(statuses, fmt.Sprintf("%s:%d", st.Bucket(), st.History()))
	}
	sort.Strings(statuses)
	expect(strings.Join(statuses, ",") == "second:1,settings:5", "bucket statuses %v", statuses)

	must(js.DeleteKeyValue("second"), "DeleteKeyValue")
	_, err = js.KeyValue("second")
	expect(errors.Is(err, nats.ErrBucketNotFound), "bind after delete: %v", err)
}

func getString(kv nats.KeyValue, key string) string {
	e, err := kv.Get(key)
	if err != nil {
		return "<" + err.Error() + ">"
	}
	return string(e.Value())
}

func checkKvOps(js nats.JetStreamContext) {
	kv := kvBucket(js, &nats.KeyValueConfig{Bucket: "ops", History: 5, MaxValueSize: 64})
	expect(put(kv, "a", "one") == 1 && put(kv, "b", "bee") == 2 && put(kv, "a", "two") == 3, "revisions")
	e, err := kv.Get("a")
	must(err, "Get")
	expect(string(e.Value()) == "two" && e.Revision() == 3 && e.Operation() == nats.KeyValuePut && e.Key() == "a",
		"entry %s=%s rev %d", e.Key(), e.Value(), e.Revision())
	expect(time.Since(e.Created()) < time.Minute, "created %v", e.Created())
	old, err := kv.GetRevision("a", 1)
	must(err, "GetRevision")
	expect(string(old.Value()) == "one", "revision 1 is %s", old.Value())
	_, err = kv.GetRevision("a", 2) // revision 2 is key b's
	expect(errors.Is(err, nats.ErrKeyNotFound), "revision of another key: %v", err)
	_, err = kv.Get("none")
	expect(errors.Is(err, nats.ErrKeyNotFound), "missing key: %v", err)

	_, err = kv.Put("big", bytes.Repeat([]byte("x"), 65))
	expect(err != nil && strings.Contains(err.Error(), "message size exceeds maximum allowed"), "too big: %v", err)

	_, err = kv.Create("a", []byte("again"))
	expect(errors.Is(err, nats.ErrKeyExists), "create over an existing key: %v", err)
	rev, err := kv.Create("c", []byte("new"))
	must(err, "Create")
	expect(rev == 4, "create revision %d", rev)
	_, err = kv.Update("a", []byte("x"), 1)
	expect(err != nil && strings.Contains(err.Error(), "wrong last sequence: 3"), "stale update: %v", err)
	rev, err = kv.Update("a", []byte("three"), 3)
	must(err, "Update")
	expect(rev == 5 && getString(kv, "a") == "three", "update revision %d", rev)

	must(kv.Delete("a"), "Delete")
	_, err = kv.Get("a")
	expect(errors.Is(err, nats.ErrKeyNotFound), "deleted key: %v", err)
	rev, err = kv.Create("a", []byte("reborn")) // over a tombstone
	must(err, "Create after delete")
	expect(rev == 7, "revision after delete %d", rev)
	err = kv.Delete("a", nats.LastRevision(1))
	expect(err != nil && strings.Contains(err.Error(), "wrong last sequence: 7"), "delete on a stale revision: %v", err)

	hist, err := kv.History("a")
	must(err, "History")
	var ops []string
	for _, h := range hist {
		ops = append(ops, fmt.Sprintf("%d:%s:%s", h.Revision(), h.Operation(), h.Value()))
	}
	expect(strings.Join(ops, " ") == "1:KeyValuePutOp:one 3:KeyValuePutOp:two 5:KeyValuePutOp:three 6:KeyValueDeleteOp: 7:KeyValuePutOp:reborn",
		"history %v", ops)

	must(kv.Purge("a"), "Purge")
	hist, err = kv.History("a")
	must(err, "History after purge")
	expect(len(hist) == 1 && hist[0].Operation() == nats.KeyValuePurge, "history after purge %d", len(hist))
	keys, err := kv.Keys()
	must(err, "Keys")
	sort.Strings(keys)
	expect(strings.Join(keys, ",") == "b,c", "keys %v", keys)
	must(kv.PurgeDeletes(nats.DeleteMarkersOlderThan(-1)), "PurgeDeletes")
	_, err = kv.History("a")
	expect(errors.Is(err, nats.ErrKeyNotFound), "history after PurgeDeletes: %v", err)
	st, err := kv.Status()
	must(err, "Status")
	expect(st.Values() == 2, "values %d", st.Values())
}

// next reads one watcher update (nil is the end of the initial values).
func next(w nats.KeyWatcher) (nats.KeyValueEntry, bool) {
	select {
	case e := <-w.Updates():
		return e, true
	case <-time.After(5 * time.Second):
		return nil, false
	}
}

func initial(w nats.KeyWatcher) []string {
	var out []string
	for i := 0; i < 10000; i++ {
		e, ok := next(w)
		expect(ok, "watcher stalled after %v", out)
		if e == nil {
			return out
		}
		out = append(out, fmt.Sprintf("%s=%s@%d:%s", e.Key(), e.Value(), e.Revision(), e.Operation()))
	}
	fail("no end of initial values")
	return nil
}

func update(w nats.KeyWatcher) string {
	e, ok := next(w)
	expect(ok && e != nil, "no update")
	return fmt.Sprintf("%s=%s@%d:%s", e.Key(), e.Value(), e.Revision(), e.Operation())
}

func checkKvWatch(js nats.JetStreamContext) {
	kv := kvBucket(js, &nats.KeyValueConfig{Bucket: "watched", History: 3})
	empty, err := kv.WatchAll()
	must(err, "WatchAll on an empty bucket")
	expect(len(initial(empty)) == 0, "empty bucket has initial values")
	put(kv, "a", "1")
	put(kv, "b.x", "2")
	put(kv, "a", "3")
	must(kv.Delete("b.x"), "Delete")
	expect(update(empty) == "a=1@1:KeyValuePutOp", "first live update")
	must(empty.Stop(), "Stop")

	all, err := kv.WatchAll()
	must(err, "WatchAll")
	got := strings.Join(initial(all), " ")
	expect(got == "a=3@3:KeyValuePutOp b.x=@4:KeyValueDeleteOp", "initial values %s", got)
	put(kv, "c", "5")
	expect(update(all) == "c=5@5:KeyValuePutOp", "live put")
	must(kv.Purge("c"), "Purge")
	expect(update(all) == "c=@6:KeyValuePurgeOp", "live purge")

	hist, err := kv.WatchAll(nats.IncludeHistory())
	must(err, "WatchAll IncludeHistory")
	got = strings.Join(initial(hist), " ")
	expect(got == "a=1@1:KeyValuePutOp a=3@3:KeyValuePutOp b.x=2@2:KeyValuePutOp b.x=@4:KeyValueDeleteOp c=@6:KeyValuePurgeOp" ||
		got == "a=1@1:KeyValuePutOp b.x=2@2:KeyValuePutOp a=3@3:KeyValuePutOp b.x=@4:KeyValueDeleteOp c=@6:KeyValuePurgeOp",
		"history %s", got)

	live, err := kv.WatchAll(nats.IgnoreDeletes())
	must(err, "WatchAll IgnoreDeletes")
	got = strings.Join(initial(live), " ")
	expect(got == "a=3@3:KeyValuePutOp", "without deletes %s", got)

	meta, err := kv.Watch("a", nats.MetaOnly())
	must(err, "Watch MetaOnly")
	got = strings.Join(initial(meta), " ")
	expect(got == "a==@3:KeyValuePutOp" || got == "a=@3:KeyValuePutOp", "meta only %s", got)

	sub, err := kv.Watch("b.*")
	must(err, "Watch b.*")
	got = strings.Join(initial(sub), " ")
	expect(got == "b.x=@4:KeyValueDeleteOp", "b.* %s", got)
	put(kv, "a", "7")
	put(kv, "b.y", "8")
	expect(update(sub) == "b.y=8@8:KeyValuePutOp", "b.* update")
	expect(update(live) == "a=7@7:KeyValuePutOp", "IgnoreDeletes update")
}

func checkKvTTL(js nats.JetStreamContext) {
	kv := kvBucket(js, &nats.KeyValueConfig{Bucket: "short", TTL: time.Second})
	put(kv, "session", "token")
	expect(getString(kv, "session") == "token", "fresh value")
	deadline := time.Now().Add(6 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := kv.Get("session"); errors.Is(err, nats.ErrKeyNotFound) {
			_, err := kv.Keys()
			expect(errors.Is(err, nats.ErrNoKeysFound), "keys after expiry: %v", err)
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	fail("the value outlived its TTL")
}
