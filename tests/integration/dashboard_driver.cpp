// The dashboard test driver (dashboard_driver.hpp).
#include "tests/integration/dashboard_driver.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string_view>

#include "tests/support/temp_dir.hpp"

namespace nats::integration {
namespace {

// Drives Chromium over --remote-debugging-pipe (file descriptors 3 and 4):
// opens the page, collects console errors and exceptions, waits, then prints
// the dashboard's state as JSON on stdout.
constexpr std::string_view dashboard_driver = R"JS(
"use strict";
const { spawn } = require("child_process");
const fs = require("fs"), os = require("os"), path = require("path");
const [url, waitMs, browser] = process.argv.slice(2);
const profile = fs.mkdtempSync(path.join(os.tmpdir(), "nmk-chromium-"));
const child = spawn(browser, ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
  "--disable-default-apps", "--remote-debugging-pipe", "--user-data-dir=" + profile, "about:blank"],
  { stdio: ["ignore", "ignore", "ignore", "pipe", "pipe"] });
const finish = (code, text) => {
  if (text) process.stdout.write(text + "\n");
  try { child.kill("SIGKILL"); } catch (e) {}
  try { fs.rmSync(profile, { recursive: true, force: true }); } catch (e) {}
  process.exit(code);
};
setTimeout(() => finish(3, JSON.stringify({ fatal: "timed out" })), Number(waitMs) + 30000);
child.on("error", e => finish(2, JSON.stringify({ fatal: String(e) })));
let buffer = Buffer.alloc(0), next = 0;
const pending = new Map(), events = [];
child.stdio[4].on("data", chunk => {
  buffer = Buffer.concat([buffer, chunk]);
  for (let end; (end = buffer.indexOf(0)) >= 0; buffer = buffer.subarray(end + 1)) {
    const message = JSON.parse(buffer.subarray(0, end).toString());
    if (message.id !== undefined && pending.has(message.id)) { pending.get(message.id)(message); pending.delete(message.id); }
    else events.push(message);
  }
});
const send = (method, params, sessionId) => new Promise(resolve => {
  const message = { id: ++next, method, params: params || {} };
  if (sessionId) message.sessionId = sessionId;
  pending.set(message.id, resolve);
  child.stdio[3].write(JSON.stringify(message) + "\0");
});
const sleep = ms => new Promise(r => setTimeout(r, ms));
(async () => {
  const target = await send("Target.createTarget", { url: "about:blank" });
  const attached = await send("Target.attachToTarget", { targetId: target.result.targetId, flatten: true });
  const session = attached.result.sessionId;
  await send("Runtime.enable", {}, session);
  await send("Log.enable", {}, session);
  await send("Page.enable", {}, session);
  await send("Page.navigate", { url }, session);
  await sleep(Number(waitMs));
  const expression = `JSON.stringify({
    state: window.natsDashboard || null,
    charts: Array.from(document.querySelectorAll("canvas")).map(c =>
      ({ id: c.id, points: Number(c.dataset.points), max: Number(c.dataset.max), last: c.dataset.last })),
    tiles: Object.fromEntries(Array.from(document.querySelectorAll(".tile .value")).map(e => [e.id, e.textContent])),
    plugins: Array.from(document.querySelectorAll("#plugins tr td:first-child")).map(td => td.textContent),
    scripts: Array.from(document.querySelectorAll("script[src], link[rel=stylesheet]")).length,
    jetstream: { hidden: document.getElementById("jetstream") ? document.getElementById("jetstream").hidden : null,
      summary: (document.getElementById("js_summary") || {}).textContent || "",
      streams: Array.from(document.querySelectorAll("#js_streams tr")).map(tr =>
        Array.from(tr.children).map(td => td.textContent)),
      consumers: Object.fromEntries(Array.from(document.querySelectorAll("#js_consumers table")).map(t =>
        [t.dataset.stream, Array.from(t.querySelectorAll("tbody tr")).map(tr =>
          Array.from(tr.children).map(td => td.textContent))])) } })`;
  const page = await send("Runtime.evaluate", { expression, returnByValue: true }, session);
  const errors = events.filter(e =>
    (e.method === "Runtime.consoleAPICalled" && (e.params.type === "error" || e.params.type === "assert")) ||
    e.method === "Runtime.exceptionThrown" ||
    (e.method === "Log.entryAdded" && e.params.entry.level === "error"));
  const value = page.result && page.result.result ? page.result.result.value : "null";
  finish(0, JSON.stringify({ page: JSON.parse(value), errors }));
})().catch(e => finish(2, JSON.stringify({ fatal: String(e) })));
)JS";

std::string find_program(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        const auto colon = dirs.find(':', start);
        const std::string dir = dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
        const std::filesystem::path candidate = std::filesystem::path(dir.empty() ? "." : dir) / name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
        if (colon == std::string::npos) break;
        start = colon + 1;
    }
    return {};
}

// Runs a command with a time bound; its stdout.
std::string run_captured(const std::string& command) {
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return out;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
    ::pclose(pipe);
    return out;
}

}  // namespace

std::string dashboard_driver_missing() {
    if (find_program("chromium").empty()) return "chromium is not installed (apt-get install chromium)";
    if (find_program("node").empty()) return "node is not installed";
    return {};
}

nlohmann::json run_dashboard(int http_port, int interval_ms, int wait_ms) {
    test_support::TempDir dir;
    test_support::write_file(dir.file("driver.js"), std::string(dashboard_driver));
    const std::string command = "timeout 60 " + find_program("node") + " " + dir.file("driver.js").string() +
                                " 'http://127.0.0.1:" + std::to_string(http_port) +
                                "/dashboard?interval=" + std::to_string(interval_ms) + "' " +
                                std::to_string(wait_ms) + " " + find_program("chromium");
    const std::string output = run_captured(command);
    return nlohmann::json::parse(output, nullptr, false);
}

}  // namespace nats::integration
