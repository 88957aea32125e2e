// Switchboard console: fills the server-rendered pages from /api/... (the console's proxy to the
// management APIs). Data is only ever put into the page with textContent, never as HTML.
'use strict';

const ADMIN = document.body.dataset.role === 'admin';
let pending = 0;
let spinnerTimer = null;
const downServices = new Set();

// ------------------------------------------------------------------ helpers

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const $ = (sel, root) => (root || document).querySelector(sel);

function spinner(delta) {
  pending += delta;
  if (pending > 0 && !spinnerTimer) {
    // only a slow call shows the spinner
    spinnerTimer = setTimeout(() => { $('#spinner').hidden = false; }, 250);
  } else if (pending === 0) {
    clearTimeout(spinnerTimer);
    spinnerTimer = null;
    $('#spinner').hidden = true;
  }
}

function banner() {
  const b = $('#banner');
  if (downServices.size === 0) { b.hidden = true; b.textContent = ''; return; }
  b.hidden = false;
  b.textContent = [...downServices].join(', ') + (downServices.size === 1 ? ' is' : ' are')
    + ' not answering. What is shown may be out of date; the console retries on every refresh.';
}

/** The text to show for a failed answer: problem+json detail (and field errors), or the relay's error.message. */
function problemText(res) {
  const d = res.data;
  if (d && typeof d === 'object') {
    if (d.error && d.error.message) return d.error.message;
    let text = d.detail || d.title || '';
    if (Array.isArray(d.errors) && d.errors.length) {
      text += ' (' + d.errors.map(e => (e.field ? e.field + ': ' : '') + e.reason).join('; ') + ')';
    }
    if (Array.isArray(d.references) && d.references.length) {
      text += ' Used by: ' + d.references.map(r => r.kind + ' ' + (r.owner || '') + (r.detail ? ' ' + r.detail : '')).join(', ');
    }
    if (text) return text;
  }
  if (res.status === 403) return 'Your role may not do this.';
  return 'The request failed (HTTP ' + res.status + ').';
}

/** Calls the console's API; never throws. Result: {ok, status, data}. */
async function api(method, url, body) {
  const service = url.startsWith('/api/auth') ? 'auth-service' : url.startsWith('/api/catalog') ? 'catalog-service'
    : url.startsWith('/api/relay') || url.startsWith('/api/explain') ? 'relay-service' : null;
  const opts = { method, headers: { 'Accept': 'application/json', 'X-Requested-With': 'JavaScript' }, credentials: 'same-origin' };
  if (method !== 'GET') opts.headers['X-Console'] = '1';
  if (body !== undefined) { opts.headers['Content-Type'] = 'application/json'; opts.body = JSON.stringify(body); }
  spinner(1);
  try {
    const r = await fetch(url, opts);
    if (r.status === 499 || r.status === 401) {
      downServices.add('Your session ended: reload the page to sign in again.');
      banner();
      return { ok: false, status: r.status, data: { detail: 'Your session ended; reload the page to sign in again.' } };
    }
    const text = await r.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = { detail: 'Unexpected answer from the console.' }; }
    if (service) {
      if (r.headers.get('X-Console-Down')) downServices.add(service); else downServices.delete(service);
      banner();
    }
    return { ok: r.ok, status: r.status, data };
  } catch (e) {
    downServices.add('The console');
    banner();
    return { ok: false, status: 0, data: { detail: 'The console did not answer.' } };
  } finally {
    spinner(-1);
  }
}

function showError(el, res) {
  if (!el) return;
  if (!res || res.ok) { el.hidden = true; el.textContent = ''; return; }
  el.textContent = problemText(res);
  el.hidden = false;
}

function fill(tbody, rows, render) {
  tbody.replaceChildren(...rows.map(render));
}

function cellsRow(...cells) {
  return h('tr', {}, cells.map(c => h('td', {}, c)));
}

function button(label, onclick, cls) {
  return h('button', { type: 'button', class: 'edit ' + (cls || ''), onclick }, label);
}

function formValues(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    const v = el.value.trim();
    if (v === '') continue;
    out[el.name] = el.type === 'number' ? Number(v) : v;
  }
  return out;
}

/** Wires a create form: build the body, POST it, show the problem inline or reset and reload. */
function onSubmit(form, handler) {
  if (!form) return;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const err = $('.error', form);
    const res = await handler(formValues(form));
    showError(err, res);
    if (res && res.ok) form.reset();
  });
}

async function listAll(url) {
  const sep = url.includes('?') ? '&' : '?';
  const res = await api('GET', url + sep + 'size=500');
  if (res.ok) res.items = Array.isArray(res.data) ? res.data : (res.data.items || []);
  return res;
}

const yesNo = b => b ? 'yes' : 'no';
const money = v => v === null || v === undefined ? '–' : '$' + Number(v).toFixed(4).replace(/0{1,2}$/, '');
const num = v => v === null || v === undefined ? '–' : String(v);
const list = v => Array.isArray(v) && v.length ? v.join(', ') : '–';
const csv = s => (s || '').split(',').map(x => x.trim()).filter(Boolean);

function toggle(enabled, onChange) {
  return ADMIN ? button(enabled ? 'Disable' : 'Enable', onChange, 'ghost') : null;
}

// ------------------------------------------------------------------ charts (plain SVG)

function lineChart(svg, series, opts) {
  const W = 600, H = 200, P = 28;
  const all = series.flatMap(s => s.points);
  const max = Math.max(opts && opts.min || 0, ...all.map(p => p.y), 1e-9);
  const n = Math.max(2, ...series.map(s => s.points.length));
  const x = i => P + (W - 2 * P) * i / (n - 1);
  const y = v => H - P - (H - 2 * P) * v / max;
  const ns = 'http://www.w3.org/2000/svg';
  const el = (tag, a) => { const e = document.createElementNS(ns, tag); for (const k in a) e.setAttribute(k, a[k]); return e; };
  const kids = [el('line', { x1: P, y1: H - P, x2: W - P, y2: H - P, class: 'axis' })];
  const top = el('text', { x: 2, y: P - 8, class: 'tick' }); top.textContent = fmt(max); kids.push(top);
  const zero = el('text', { x: 2, y: H - P + 4, class: 'tick' }); zero.textContent = '0'; kids.push(zero);
  series.forEach((s, k) => {
    if (!s.points.length) return;
    const d = s.points.map((p, i) => (i ? 'L' : 'M') + x(i).toFixed(1) + ' ' + y(p.y).toFixed(1)).join(' ');
    kids.push(el('path', { d, class: 'line line-' + k }));
    const legend = el('text', { x: W - P - 140 + 0, y: 14 + 14 * k, class: 'legend line-' + k + '-text' });
    legend.textContent = s.name; kids.push(legend);
  });
  svg.replaceChildren(...kids);
}

function barChart(svg, rows) {
  const W = 600, H = 200, P = 24;
  const ns = 'http://www.w3.org/2000/svg';
  const max = Math.max(1e-9, ...rows.map(r => r.value));
  const bw = (W - 2 * P) / Math.max(rows.length, 1);
  const kids = [];
  rows.forEach((r, i) => {
    const bh = (H - 2 * P) * r.value / max;
    const rect = document.createElementNS(ns, 'rect');
    rect.setAttribute('x', (P + i * bw + 2).toFixed(1)); rect.setAttribute('width', Math.max(bw - 4, 1).toFixed(1));
    rect.setAttribute('y', (H - P - bh).toFixed(1)); rect.setAttribute('height', bh.toFixed(1)); rect.setAttribute('class', 'bar');
    const t = document.createElementNS(ns, 'title'); t.textContent = r.label + ': ' + r.value; rect.append(t);
    kids.push(rect);
  });
  svg.replaceChildren(...kids);
}

function fmt(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (v >= 100) return v.toFixed(0);
  if (v >= 1) return v.toFixed(1);
  return v.toFixed(3);
}

// ------------------------------------------------------------------ dashboard

/** Quantile from the difference of two cumulative bucket lists [[le, count]...] (le -1 = +Inf). */
function quantile(prev, cur, q) {
  if (!prev || !cur) return null;
  const before = new Map(prev.map(([le, c]) => [le, c]));
  const delta = cur.map(([le, c]) => [le, c - (before.get(le) || 0)]);
  const inf = delta.find(([le]) => le === -1);
  const total = inf ? inf[1] : (delta.length ? delta[delta.length - 1][1] : 0);
  if (total <= 0) return null;
  // linear inside the bucket, as PromQL's histogram_quantile does
  let lower = 0, below = 0;
  for (const [le, c] of delta.filter(([le]) => le !== -1).sort((a, b) => a[0] - b[0])) {
    if (c >= q * total) return c === below ? le : lower + (le - lower) * (q * total - below) / (c - below);
    lower = le; below = c;
  }
  return Infinity;
}

const ms = s => s === null ? '–' : s === Infinity ? '> max' : (s * 1000 >= 10 ? (s * 1000).toFixed(0) : (s * 1000).toFixed(2)) + ' ms';

async function dashboard() {
  const refresh = Number(document.body.dataset.refresh || localStorage.getItem('sb.refreshMs') || 5000);
  $('#refresh-secs').textContent = String(refresh / 1000);
  let prev = null;
  const rps = [], errs = [], p50 = [], p99 = [];
  const tick = async () => {
    const res = await api('GET', '/api/dashboard');
    showError($('#dashboard-error'), res);
    if (!res.ok) return;
    const cur = res.data;
    if (cur.relayDown) downServices.add('relay-service'); else downServices.delete('relay-service');
    if (cur.usageDown) downServices.add('auth-service (usage)'); else downServices.delete('auth-service (usage)');
    banner();
    if (cur.spendTodayUsd !== undefined) {
      $('#t-spend').textContent = money(cur.spendTodayUsd);
      $('#t-requests-today').textContent = cur.requestsToday + ' requests today';
    }
    if (prev && prev.relay && cur.relay) {
      const dt = (cur.at - prev.at) / 1000;
      const dReq = Math.max(0, cur.relay.requests - prev.relay.requests);
      const dErr = Math.max(0, cur.relay.errors - prev.relay.errors);
      const dFo = Math.max(0, cur.relay.failovers - prev.relay.failovers);
      const up50 = quantile(prev.relay.upstream, cur.relay.upstream, 0.5);
      const up99 = quantile(prev.relay.upstream, cur.relay.upstream, 0.99);
      $('#t-rps').textContent = fmt(dReq / dt);
      $('#t-errors').textContent = dReq ? (100 * dErr / dReq).toFixed(1) + ' %' : '0 %';
      $('#t-latency').textContent = ms(up50) + ' / ' + ms(up99);
      $('#t-overhead').textContent = ms(quantile(prev.relay.overhead, cur.relay.overhead, 0.5)) + ' / '
        + ms(quantile(prev.relay.overhead, cur.relay.overhead, 0.99));
      $('#t-failovers').textContent = fmt(dFo / dt);
      const push = (arr, v) => { arr.push({ y: v }); if (arr.length > 60) arr.shift(); };
      push(rps, dReq / dt); push(errs, dErr / dt);
      push(p50, up50 === null || up50 === Infinity ? 0 : up50 * 1000);
      push(p99, up99 === null || up99 === Infinity ? 0 : up99 * 1000);
      lineChart($('#chart-rps'), [{ name: 'requests/s', points: rps }, { name: 'errors/s', points: errs }]);
      lineChart($('#chart-latency'), [{ name: 'p50', points: p50 }, { name: 'p99', points: p99 }]);
    }
    prev = cur;
  };
  await tick();
  setInterval(tick, refresh);
}

// ------------------------------------------------------------------ catalog

async function providers() {
  let current = null;
  const load = async () => {
    const res = await listAll('/api/catalog/admin/providers');
    showError($('#providers-error'), res);
    if (!res.ok) return;
    fill($('#providers tbody'), res.items, p => cellsRow(
      h('a', { href: '#', class: 'provider-link', onclick: (e) => { e.preventDefault(); detail(p); } }, p.name),
      p.protocol, p.baseUrl, yesNo(p.enabled), num(p.keyCount), num(p.modelCount),
      p.timeouts ? p.timeouts.connectMs + ' / ' + p.timeouts.firstByteMs + ' / ' + p.timeouts.idleMs : '–',
      String((p.failoverRules || []).length),
      toggle(p.enabled, async () => {
        const r = await api('PATCH', '/api/catalog/admin/providers/' + p.id, { enabled: !p.enabled });
        showError($('#providers-error'), r); if (r.ok) load();
      })));
    if (current) {
      const again = res.items.find(p => p.id === current.id);
      if (again) detail(again);
    }
  };
  const loadKeys = async (p) => {
    const res = await listAll('/api/catalog/admin/providers/' + p.id + '/keys');
    showError($('#providers-error'), res);
    if (!res.ok) return;
    fill($('#provider-keys tbody'), res.items, k => {
      const actions = h('span', {});
      if (ADMIN) {
        actions.append(toggle(k.enabled, async () => {
          const r = await api('PATCH', '/api/catalog/admin/providers/' + p.id + '/keys/' + k.id, { enabled: !k.enabled });
          showError($('#providers-error'), r); if (r.ok) loadKeys(p);
        }), ' ', button('Rotate', () => {
          const input = h('input', { type: 'password', autocomplete: 'off', placeholder: 'new secret', class: 'rotate-secret' });
          const err = h('span', { class: 'error', hidden: true });
          const save = button('Save secret', async () => {
            const r = await api('PATCH', '/api/catalog/admin/providers/' + p.id + '/keys/' + k.id, { secret: input.value });
            showError(err, r); if (r.ok) loadKeys(p);
          });
          actions.replaceChildren(input, ' ', save, ' ', err);
          input.focus();
        }, 'ghost'));
      }
      return cellsRow(k.label, h('code', { class: 'masked' }, '••••' + (k.last4 || '')), num(k.weight), num(k.rpm), num(k.tpm),
        yesNo(k.enabled), k.dataKeyId || '–', actions);
    });
  };
  const detail = (p) => {
    current = p;
    $('#provider-detail').hidden = false;
    $('#pd-name').textContent = p.name;
    const tf = $('#timeouts-form');
    if (tf && p.timeouts) { tf.connectMs.value = p.timeouts.connectMs; tf.firstByteMs.value = p.timeouts.firstByteMs; tf.idleMs.value = p.timeouts.idleMs; }
    const rf = $('#rules-form');
    if (rf) rf.rules.value = JSON.stringify(p.failoverRules || [], null, 1);
    const rv = $('#rules-view');
    if (rv) rv.textContent = JSON.stringify(p.failoverRules || [], null, 1);
    loadKeys(p);
  };
  onSubmit($('#provider-form'), async (v) => {
    const r = await api('POST', '/api/catalog/admin/providers', v);
    if (r.ok) { await load(); detail(r.data); }
    return r;
  });
  onSubmit($('#key-form'), async (v) => {
    const r = await api('POST', '/api/catalog/admin/providers/' + current.id + '/keys', v);
    if (r.ok) load();
    return r;
  });
  const tf = $('#timeouts-form');
  if (tf) tf.addEventListener('submit', async (e) => {
    e.preventDefault();
    const r = await api('PATCH', '/api/catalog/admin/providers/' + current.id, { timeouts: formValues(tf) });
    showError($('.error', tf), r); if (r.ok) load();
  });
  const rf = $('#rules-form');
  if (rf) rf.addEventListener('submit', async (e) => {
    e.preventDefault();
    let rules;
    try { rules = JSON.parse(rf.rules.value || '[]'); } catch (x) { showError($('.error', rf), { ok: false, data: { detail: 'Failover rules must be a JSON array.' } }); return; }
    const r = await api('PATCH', '/api/catalog/admin/providers/' + current.id, { failoverRules: rules });
    showError($('.error', rf), r); if (r.ok) load();
  });
  await load();
}

async function models() {
  const load = async () => {
    const ps = await listAll('/api/catalog/admin/providers');
    showError($('#models-error'), ps);
    if (!ps.ok) return;
    const sel = $('#model-form select[name=provider]');
    if (sel) sel.replaceChildren(...ps.items.map(p => h('option', { value: p.id }, p.name)));
    const rows = [];
    for (const p of ps.items) {
      const ms = await listAll('/api/catalog/admin/providers/' + p.id + '/models');
      if (!ms.ok) { showError($('#models-error'), ms); continue; }
      rows.push(...ms.items.map(m => ({ p, m })));
    }
    fill($('#models tbody'), rows, ({ p, m }) => cellsRow(p.name, m.name,
      m.upstreamName !== m.name ? h('span', { class: 'translated', title: 'sent upstream as' }, '→ ' + m.upstreamName) : m.upstreamName,
      num(m.contextWindow), money(m.inputPricePerMTok), money(m.outputPricePerMTok), yesNo(m.enabled),
      h('span', {}, toggle(m.enabled, async () => {
        const r = await api('PATCH', '/api/catalog/admin/providers/' + p.id + '/models/' + m.id, { enabled: !m.enabled });
        showError($('#models-error'), r); if (r.ok) load();
      }), ' ', ADMIN ? button('Prices', (e) => {
        const tr = e.target.closest('tr');
        const inp = h('input', { type: 'number', step: 'any', min: '0', class: 'small price-in', value: m.inputPricePerMTok ?? '' });
        const out = h('input', { type: 'number', step: 'any', min: '0', class: 'small price-out', value: m.outputPricePerMTok ?? '' });
        tr.children[4].replaceChildren(inp); tr.children[5].replaceChildren(out);
        tr.children[7].replaceChildren(button('Save prices', async () => {
          const r = await api('PATCH', '/api/catalog/admin/providers/' + p.id + '/models/' + m.id, {
            inputPricePerMTok: inp.value === '' ? null : Number(inp.value), outputPricePerMTok: out.value === '' ? null : Number(out.value) });
          showError($('#models-error'), r); if (r.ok) load();
        }));
      }, 'ghost') : null)));
  };
  onSubmit($('#model-form'), async (v) => {
    const provider = v.provider; delete v.provider;
    const r = await api('POST', '/api/catalog/admin/providers/' + provider + '/models', v);
    if (r.ok) load();
    return r;
  });
  await load();
}

function deleteButton(url, errEl, reload) {
  return ADMIN ? button('Delete', async () => {
    if (!confirm('Delete? References are listed if something still uses it.')) return;
    const r = await api('DELETE', url);
    showError(errEl, r); if (r.ok) reload();
  }, 'danger') : null;
}

async function pools() {
  const load = async () => {
    const res = await listAll('/api/catalog/admin/pools');
    showError($('#pools-error'), res);
    if (!res.ok) return;
    const strategy = (p) => {
      if (!ADMIN) return p.strategy;
      const sel = h('select', { class: 'edit strategy', 'aria-label': 'strategy of ' + p.name,
        onchange: async () => {
          const r = await api('PATCH', '/api/catalog/admin/pools/' + p.id, { strategy: sel.value });
          showError($('#pools-error'), r); load();
        } }, ['priority', 'round_robin', 'weighted', 'quota_aware'].map(s => h('option', { selected: s === p.strategy }, s)));
      return sel;
    };
    fill($('#pools tbody'), res.items, p => cellsRow(p.name, strategy(p), yesNo(p.enabled),
      h('ol', { class: 'members' }, (p.members || []).map(m => h('li', {}, m.provider + '/' + m.model,
        h('span', { class: 'hint' }, ' priority ' + m.priority + ', weight ' + m.weight + (m.enabled ? '' : ', disabled'))))),
      deleteButton('/api/catalog/admin/pools/' + p.id, $('#pools-error'), load)));
  };
  onSubmit($('#pool-form'), async (v) => {
    const members = (v.members || '').split('\n').map(l => l.trim()).filter(Boolean).map((l, i) => {
      const slash = l.indexOf('/');
      return slash < 0 ? { model: l, priority: i } : { provider: l.slice(0, slash), model: l.slice(slash + 1), priority: i };
    });
    const r = await api('POST', '/api/catalog/admin/pools', { name: v.name, strategy: v.strategy, members });
    if (r.ok) load();
    return r;
  });
  await load();
}

async function clusters() {
  const load = async () => {
    const res = await listAll('/api/catalog/admin/clusters');
    showError($('#clusters-error'), res);
    if (!res.ok) return;
    fill($('#clusters tbody'), res.items, c => cellsRow(c.name, yesNo(c.enabled),
      h('ol', { class: 'members' }, (c.members || []).map(m => h('li', {}, m.name, h('span', { class: 'hint' }, ' ' + m.kind)))),
      deleteButton('/api/catalog/admin/clusters/' + c.id, $('#clusters-error'), load)));
  };
  onSubmit($('#cluster-form'), async (v) => {
    const r = await api('POST', '/api/catalog/admin/clusters', { name: v.name, members: csv(v.members).map(name => ({ name })) });
    if (r.ok) load();
    return r;
  });
  await load();
}

async function routes() {
  const load = async () => {
    const res = await listAll('/api/catalog/admin/routes');
    showError($('#routes-error'), res);
    if (!res.ok) return;
    fill($('#routes tbody'), res.items, r => cellsRow(h('code', {}, r.pattern), r.targetKind + ' ' + r.target,
      num(r.priority), yesNo(r.enabled), h('span', { class: 'hits' }, num(r.hits)),
      deleteButton('/api/catalog/admin/routes/' + r.id, $('#routes-error'), load)));
  };
  onSubmit($('#route-form'), async (v) => {
    const r = await api('POST', '/api/catalog/admin/routes', v);
    if (r.ok) load();
    return r;
  });
  // the explain box: live, debounced, the latest answer wins
  let timer = null, seq = 0;
  const explain = async () => {
    const key = $('#explain-key').value.trim(), model = $('#explain-model').value.trim();
    if (!key || !model) { $('#explain-result').hidden = true; showError($('#explain-error'), null); return; }
    const mine = ++seq;
    const res = await api('POST', '/api/explain', { key, model, protocol: $('#explain-protocol').value });
    if (mine !== seq) return;
    showError($('#explain-error'), res);
    if (!res.ok) { $('#explain-result').hidden = true; return; }
    const d = res.data;
    $('#explain-result').hidden = false;
    $('#explain-via').textContent = d.known ? (d.resolved_via || '–') : 'nothing: the name is unknown';
    // a group routing map replaces the name by its targets; without one the chain is the name itself
    const targets = d.targets || [];
    const overlaid = targets.length && !(targets.length === 1 && targets[0].toLowerCase() === String(d.model).toLowerCase());
    $('#explain-chain').replaceChildren(h('span', { class: 'step' }, d.model),
      overlaid ? h('span', { class: 'step' }, ' → ' + targets.join(', ')) : '');
    $('#explain-version').textContent = '(catalog version ' + d.catalog_version + ')';
    fill($('#explain-candidates tbody'), d.candidates || [], (c, i) => cellsRow(String(i + 1), c.provider,
      c.upstream_model && c.upstream_model !== c.model
        ? h('span', {}, c.model, h('span', { class: 'translated', title: 'model name translated for the upstream' }, ' → ' + c.upstream_model))
        : c.model,
      c.key || '–', c.via || '–', c.half_open ? h('span', { class: 'badge warn' }, 'half-open probe') : ''));
    fill($('#explain-skipped tbody'), d.skipped || [], s => h('tr', { class: 'skip' },
      [s.provider, s.model, s.key || '–', h('span', { class: 'badge' }, s.reason), s.detail || ''].map(c => h('td', {}, c ?? '–'))));
    load();
  };
  const later = () => { clearTimeout(timer); timer = setTimeout(explain, 300); };
  ['#explain-key', '#explain-model'].forEach(s => $(s).addEventListener('input', later));
  $('#explain-protocol').addEventListener('change', later);
  await load();
}

// ------------------------------------------------------------------ tenants

async function users() {
  const load = async () => {
    const res = await listAll('/api/auth/admin/users');
    showError($('#users-error'), res);
    if (!res.ok) return;
    fill($('#users tbody'), res.items, u => {
      const row = cellsRow(String(u.id), u.name, u.email, u.status, money(u.balanceUsd), num(u.concurrency), null);
      if (ADMIN) {
        const cell = row.lastChild;
        cell.append(button('Edit', () => {
          const bal = h('input', { type: 'number', step: 'any', value: u.balanceUsd ?? '', class: 'small', 'aria-label': 'balance' });
          const conc = h('input', { type: 'number', min: '1', value: u.concurrency ?? '', class: 'small', 'aria-label': 'concurrency' });
          const err = h('span', { class: 'error', hidden: true });
          row.children[4].replaceChildren(bal); row.children[5].replaceChildren(conc);
          cell.replaceChildren(button('Save', async () => {
            const r = await api('PATCH', '/api/auth/admin/users/' + u.id, {
              balanceUsd: bal.value === '' ? null : Number(bal.value), concurrency: conc.value === '' ? null : Number(conc.value) });
            showError(err, r); if (r.ok) load();
          }), ' ', err);
        }, 'ghost'), ' ', toggle(u.status === 'active', async () => {
          const r = await api('PATCH', '/api/auth/admin/users/' + u.id, { status: u.status === 'active' ? 'disabled' : 'active' });
          showError($('#users-error'), r); if (r.ok) load();
        }));
      }
      return row;
    });
  };
  onSubmit($('#user-form'), async (v) => {
    const r = await api('POST', '/api/auth/admin/users', v);
    if (r.ok) load();
    return r;
  });
  await load();
}

async function groups() {
  let current = null;
  const load = async () => {
    const res = await listAll('/api/auth/admin/groups');
    showError($('#groups-error'), res);
    if (!res.ok) return;
    fill($('#groups tbody'), res.items, g => cellsRow(String(g.id),
      h('a', { href: '#', class: 'group-link', onclick: (e) => { e.preventDefault(); detail(g); } }, g.name),
      g.platform, g.status, money(g.dailyLimitUsd) + ' / ' + money(g.weeklyLimitUsd) + ' / ' + money(g.monthlyLimitUsd),
      list(g.allowedModels), Object.keys(g.modelRouting || {}).length + ' patterns' + (g.modelRoutingEnabled ? '' : ' (off)'),
      h('a', { href: '#', onclick: (e) => { e.preventDefault(); detail(g); } }, ADMIN ? 'Edit' : 'View')));
  };
  const row = (pattern, targets) => h('tr', {},
    h('td', {}, ADMIN ? h('input', { class: 'pattern', value: pattern, placeholder: 'gpt-4o*' }) : h('code', {}, pattern)),
    h('td', {}, ADMIN ? h('input', { class: 'targets wide', value: targets.join(', '), placeholder: 'coding-fast, provider:mock' }) : targets.join(' → ')),
    h('td', {}, ADMIN ? button('Remove', (e) => e.target.closest('tr').remove(), 'ghost') : null));
  const detail = (g) => {
    current = g;
    $('#group-detail').hidden = false;
    $('#gd-name').textContent = g.name;
    const lf = $('#limits-form');
    for (const f of ['dailyLimitUsd', 'weeklyLimitUsd', 'monthlyLimitUsd']) { lf[f].value = g[f] ?? ''; lf[f].disabled = !ADMIN; }
    $('#routing-enabled').checked = !!g.modelRoutingEnabled;
    $('#routing-enabled').disabled = !ADMIN;
    fill($('#routing-map tbody'), Object.entries(g.modelRouting || {}), ([p, t]) => row(p, t));
    $('#routing-ok').hidden = true;
    showError($('#routing-error'), null);
  };
  if (ADMIN) {
    $('#routing-add').addEventListener('click', () => $('#routing-map tbody').append(row('', [])));
    $('#routing-save').addEventListener('click', async () => {
      const map = {};
      for (const tr of $('#routing-map tbody').children) {
        const p = $('.pattern', tr).value.trim();
        if (p) map[p] = csv($('.targets', tr).value);
      }
      const r = await api('PATCH', '/api/auth/admin/groups/' + current.id, { modelRouting: map, modelRoutingEnabled: $('#routing-enabled').checked });
      showError($('#routing-error'), r);
      $('#routing-ok').hidden = !r.ok;
      if (r.ok) { current = r.data; load(); }
    });
    $('#limits-form').addEventListener('submit', async (e) => {
      e.preventDefault();
      const lf = $('#limits-form'), body = {};
      for (const f of ['dailyLimitUsd', 'weeklyLimitUsd', 'monthlyLimitUsd']) body[f] = lf[f].value === '' ? null : Number(lf[f].value);
      const r = await api('PATCH', '/api/auth/admin/groups/' + current.id, body);
      showError($('.error', lf), r); if (r.ok) { current = r.data; load(); }
    });
  }
  onSubmit($('#group-form'), async (v) => {
    const r = await api('POST', '/api/auth/admin/groups', v);
    if (r.ok) load();
    return r;
  });
  await load();
}

async function keys() {
  const names = { users: new Map(), groups: new Map() };
  const loadRefs = async () => {
    const [us, gs] = await Promise.all([listAll('/api/auth/admin/users'), listAll('/api/auth/admin/groups')]);
    if (us.ok) us.items.forEach(u => names.users.set(u.id, u.name));
    if (gs.ok) gs.items.forEach(g => names.groups.set(g.id, g.name));
    const f = $('#tenant-key-form');
    if (f) {
      if (us.ok) f.userId.replaceChildren(...us.items.map(u => h('option', { value: u.id }, u.name + ' <' + u.email + '>')));
      if (gs.ok) f.groupId.replaceChildren(...gs.items.map(g => h('option', { value: g.id }, g.name)));
    }
  };
  const load = async () => {
    const res = await listAll('/api/auth/admin/keys');
    showError($('#keys-error'), res);
    if (!res.ok) return;
    fill($('#tenant-keys tbody'), res.items, k => {
      const actions = [];
      if (ADMIN && k.status !== 'revoked') {
        actions.push(toggle(k.status === 'active', async () => {
          const r = await api('POST', '/api/auth/admin/keys/' + k.id + (k.status === 'active' ? '/disable' : '/enable'));
          showError($('#keys-error'), r); if (r.ok) load();
        }), ' ', button('Revoke', async () => {
          if (!confirm('Revoke key ' + k.name + '? A revoked key never works again.')) return;
          const r = await api('POST', '/api/auth/admin/keys/' + k.id + '/revoke');
          showError($('#keys-error'), r); if (r.ok) load();
        }, 'danger'), ' ', button('Expiry / IPs', (e) => {
          const tr = e.target.closest('tr');
          const exp = h('input', { type: 'datetime-local', class: 'key-expiry', value: k.expiresAt ? new Date(k.expiresAt).toISOString().slice(0, 16) : '' });
          const allow = h('input', { class: 'key-allow', placeholder: 'allow CIDRs', value: (k.ipAllow || []).join(', ') });
          const deny = h('input', { class: 'key-deny', placeholder: 'deny CIDRs', value: (k.ipDeny || []).join(', ') });
          tr.children[6].replaceChildren(exp); tr.children[7].replaceChildren(allow, deny);
          tr.children[9].replaceChildren(button('Save', async () => {
            const r = await api('PATCH', '/api/auth/admin/keys/' + k.id, {
              expiresAt: exp.value ? new Date(exp.value + 'Z').toISOString() : null, ipAllow: csv(allow.value), ipDeny: csv(deny.value) });
            showError($('#keys-error'), r); if (r.ok) load();
          }));
        }, 'ghost'));
      }
      return cellsRow(String(k.id), k.name, h('code', {}, k.keyPrefix + '…'), names.users.get(k.userId) || String(k.userId),
        names.groups.get(k.groupId) || String(k.groupId), h('span', { class: 'badge status-' + k.status }, k.status),
        k.expiresAt ? new Date(k.expiresAt).toISOString().slice(0, 16).replace('T', ' ') : 'never',
        list(k.ipAllow) + ' / ' + list(k.ipDeny), k.lastUsedAt ? new Date(k.lastUsedAt).toISOString().slice(0, 19).replace('T', ' ') : '–',
        h('span', {}, actions));
    });
  };
  onSubmit($('#tenant-key-form'), async (v) => {
    const body = { name: v.name, userId: Number(v.userId), groupId: Number(v.groupId) };
    if (v.expiresAt) body.expiresAt = new Date(v.expiresAt + 'Z').toISOString(); // the form is in UTC
    if (v.rpmLimit) body.rpmLimit = v.rpmLimit;
    if (v.ipAllow) body.ipAllow = csv(v.ipAllow);
    if (v.ipDeny) body.ipDeny = csv(v.ipDeny);
    const r = await api('POST', '/api/auth/admin/keys', body);
    if (r.ok) {
      // shown once: it lives in this element only until the operator dismisses it or leaves the page
      $('#new-key').textContent = r.data.key;
      $('#new-key-box').hidden = false;
      $('#copied').hidden = true;
      load();
    }
    return r;
  });
  if (ADMIN) {
    $('#copy-key').addEventListener('click', async () => {
      const text = $('#new-key').textContent;
      try { await navigator.clipboard.writeText(text); } catch (e) {
        const range = document.createRange(); range.selectNodeContents($('#new-key'));
        const sel = getSelection(); sel.removeAllRanges(); sel.addRange(range); document.execCommand('copy');
      }
      $('#copied').hidden = false;
    });
    $('#new-key-done').addEventListener('click', () => { $('#new-key').textContent = ''; $('#new-key-box').hidden = true; });
  }
  await loadRefs();
  await load();
}

// ------------------------------------------------------------------ operations

async function usage() {
  const form = $('#usage-form');
  const today = new Date();
  const from = new Date(today.getTime() - 29 * 86400000);
  form.from.value = from.toISOString().slice(0, 10);
  const show = async () => {
    const v = formValues(form);
    const q = new URLSearchParams({ groupBy: v.groupBy || 'day' });
    if (v.from) q.set('from', v.from);
    if (v.to) q.set('to', v.to);
    $('#usage-csv').href = '/export/usage.csv?' + q;
    $('#usage-by').textContent = (v.groupBy || 'day').replace(/^./, c => c.toUpperCase());
    const res = await api('GET', '/api/auth/admin/usage?' + q);
    showError($('#usage-error'), res);
    if (!res.ok) return;
    const rows = res.data.rows || [];
    fill($('#usage tbody'), rows, r => cellsRow(r.key, num(r.requests), num(r.promptTokens), num(r.completionTokens), money(r.costUsd)));
    const t = res.data.totals || {};
    $('#u-requests').textContent = num(t.requests); $('#u-prompt').textContent = num(t.promptTokens);
    $('#u-completion').textContent = num(t.completionTokens); $('#u-cost').textContent = money(t.costUsd);
    barChart($('#chart-usage'), rows.map(r => ({ label: r.key, value: Number(r.costUsd) || 0 })));
  };
  form.addEventListener('submit', (e) => { e.preventDefault(); show(); });
  await show();
}

async function cooldowns() {
  const load = async () => {
    const res = await api('GET', '/api/relay/admin/cooldowns');
    showError($('#cooldowns-error'), res);
    if (!res.ok) return;
    const items = Array.isArray(res.data) ? res.data : [];
    $('#cooldowns-empty').hidden = items.length > 0;
    fill($('#cooldowns tbody'), items, c => cellsRow(h('code', {}, c.scope), c.scopeKind,
      h('span', { class: 'badge ' + (c.state === 'cooling' ? 'warn' : '') }, c.state), c.reason || '–',
      new Date(c.untilEpochMs).toISOString().slice(11, 19) + ' UTC', num(c.secondsLeft), num(c.strikes), c.replica || '–',
      ADMIN ? button('Clear', async () => {
        const r = await api('DELETE', '/api/relay/admin/cooldowns/' + c.scope.split('/').map(encodeURIComponent).join('/'));
        showError($('#cooldowns-error'), r); if (r.ok) load();
      }) : null));
  };
  await load();
  setInterval(load, Number(document.body.dataset.refresh || 3000));
}

const pages = { dashboard, providers, models, pools, clusters, routes, users, groups, keys, usage, cooldowns };
const page = pages[document.body.dataset.page];
if (page) page();
