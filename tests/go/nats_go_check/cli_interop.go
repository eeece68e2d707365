package main

// obj_cli_interop: objects written by the project's `nats object put` read by
// nats.go, and the other way round. The C++ test has put -file as "data.bin"
// into bucket CLI with `nats object put CLI <file> --name data.bin -H X-Test:1`.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"time"

	"github.com/nats-io/nats.go"
)

func checkObjCliInterop(js nats.JetStreamContext) {
	want, err := os.ReadFile(*localFile)
	must(err, "read -file")
	obs, err := js.ObjectStore("CLI")
	must(err, "ObjectStore CLI")

	got, err := obs.GetBytes("data.bin")
	must(err, "GetBytes data.bin (the client checks the digest)")
	expect(bytes.Equal(got, want), "data.bin differs from -file: %d bytes, want %d", len(got), len(want))
	info, err := obs.GetInfo("data.bin")
	must(err, "GetInfo data.bin")
	expect(info.Size == uint64(len(want)), "size %d", info.Size)
	expect(info.Headers.Get("X-Test") == "1", "headers %v", info.Headers)
	expect(info.Opts != nil && info.Opts.ChunkSize == 128*1024, "chunk size %+v", info.Opts)

	// The meta message is byte for byte what nats.go's Put would have written.
	raw, err := js.GetLastMsg("OBJ_CLI", "$O.CLI.M."+encodeObjectName("data.bin"))
	must(err, "GetLastMsg meta")
	expect(raw.Header.Get(nats.MsgRollup) == nats.MsgRollupSubject, "rollup header %v", raw.Header)
	info.ModTime = time.Time{}
	marshalled, err := json.Marshal(info)
	must(err, "Marshal")
	expect(bytes.Equal(raw.Data, marshalled), "meta\n%s\nwant\n%s", raw.Data, marshalled)

	objects, err := obs.List()
	must(err, "List")
	expect(len(objects) == 1 && objects[0].Name == "data.bin", "list %v", objects)

	// For the CLI to read back: the same bytes under another name.
	_, err = obs.PutBytes("from_go.bin", want)
	must(err, "PutBytes from_go.bin")
}

// nats.go's encodeName (unexported): the meta subject's last token.
func encodeObjectName(name string) string { return base64.URLEncoding.EncodeToString([]byte(name)) }
