// Vigil console: signs in with a token, then polls the HTTP API for services, events and hosts,
// and follows one service's log (NDJSON). Rows are updated in place so keyboard focus stays put.
const POLL_MS = 1000;
const HISTORY = 60;
const LOG_LINES = 1000;

const $ = (selector) => document.querySelector(selector);
let token = sessionStorage.getItem("vigil-token") ?? "";
let operator = false;
let timer;
let follow;
const rows = new Map();
const history = new Map();

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { "content-type": "application/json" }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const json = await response.json();
  if (!response.ok) throw Object.assign(new Error(json.error?.message ?? `HTTP ${response.status}`), { status: response.status });
  return json;
}

function text(element, value) {
  const shown = String(value);
  if (element.textContent !== shown) element.textContent = shown;
}

function duration(ms) {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

function bytes(n) {
  return n >= 1 << 30 ? `${(n / (1 << 30)).toFixed(1)} GiB` : n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${Math.round(n / 1024)} KiB`;
}

function spark(samples) {
  const width = 120;
  const height = 24;
  // The newest sample at the right edge; older ones to its left, one step per poll.
  const x = (i, count) => width - ((count - 1 - i) * width) / (HISTORY - 1);
  const line = (values, max) => values.map((v, i) => `${x(i, values.length).toFixed(1)},${(height - 1 - (v / max) * (height - 2)).toFixed(1)}`).join(" ");
  const cpu = samples.map((s) => s.cpu);
  const mem = samples.map((s) => s.mem);
  return `<svg class="spark" width="${width}" height="${height}" role="img" aria-label="CPU (blue) and memory (green) over the last minute"><polyline class="cpu" points="${line(cpu, Math.max(100, ...cpu))}"/><polyline class="mem" points="${line(mem, Math.max(1, ...mem))}"/></svg>`;
}

function button(label, service, onClick) {
  const element = document.createElement("button");
  element.type = "button";
  element.textContent = label;
  element.setAttribute("aria-label", `${label} ${service}`);
  element.addEventListener("click", onClick);
  return element;
}

async function command(service, verb) {
  const status = $("#action-status");
  try {
    await api("POST", `/v1/accounts/${encodeURIComponent(service.account)}/services/${encodeURIComponent(service.name)}/${verb}`);
    text(status, `${verb}: ${service.account}/${service.name} done`);
    await refreshServices();
  } catch (error) {
    text(status, `${verb} ${service.account}/${service.name}: ${error.message}`);
  }
}

function rowFor(service) {
  const key = `${service.account}/${service.name}`;
  let row = rows.get(key);
  if (row) return row;
  const tr = document.createElement("tr");
  tr.dataset.service = key;
  const cells = {};
  for (const name of ["name", "state", "pid", "uptime", "restarts", "cpu", "mem", "history", "actions"]) {
    const td = document.createElement(name === "name" ? "th" : "td");
    if (name === "name") td.scope = "row";
    if (["pid", "uptime", "restarts", "cpu", "mem"].includes(name)) td.className = "num";
    td.dataset.field = name;
    tr.append(td);
    cells[name] = td;
  }
  const actions = document.createElement("div");
  actions.className = "actions";
  for (const verb of ["start", "stop", "restart", "enable"]) actions.append(button(verb[0].toUpperCase() + verb.slice(1), key, () => command(service, verb)));
  actions.append(button("Log", key, () => followLog(service)));
  cells.actions.append(actions);
  text(cells.name, key);
  $("#services tbody").append(tr);
  row = { tr, cells };
  rows.set(key, row);
  return row;
}

function showService(service) {
  const { cells } = rowFor(service);
  const status = service.status ?? {};
  const processes = status.processes ?? [];
  const cpu = processes.reduce((sum, p) => sum + (p.cpu_percent ?? 0), 0);
  const mem = processes.reduce((sum, p) => sum + (p.rss_bytes ?? 0), 0);
  const key = `${service.account}/${service.name}`;
  const samples = [...(history.get(key) ?? []), { cpu, mem }].slice(-HISTORY);
  history.set(key, samples);
  const state = status.state ?? "unknown";
  text(cells.state, state);
  cells.state.className = `state-${state}`;
  text(cells.pid, status.main_pid ? status.main_pid : "—");
  text(cells.uptime, state === "running" && status.started_at_ms ? duration(Date.now() - status.started_at_ms) : "—");
  text(cells.restarts, status.restarts ?? 0);
  text(cells.cpu, `${cpu.toFixed(1)}%`);
  text(cells.mem, bytes(mem));
  cells.history.innerHTML = spark(samples);
}

async function refreshServices() {
  const { services } = await api("GET", "/v1/services");
  const seen = new Set();
  for (const service of services) {
    seen.add(`${service.account}/${service.name}`);
    showService(service);
  }
  for (const [key, row] of rows) {
    if (seen.has(key)) continue;
    row.tr.remove();
    rows.delete(key);
    history.delete(key);
  }
}

async function refreshEvents() {
  const { events } = await api("GET", "/v1/events?limit=30");
  const list = $("#events");
  list.replaceChildren(
    ...events.map((event) => {
      const li = document.createElement("li");
      const time = document.createElement("time");
      time.dateTime = new Date(event.at_ms).toISOString();
      time.textContent = new Date(event.at_ms).toLocaleTimeString();
      li.append(time, `${event.service?.account}/${event.service?.name} ${event.kind} → ${event.state}${event.pid ? ` (pid ${event.pid})` : ""}${event.message ? `: ${event.message}` : ""}`);
      return li;
    }),
  );
}

async function refreshHosts() {
  const { hosts } = await api("GET", "/v1/hosts");
  $("#hosts tbody").replaceChildren(
    ...hosts.map((host) => {
      const tr = document.createElement("tr");
      const cells = [host.name, host.state, `${host.service_count}`, `${host.capacity}`, host.agent_version, host.last_seen_ms ? new Date(host.last_seen_ms).toLocaleTimeString() : "—"];
      tr.innerHTML = cells.map((_, i) => (i === 0 ? `<th scope="row"></th>` : `<td${i === 1 ? ` class="state-${host.state}"` : ""}></td>`)).join("");
      [...tr.children].forEach((cell, i) => (cell.textContent = cells[i]));
      return tr;
    }),
  );
}

async function followLog(service) {
  follow?.abort();
  const controller = new AbortController();
  follow = controller;
  const log = $("#log");
  text($("#log-service"), `of ${service.account}/${service.name}`);
  log.textContent = "";
  const lines = [];
  try {
    const response = await fetch(`/v1/accounts/${encodeURIComponent(service.account)}/services/${encodeURIComponent(service.name)}/logs/follow?lines=100`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    if (!response.ok) throw new Error((await response.json()).error?.message ?? `HTTP ${response.status}`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += value;
      let newline;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const message = JSON.parse(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        if (message.error) throw new Error(message.error.message);
        lines.push(...message.lines);
      }
      lines.splice(0, Math.max(0, lines.length - LOG_LINES));
      const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
      log.textContent = lines.join("\n");
      if (atBottom) log.scrollTop = log.scrollHeight;
    }
  } catch (error) {
    if (!controller.signal.aborted) log.textContent += `\n[log: ${error.message}]`;
  }
}

async function poll() {
  try {
    await Promise.all([refreshServices(), refreshEvents(), operator ? refreshHosts() : undefined]);
  } catch (error) {
    if (error.status === 401) return signOut(error.message);
    text($("#action-status"), error.message);
  }
  timer = setTimeout(poll, POLL_MS);
}

async function signIn(candidate) {
  token = candidate;
  try {
    await api("GET", "/v1/services");
  } catch (error) {
    token = "";
    text($("#sign-in-error"), error.message);
    return;
  }
  sessionStorage.setItem("vigil-token", token);
  try {
    await api("GET", "/v1/hosts");
    operator = true;
  } catch {
    operator = false;
  }
  text($("#who"), operator ? "Signed in with an operator token: every account" : "Signed in with an account token");
  $("#sign-in").hidden = true;
  $("#console").hidden = false;
  $("#sign-out").hidden = false;
  $("#hosts-section").hidden = !operator;
  text($("#sign-in-error"), "");
  await poll();
}

function signOut(reason = "") {
  clearTimeout(timer);
  follow?.abort();
  token = "";
  sessionStorage.removeItem("vigil-token");
  for (const row of rows.values()) row.tr.remove();
  rows.clear();
  history.clear();
  $("#console").hidden = true;
  $("#sign-out").hidden = true;
  $("#sign-in").hidden = false;
  text($("#who"), "");
  text($("#sign-in-error"), reason);
  $("#token").focus();
}

$("#sign-in").addEventListener("submit", (event) => {
  event.preventDefault();
  const field = $("#token");
  void signIn(field.value.trim());
  field.value = "";
});
$("#sign-out").addEventListener("click", () => signOut());
if (token !== "") void signIn(token);
else $("#token").focus();
