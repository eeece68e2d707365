// /dashboard: one self-contained page (inline CSS and JS, no external
// requests) that polls ./varz and ./pluginz and draws message and byte rates
// on canvases, and, while the server runs JetStream, lists its streams and their
// consumers from ./jsz?consumers=1. ?interval=<ms> sets the polling period
// (default 1000).
//
// For tests and tools the page keeps its state in window.natsDashboard:
// samples (time, counters and the rates drawn), plugins, polls, errors and
// jetstream (null until /jsz first answers, then the streams shown).
#include "plugins/monitoring/pages.hpp"

namespace nats::monitoring {

namespace {

constexpr std::string_view page_html = R"HTML(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>NATS dashboard</title>
<link rel="icon" href="data:,">
<style>
  :root { --bg: #f6f7fb; --card: #fff; --ink: #24243a; --muted: #6b6b80; --in: #2a7de1; --out: #e1662a }
  * { box-sizing: border-box }
  body { margin: 0; font-family: system-ui, sans-serif; background: var(--bg); color: var(--ink) }
  header { padding: 1rem 1.5rem; display: flex; align-items: baseline; gap: 1rem; flex-wrap: wrap }
  header h1 { font-size: 1.3rem; margin: 0 }
  #server { color: var(--muted); font-size: 0.9rem }
  #status { margin-left: auto; font-size: 0.85rem; color: var(--muted) }
  #status.stale { color: #c0392b }
  main { padding: 0 1.5rem 1.5rem; display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)) }
  .tiles { grid-column: 1 / -1; display: grid; gap: 0.8rem; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)) }
  .tile, .card { background: var(--card); border-radius: 8px; box-shadow: 0 1px 3px rgba(0,0,0,.08); padding: 0.8rem 1rem }
  .tile .label { font-size: 0.75rem; color: var(--muted); text-transform: uppercase; letter-spacing: .04em }
  .tile .value { font-size: 1.5rem; font-variant-numeric: tabular-nums; margin-top: 0.2rem }
  .card h2 { font-size: 0.95rem; margin: 0 0 0.5rem }
  .legend { font-size: 0.8rem; color: var(--muted); margin-bottom: 0.3rem }
  .legend span { display: inline-block; width: 0.8rem; height: 0.25rem; vertical-align: middle; margin: 0 0.3rem 0 0.8rem }
  canvas { width: 100%; height: 200px; display: block }
  table { border-collapse: collapse; width: 100%; font-size: 0.85rem }
  th, td { text-align: left; padding: 0.3rem 0.4rem; border-bottom: 1px solid #eee }
  th { color: var(--muted); font-weight: 600 }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums }
  .wide { grid-column: 1 / -1 }
  [hidden] { display: none !important }
  .card h3 { font-size: 0.85rem; margin: 0.9rem 0 0.3rem }
</style>
</head>
<body>
<header>
  <h1>NATS dashboard</h1>
  <div id="server">connecting...</div>
  <div id="status">waiting for the first sample</div>
</header>
<main>
  <section class="tiles">
    <div class="tile"><div class="label">Connections</div><div class="value" id="connections">-</div></div>
    <div class="tile"><div class="label">Total connections</div><div class="value" id="total_connections">-</div></div>
    <div class="tile"><div class="label">Subscriptions</div><div class="value" id="subscriptions">-</div></div>
    <div class="tile"><div class="label">Slow consumers</div><div class="value" id="slow_consumers">-</div></div>
    <div class="tile"><div class="label">Messages in / out</div><div class="value" id="msgs">-</div></div>
    <div class="tile"><div class="label">Bytes in / out</div><div class="value" id="bytes">-</div></div>
    <div class="tile"><div class="label">Memory</div><div class="value" id="mem">-</div></div>
    <div class="tile"><div class="label">CPU</div><div class="value" id="cpu">-</div></div>
    <div class="tile"><div class="label">Uptime</div><div class="value" id="uptime">-</div></div>
  </section>
  <section class="card">
    <h2>Messages per second</h2>
    <div class="legend"><span style="background:var(--in)"></span>in<span style="background:var(--out)"></span>out</div>
    <canvas id="msg_chart" data-points="0" data-max="0"></canvas>
  </section>
  <section class="card">
    <h2>Bytes per second</h2>
    <div class="legend"><span style="background:var(--in)"></span>in<span style="background:var(--out)"></span>out</div>
    <canvas id="byte_chart" data-points="0" data-max="0"></canvas>
  </section>
  <section class="card">
    <h2>Connections and subscriptions</h2>
    <div class="legend"><span style="background:var(--in)"></span>connections<span style="background:var(--out)"></span>subscriptions</div>
    <canvas id="conn_chart" data-points="0" data-max="0"></canvas>
  </section>
  <section class="card">
    <h2>Loaded plugins</h2>
    <table><thead><tr><th>Name</th><th>Version</th><th>SDK</th><th>State</th></tr></thead>
    <tbody id="plugins"><tr><td colspan="4">-</td></tr></tbody></table>
  </section>
  <section class="card wide" id="jetstream" hidden>
    <h2>JetStream</h2>
    <div class="legend" id="js_summary">-</div>
    <table><thead><tr><th>Stream</th><th>Account</th><th class="num">Messages</th><th class="num">Bytes</th>
      <th class="num">First seq</th><th class="num">Last seq</th><th class="num">Consumers</th></tr></thead>
    <tbody id="js_streams"></tbody></table>
    <div id="js_consumers"></div>
  </section>
</main>
<script>
"use strict";
(function () {
  const params = new URLSearchParams(window.location.search);
  const requested = parseInt(params.get("interval") || "1000", 10);
  const interval = Number.isFinite(requested) ? Math.max(200, requested) : 1000;
  const keep = 120;
  const state = { samples: [], plugins: [], polls: 0, errors: [], interval: interval, jetstream: null };
  window.natsDashboard = state;
  const css = getComputedStyle(document.documentElement);
  const colors = [css.getPropertyValue("--in").trim(), css.getPropertyValue("--out").trim()];

  function el(id) { return document.getElementById(id); }
  function human(n, unit) {
    const steps = ["", "K", "M", "G", "T", "P"];
    let i = 0;
    while (Math.abs(n) >= 1000 && i < steps.length - 1) { n /= 1000; i++; }
    const text = i === 0 ? String(Math.round(n * 10) / 10) : n.toFixed(n < 10 ? 2 : 1);
    return text + steps[i] + (unit || "");
  }
  function bytes(n) {
    const steps = ["B", "KiB", "MiB", "GiB", "TiB"];
    let i = 0;
    while (n >= 1024 && i < steps.length - 1) { n /= 1024; i++; }
    return (i === 0 ? String(Math.round(n)) : n.toFixed(1)) + " " + steps[i];
  }
  // Go's RFC 3339 with nanoseconds; Date.parse wants at most milliseconds.
  function parseTime(text) {
    const m = /^(.*T\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(text || "");
    if (!m) return Date.now();
    const frac = m[2] ? Number("0" + m[2]) : 0;
    return Date.parse(m[1] + m[3]) + frac * 1000;
  }

  function draw(canvas, series) {
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || 400, height = canvas.clientHeight || 200;
    if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
    if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
    const g = canvas.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    let max = 0, points = 0;
    for (const s of series) for (const v of s) { max = Math.max(max, v); }
    for (const s of series) points = Math.max(points, s.length);
    canvas.dataset.points = String(points);
    canvas.dataset.max = String(max);
    canvas.dataset.last = JSON.stringify(series.map(s => s.length ? s[s.length - 1] : 0));
    const top = max > 0 ? max * 1.1 : 1;
    const left = 56, bottom = height - 18, right = width - 8, topY = 8;
    g.strokeStyle = "#e3e3ea"; g.fillStyle = "#6b6b80"; g.font = "11px system-ui, sans-serif"; g.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
      const y = bottom - (bottom - topY) * i / 4;
      g.beginPath(); g.moveTo(left, y); g.lineTo(right, y); g.stroke();
      g.fillText(human(top * i / 4), 4, y + 4);
    }
    g.fillText(keep * interval / 1000 + " s", left, height - 4);
    series.forEach((s, k) => {
      if (s.length < 2) return;
      g.strokeStyle = colors[k % colors.length]; g.lineWidth = 2; g.beginPath();
      s.forEach((v, i) => {
        const x = right - (s.length - 1 - i) * (right - left) / (keep - 1);
        const y = bottom - (bottom - topY) * v / top;
        if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
      });
      g.stroke();
    });
  }

  function render() {
    const s = state.samples;
    const pick = key => s.filter(x => x.rates).map(x => x.rates[key]);
    draw(el("msg_chart"), [pick("in_msgs"), pick("out_msgs")]);
    draw(el("byte_chart"), [pick("in_bytes"), pick("out_bytes")]);
    draw(el("conn_chart"), [s.map(x => x.connections), s.map(x => x.subscriptions)]);
  }

  function show(v) {
    el("server").textContent = (v.server_name || v.server_id) + " \u00b7 v" + v.version + " \u00b7 " + v.host + ":" + v.port;
    el("connections").textContent = human(v.connections);
    el("total_connections").textContent = human(v.total_connections);
    el("subscriptions").textContent = human(v.subscriptions);
    el("slow_consumers").textContent = human(v.slow_consumers);
    el("msgs").textContent = human(v.in_msgs) + " / " + human(v.out_msgs);
    el("bytes").textContent = bytes(v.in_bytes) + " / " + bytes(v.out_bytes);
    el("mem").textContent = bytes(v.mem);
    el("cpu").textContent = (Math.round(v.cpu * 10) / 10) + " %";
    el("uptime").textContent = v.uptime;
  }

  async function poll() {
    try {
      const response = await fetch("varz", { cache: "no-store" });
      if (!response.ok) throw new Error("varz answered " + response.status);
      const v = await response.json();
      const sample = { time: parseTime(v.now), in_msgs: v.in_msgs, out_msgs: v.out_msgs, in_bytes: v.in_bytes,
                       out_bytes: v.out_bytes, connections: v.connections, subscriptions: v.subscriptions,
                       slow_consumers: v.slow_consumers, rates: null };
      const previous = state.samples[state.samples.length - 1];
      if (previous && sample.time > previous.time) {
        const seconds = (sample.time - previous.time) / 1000;
        sample.rates = {};
        for (const key of ["in_msgs", "out_msgs", "in_bytes", "out_bytes"])
          sample.rates[key] = Math.max(0, sample[key] - previous[key]) / seconds;
      }
      state.samples.push(sample);
      if (state.samples.length > keep) state.samples.shift();
      state.polls++;
      show(v);
      render();
      el("status").textContent = "updated " + new Date().toLocaleTimeString();
      el("status").className = "";
    } catch (e) {
      state.errors.push(String(e));
      el("status").textContent = "no answer from the server (" + e.message + ")";
      el("status").className = "stale";
    }
  }

  async function loadPlugins() {
    try {
      const response = await fetch("pluginz", { cache: "no-store" });
      if (!response.ok) throw new Error("pluginz answered " + response.status);
      const list = (await response.json()).plugins || [];
      state.plugins = list;
      const body = el("plugins");
      body.replaceChildren();
      for (const p of list) {
        const row = document.createElement("tr");
        for (const text of [p.name, p.version, p.sdk || "", p.started === false ? "loaded" : "running"]) {
          const cell = document.createElement("td");
          cell.textContent = text;
          row.appendChild(cell);
        }
        body.appendChild(row);
      }
    } catch (e) {
      state.errors.push(String(e));
    }
  }

  // /jsz?consumers=1 flattened to what the JetStream section shows; null when
  // JetStream is off (the monitoring plugin then answers "disabled": true).
  function summarizeJsz(j) {
    if (!j || j.disabled) return null;
    const streams = [];
    for (const account of j.account_details || []) {
      for (const s of account.stream_detail || []) {
        const st = s.state || {};
        streams.push({
          account: account.name, name: s.name, messages: st.messages || 0, bytes: st.bytes || 0,
          first_seq: st.first_seq || 0, last_seq: st.last_seq || 0, consumer_count: st.consumer_count || 0,
          consumers: (s.consumer_detail || []).map(c => ({
            name: c.name, num_pending: c.num_pending || 0, num_ack_pending: c.num_ack_pending || 0,
            num_redelivered: c.num_redelivered || 0, num_waiting: c.num_waiting || 0,
            delivered_stream_seq: (c.delivered || {}).stream_seq || 0,
            ack_floor_stream_seq: (c.ack_floor || {}).stream_seq || 0 }))
        });
      }
    }
    return { enabled: true, streams: j.streams || 0, consumers: j.consumers || 0, messages: j.messages || 0,
             bytes: j.bytes || 0, memory: j.memory || 0, storage: j.storage || 0, detail: streams };
  }

  function row(cells, numericFrom) {
    const tr = document.createElement("tr");
    cells.forEach((text, i) => {
      const td = document.createElement("td");
      td.textContent = String(text);
      if (i >= numericFrom) td.className = "num";
      tr.appendChild(td);
    });
    return tr;
  }

  function showJetStream(js) {
    el("jetstream").hidden = !js;
    if (!js) return;
    el("js_summary").textContent = human(js.streams) + " streams \u00b7 " + human(js.consumers) + " consumers \u00b7 " +
      human(js.messages) + " messages \u00b7 " + bytes(js.bytes) + " (memory " + bytes(js.memory) + ", file " +
      bytes(js.storage) + ")";
    const streams = el("js_streams"), consumers = el("js_consumers");
    streams.replaceChildren();
    consumers.replaceChildren();
    if (js.detail.length === 0) streams.appendChild(row(["no streams"], 1));
    for (const s of js.detail) {
      const tr = row([s.name, s.account, human(s.messages), bytes(s.bytes), s.first_seq, s.last_seq, s.consumer_count], 2);
      tr.dataset.stream = s.name;
      streams.appendChild(tr);
      if (s.consumers.length === 0) continue;
      const title = document.createElement("h3");
      title.textContent = "Consumers of " + s.name;
      const table = document.createElement("table");
      table.dataset.stream = s.name;
      const head = row(["Consumer", "Pending", "Ack pending", "Redelivered", "Waiting", "Delivered stream seq",
                        "Ack floor stream seq"], 1);
      head.querySelectorAll("td").forEach(td => {
        const th = document.createElement("th");
        th.textContent = td.textContent;
        th.className = td.className;
        td.replaceWith(th);
      });
      const thead = document.createElement("thead"), tbody = document.createElement("tbody");
      thead.appendChild(head);
      for (const c of s.consumers) {
        const tr = row([c.name, c.num_pending, c.num_ack_pending, c.num_redelivered, c.num_waiting,
                        c.delivered_stream_seq, c.ack_floor_stream_seq], 1);
        tr.dataset.consumer = c.name;
        tbody.appendChild(tr);
      }
      table.append(thead, tbody);
      consumers.append(title, table);
    }
  }

  // Every poll while JetStream is on; while it is off (or /jsz fails), every tenth,
  // so the section appears without a reload once it is turned on.
  let jszSkips = 0;
  async function pollJetStream() {
    if (state.jetstream && !state.jetstream.enabled && ++jszSkips % 10 !== 0) return;
    try {
      const response = await fetch("jsz?consumers=1", { cache: "no-store" });
      if (!response.ok) throw new Error("jsz answered " + response.status);
      const js = summarizeJsz(await response.json());
      state.jetstream = js || { enabled: false };
      showJetStream(js);
    } catch (e) {
      // The rest of the page works without JetStream: hide the section, keep polling varz.
      state.jetstream = { enabled: false, error: String(e) };
      showJetStream(null);
    }
  }

  window.addEventListener("resize", render);
  poll();
  loadPlugins();
  pollJetStream();
  setInterval(poll, interval);
  setInterval(pollJetStream, interval);
  setInterval(loadPlugins, 10000);
})();
</script>
</body>
</html>
)HTML";

}  // namespace

HttpResponse dashboard_page(const PageContext&) {
    return HttpResponse{200, "text/html; charset=utf-8", {{"Cache-Control", "no-store"}}, std::string(page_html)};
}

}  // namespace nats::monitoring
