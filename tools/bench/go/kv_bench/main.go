// kv_bench measures the official Go client's KeyValue and ObjectStore APIs (nats.go 1.22
// as Debian packages it) against one server, for tools/bench/compare_kv.sh: puts and gets
// of small values by N clients, and one large object put and read back.
//
// Usage: kv_bench -url nats://127.0.0.1:4222 -mode kv-put|kv-get|obj-put|obj-get
//
//	[-clients 1] [-ops 20000] [-size 128] [-object-mb 64] [-storage file|memory] [-pid N]
//
// Prints one JSON object: ops, seconds, rate (ops/s), mb_per_s, server_cpu_s and
// server_cpu_us_per_op (from /proc/<pid>/stat when -pid is given), client_cpu_s; or
// {"error": "..."} and exit 1.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
)

type result struct {
	Mode            string  `json:"mode"`
	Clients         int     `json:"clients"`
	Ops             int     `json:"ops"`
	Seconds         float64 `json:"seconds"`
	Rate            float64 `json:"rate"`
	MBPerSecond     float64 `json:"mb_per_s"`
	ServerCPU       float64 `json:"server_cpu_s,omitempty"`
	ServerCPUPerOp  float64 `json:"server_cpu_us_per_op,omitempty"`
	ClientCPU       float64 `json:"client_cpu_s"`
}

func fatal(format string, args ...interface{}) {
	out, _ := json.Marshal(map[string]string{"error": fmt.Sprintf(format, args...)})
	fmt.Println(string(out))
	os.Exit(1)
}

// The server's user+system CPU seconds so far (fields 14 and 15 of /proc/<pid>/stat).
func processCPU(pid int) float64 {
	if pid <= 0 {
		return 0
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	text := string(data)
	fields := strings.Fields(text[strings.LastIndexByte(text, ')')+2:])
	utime, _ := strconv.ParseFloat(fields[11], 64)
	stime, _ := strconv.ParseFloat(fields[12], 64)
	return (utime + stime) / 100 // USER_HZ
}

func selfCPU() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func connect(url string) (*nats.Conn, nats.JetStreamContext) {
	// Asynchronous errors (a slow consumer above all: the library dropped messages, and an
	// ordered consumer then resets itself) go to stderr, so a slow run says why.
	nc, err := nats.Connect(url, nats.Timeout(10*time.Second), nats.NoReconnect(),
		nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
			subject := ""
			if sub != nil {
				subject = sub.Subject
			}
			fmt.Fprintf(os.Stderr, "kv_bench: async error on %q: %v\n", subject, err)
		}))
	if err != nil {
		fatal("connect: %v", err)
	}
	js, err := nc.JetStream(nats.MaxWait(30 * time.Second))
	if err != nil {
		fatal("jetstream: %v", err)
	}
	return nc, js
}

func storageOf(name string) nats.StorageType {
	if name == "memory" {
		return nats.MemoryStorage
	}
	return nats.FileStorage
}

// Runs `ops` operations split over `clients` connections, each with its own bucket handle.
func runClients(url string, clients, ops int, bucket string, op func(kv nats.KeyValue, i int) error) {
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for c := 0; c < clients; c++ {
		nc, js := connect(url)
		kv, err := js.KeyValue(bucket)
		if err != nil {
			fatal("bind bucket: %v", err)
		}
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			defer nc.Close()
			for i := c; i < ops; i += clients {
				if err := op(kv, i); err != nil {
					errs <- err
					return
				}
			}
		}(c)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		fatal("%v", err)
	}
}

func main() {
	url := flag.String("url", nats.DefaultURL, "server URL")
	mode := flag.String("mode", "kv-put", "kv-put, kv-get, obj-put or obj-get")
	clients := flag.Int("clients", 1, "client connections (kv modes)")
	ops := flag.Int("ops", 20000, "operations (kv modes)")
	size := flag.Int("size", 128, "value size in bytes (kv modes)")
	objectMB := flag.Int("object-mb", 64, "object size in MiB (obj modes)")
	storage := flag.String("storage", "file", "file or memory")
	pid := flag.Int("pid", 0, "server pid, for its CPU time")
	flag.Parse()

	nc, js := connect(*url)
	defer nc.Close()
	value := bytes.Repeat([]byte("v"), *size)
	keys := 1000 // puts and gets spread over this many keys
	var run func()
	bytesMoved := 0
	count := *ops

	switch *mode {
	case "kv-put", "kv-get":
		if _, err := js.CreateKeyValue(&nats.KeyValueConfig{Bucket: "BENCH", Storage: storageOf(*storage)}); err != nil {
			fatal("create bucket: %v", err)
		}
		if *mode == "kv-get" {
			runClients(*url, 1, keys, "BENCH", func(kv nats.KeyValue, i int) error {
				_, err := kv.Put("k"+strconv.Itoa(i), value)
				return err
			})
		}
		bytesMoved = count * *size
		run = func() {
			runClients(*url, *clients, count, "BENCH", func(kv nats.KeyValue, i int) error {
				key := "k" + strconv.Itoa(i%keys)
				if *mode == "kv-put" {
					_, err := kv.Put(key, value)
					return err
				}
				e, err := kv.Get(key)
				if err == nil && len(e.Value()) != *size {
					err = fmt.Errorf("get %s: %d bytes", key, len(e.Value()))
				}
				return err
			})
		}
	case "obj-put", "obj-get":
		store, err := js.CreateObjectStore(&nats.ObjectStoreConfig{Bucket: "BENCH", Storage: storageOf(*storage)})
		if err != nil {
			fatal("create object store: %v", err)
		}
		object := bytes.Repeat([]byte("0123456789abcdef"), *objectMB*1024*1024/16)
		bytesMoved = len(object)
		count = 1
		if *mode == "obj-get" {
			if _, err := store.PutBytes("big", object); err != nil {
				fatal("put: %v", err)
			}
		}
		run = func() {
			if *mode == "obj-put" {
				if _, err := store.PutBytes("big", object); err != nil {
					fatal("put: %v", err)
				}
				return
			}
			got, err := store.GetBytes("big")
			if err != nil {
				fatal("get: %v", err)
			}
			if !bytes.Equal(got, object) {
				fatal("get: %d bytes back, not the %d put", len(got), len(object))
			}
		}
	default:
		fatal("unknown mode %q", *mode)
	}

	serverBefore, clientBefore := processCPU(*pid), selfCPU()
	start := time.Now()
	run()
	elapsed := time.Since(start).Seconds()
	r := result{Mode: *mode, Clients: *clients, Ops: count, Seconds: elapsed, Rate: float64(count) / elapsed,
		MBPerSecond: float64(bytesMoved) / elapsed / (1024 * 1024), ClientCPU: selfCPU() - clientBefore}
	if *pid > 0 {
		r.ServerCPU = processCPU(*pid) - serverBefore
		r.ServerCPUPerOp = r.ServerCPU * 1e6 / float64(count)
	}
	out, _ := json.Marshal(r)
	fmt.Println(string(out))
}
