package main

// Object Store checks with nats.go's ObjectStore API (Debian's 1.22).

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"math/rand"
	"sort"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
)

func randomBytes(n int, seed int64) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(seed)).Read(b)
	return b
}

func streamMsgs(js nats.JetStreamContext, stream string) uint64 {
	si, err := js.StreamInfo(stream)
	must(err, "StreamInfo %s", stream)
	return si.State.Msgs
}

func checkObjPutGet(js nats.JetStreamContext) {
	obs, err := js.CreateObjectStore(&nats.ObjectStoreConfig{Bucket: "files", Description: "blobs"})
	must(err, "CreateObjectStore")

	// Multi-megabyte object in default 128 KiB chunks, read back byte-identical; the
	// client checks the SHA-256 digest itself as it reads.
	big := randomBytes(5<<20+123, 1)
	info, err := obs.PutBytes("big.bin", big)
	must(err, "PutBytes big")
	sum := sha256.Sum256(big)
	want := "SHA-256=" + base64.URLEncoding.EncodeToString(sum[:])
	expect(info.Size == uint64(len(big)) && info.Chunks == 41 && info.Digest == want,
		"info size %d chunks %d digest %s", info.Size, info.Chunks, info.Digest)
	got, err := obs.GetBytes("big.bin")
	must(err, "GetBytes big")
	expect(bytes.Equal(got, big), "big object differs (%d bytes back)", len(got))

	// A custom chunk size, an empty object, a string.
	odd := randomBytes(100000, 2)
	info, err = obs.Put(&nats.ObjectMeta{Name: "odd", Description: "d", Opts: &nats.ObjectMetaOptions{ChunkSize: 7000}},
		bytes.NewReader(odd))
	must(err, "Put with chunk size")
	expect(info.Chunks == 15, "chunks %d", info.Chunks)
	got, err = obs.GetBytes("odd")
	must(err, "GetBytes odd")
	expect(bytes.Equal(got, odd), "odd object differs")
	_, err = obs.PutBytes("empty", nil)
	must(err, "PutBytes empty")
	got, err = obs.GetBytes("empty")
	must(err, "GetBytes empty")
	expect(len(got) == 0, "empty object has %d bytes", len(got))
	_, err = obs.PutString("note", "hello")
	must(err, "PutString")
	s, err := obs.GetString("note")
	must(err, "GetString")
	expect(s == "hello", "note %q", s)

	gi, err := obs.GetInfo("odd")
	must(err, "GetInfo")
	expect(gi.Name == "odd" && gi.Description == "d" && gi.Size == 100000 && gi.Bucket == "files" &&
		time.Since(gi.ModTime) < time.Minute, "GetInfo %+v", gi)
	_, err = obs.GetInfo("nothing")
	expect(errors.Is(err, nats.ErrObjectNotFound), "missing object: %v", err)
	_, err = obs.Get("nothing")
	expect(errors.Is(err, nats.ErrObjectNotFound), "get missing object: %v", err)

	list, err := obs.List()
	must(err, "List")
	var names []string
	for _, o := range list {
		names = append(names, o.Name)
	}
	sort.Strings(names)
	expect(strings.Join(names, ",") == "big.bin,empty,note,odd", "list %v", names)

	// Replace: the old chunks go; delete: the chunks go and a deleted marker stays.
	before := streamMsgs(js, "OBJ_files")
	_, err = obs.PutBytes("big.bin", []byte("small now"))
	must(err, "replace")
	after := streamMsgs(js, "OBJ_files")
	expect(after == before-40, "messages after replace %d (before %d)", after, before)
	s, err = obs.GetString("big.bin")
	must(err, "GetString replaced")
	expect(s == "small now", "replaced %q", s)
	must(obs.Delete("odd"), "Delete")
	expect(streamMsgs(js, "OBJ_files") == after-15, "messages after delete %d", streamMsgs(js, "OBJ_files"))
	_, err = obs.GetInfo("odd")
	expect(errors.Is(err, nats.ErrObjectNotFound), "deleted object: %v", err)
	deleted, err := obs.GetInfo("odd", nats.GetObjectInfoShowDeleted())
	must(err, "GetInfo deleted")
	expect(deleted.Deleted && deleted.Size == 0, "deleted info %+v", deleted)

	st, err := obs.Status()
	must(err, "Status")
	expect(st.Bucket() == "files" && st.Description() == "blobs" && !st.Sealed() && st.Size() > 0 &&
		st.Storage() == nats.FileStorage && st.Replicas() == 1, "status")

	var stores []string
	for n := range js.ObjectStoreNames() {
		stores = append(stores, n)
	}
	// nats.go 1.22 hands out the streams' names here, not the buckets'.
	expect(strings.Join(stores, ",") == "OBJ_files", "object stores %v", stores)
	bound, err := js.ObjectStore("files")
	must(err, "ObjectStore (bind)")
	s, err = bound.GetString("note")
	must(err, "GetString through the bound store")
	expect(s == "hello", "bound note %q", s)
	must(js.DeleteObjectStore("files"), "DeleteObjectStore")
	_, err = js.ObjectStore("files")
	expect(err != nil, "bind after delete")
}

func checkObjLinksWatchSeal(js nats.JetStreamContext) {
	obs, err := js.CreateObjectStore(&nats.ObjectStoreConfig{Bucket: "docs", Storage: nats.MemoryStorage})
	must(err, "CreateObjectStore")
	other, err := js.CreateObjectStore(&nats.ObjectStoreConfig{Bucket: "other"})
	must(err, "CreateObjectStore other")

	w, err := obs.Watch()
	must(err, "Watch")
	select {
	case u := <-w.Updates():
		expect(u == nil, "an empty store's watch starts with the end marker")
	case <-time.After(5 * time.Second):
		fail("no end marker")
	}
	info, err := obs.PutString("a.txt", "A")
	must(err, "PutString")
	select {
	case u := <-w.Updates():
		expect(u != nil && u.Name == "a.txt" && u.Size == 1, "watch update %+v", u)
	case <-time.After(5 * time.Second):
		fail("no watch update")
	}
	must(w.Stop(), "Stop")

	link, err := obs.AddLink("alias", info)
	must(err, "AddLink")
	expect(link.Opts != nil && link.Opts.Link != nil && link.Opts.Link.Name == "a.txt", "link %+v", link)
	s, err := obs.GetString("alias")
	must(err, "GetString through a link")
	expect(s == "A", "through the link %q", s)
	_, err = obs.AddLink("alias2", link)
	expect(errors.Is(err, nats.ErrNoLinkToLink), "link to a link: %v", err)
	_, err = obs.AddBucketLink("shelf", other)
	must(err, "AddBucketLink")
	_, err = obs.Get("shelf")
	expect(errors.Is(err, nats.ErrCantGetBucket), "get a bucket link: %v", err)

	// Renaming rewrites the meta under the new name and purges the old one.
	must(obs.UpdateMeta("a.txt", &nats.ObjectMeta{Name: "b.txt", Description: "renamed"}), "UpdateMeta")
	_, err = obs.GetInfo("a.txt")
	expect(errors.Is(err, nats.ErrObjectNotFound), "old name after rename: %v", err)
	renamed, err := obs.GetInfo("b.txt")
	must(err, "GetInfo renamed")
	expect(renamed.Description == "renamed" && renamed.Size == 1, "renamed %+v", renamed)
	s, err = obs.GetString("b.txt")
	must(err, "GetString renamed")
	expect(s == "A", "renamed content %q", s)
	var stores []string
	for st := range js.ObjectStores() { // STREAM.LIST filtered on $O.*.C.>
		stores = append(stores, st.Bucket())
	}
	sort.Strings(stores)
	expect(strings.Join(stores, ",") == "docs,other", "object store statuses %v", stores)

	must(obs.Seal(), "Seal")
	st, err := obs.Status()
	must(err, "Status")
	expect(st.Sealed(), "sealed status")
	_, err = obs.PutString("b.txt", "B")
	expect(err != nil, "put into a sealed store")
	s, err = obs.GetString("b.txt")
	must(err, "GetString from a sealed store")
	expect(s == "A", "sealed read %q", s)
}
