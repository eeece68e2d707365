// nats_go_check drives a server with the official Go client's KeyValue and ObjectStore
// APIs (nats.go 1.22 as Debian packages it) and says which expectation failed.
// Built in GOPATH mode, offline, by tests/go/CMakeLists.txt; run by
// tests/integration/go_client_test.cpp against our server and nats-server 2.9.10.
//
// Usage: nats_go_check -url nats://127.0.0.1:4222 -check kv_bucket
// Exit 0 when every expectation of the check held; 1 with the first failure on stderr.
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/nats-io/nats.go"
)

var checks = map[string]func(nats.JetStreamContext){
	"kv_bucket":            checkKvBucket,
	"kv_ops":               checkKvOps,
	"kv_watch":             checkKvWatch,
	"kv_ttl":               checkKvTTL,
	"obj_put_get":          checkObjPutGet,
	"obj_links_watch_seal": checkObjLinksWatchSeal,
	"obj_cli_interop":      checkObjCliInterop,
}

// -file: a local file some checks compare objects with.
var localFile = flag.String("file", "", "a local file the check compares an object with")

// failure carries the first unmet expectation out of a check.
type failure struct{ text string }

func fail(format string, args ...interface{}) { panic(failure{fmt.Sprintf(format, args...)}) }

func expect(ok bool, format string, args ...interface{}) {
	if !ok {
		fail(format, args...)
	}
}

func must(err error, format string, args ...interface{}) {
	if err != nil {
		fail("%s: %v", fmt.Sprintf(format, args...), err)
	}
}

func run(name string, check func(nats.JetStreamContext), url string) (err error) {
	nc, err := nats.Connect(url, nats.Timeout(5*time.Second), nats.NoReconnect())
	if err != nil {
		return err
	}
	defer nc.Close()
	js, err := nc.JetStream(nats.MaxWait(5 * time.Second))
	if err != nil {
		return err
	}
	defer func() {
		if r := recover(); r != nil {
			f, ok := r.(failure)
			if !ok {
				panic(r)
			}
			err = fmt.Errorf("%s: %s", name, f.text)
		}
	}()
	check(js)
	return nil
}

func main() {
	url := flag.String("url", nats.DefaultURL, "server URL")
	name := flag.String("check", "", "the check to run (empty: list them)")
	flag.Parse()
	check, ok := checks[*name]
	if !ok {
		var names []string
		for n := range checks {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Println(names)
		if *name != "" {
			os.Exit(2)
		}
		return
	}
	if err := run(*name, check, *url); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL", err)
		os.Exit(1)
	}
	fmt.Println("ok", *name)
}
