// The execplan dashboard page: plain browser JavaScript, no build step and no network beyond this server.
// It draws the plan once (/api/plan), then redraws states from the server's event stream (/api/events).
(() => {
  'use strict';
  const token = new URLSearchParams(location.search).get('token') || '';
  const q = (path, extra = '') => `${path}?token=${encodeURIComponent(token)}${extra}`;
  const $ = (id) => document.getElementById(id);
  const svgNs = 'http://www.w3.org/2000/svg';
  const el = (name, attrs = {}, parent) => {
    const node = document.createElementNS(svgNs, name);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (parent) parent.appendChild(node);
    return node;
  };
  const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
  const states = ['running', 'ready', 'pending', 'waiting', 'blocked', 'failed', 'interrupted', 'stopped', 'done', 'fresh', 'skipped', 'cancelled'];
  const W = 170,
    H = 44,
    GX = 60,
    GY = 22,
    PAD = 30;
  let shape = null,
    live = null,
    selected = null,
    log = { task: null, attempt: null, offset: -1, timer: null };

  const toast = (message, ok) => {
    const t = $('toast');
    t.textContent = message;
    t.className = ok ? 'show' : 'show error';
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => (t.className = ''), 4000);
  };

  async function act(action, task) {
    const res = await fetch(q('/api/control'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action, task }) });
    const answer = await res.json();
    toast(answer.message, answer.ok);
  }

  function drawGraph() {
    const svg = $('graph');
    svg.innerHTML = '';
    const defs = el('defs', {}, svg);
    const marker = el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' }, defs);
    el('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#888' }, marker);
    const pos = new Map();
    let maxLayer = 0,
      maxRow = 0;
    for (const t of shape.tasks) {
      pos.set(t.id, { x: PAD + t.layer * (W + GX), y: PAD + 14 + t.row * (H + GY) });
      maxLayer = Math.max(maxLayer, t.layer);
      maxRow = Math.max(maxRow, t.row);
    }
    const width = PAD * 2 + (maxLayer + 1) * (W + GX),
      height = PAD * 2 + 14 + (maxRow + 1) * (H + GY);
    svg.setAttribute('width', width);
    svg.setAttribute('height', height);
    // Phases as bands over the columns their tasks occupy.
    for (const phase of shape.phases) {
      const layers = shape.tasks.filter((t) => t.phase === phase.id).map((t) => t.layer);
      if (!layers.length) continue;
      const x0 = PAD + Math.min(...layers) * (W + GX) - 10,
        x1 = PAD + Math.max(...layers) * (W + GX) + W + 10;
      el('rect', { class: 'phase-band', x: x0, y: 4, width: x1 - x0, height: height - 8, rx: 6 }, svg);
      el('text', { class: 'phase-label', x: x0 + 6, y: 18 }, svg).textContent = `phase ${phase.id}`;
    }
    const critical = new Set(shape.tasks.filter((t) => t.critical).map((t) => t.id));
    for (const [from, to] of shape.edges) {
      const a = pos.get(from),
        b = pos.get(to);
      if (!a || !b) continue;
      const x1 = a.x + W,
        y1 = a.y + H / 2,
        x2 = b.x,
        y2 = b.y + H / 2,
        mx = (x1 + x2) / 2;
      el('path', { class: `edge${critical.has(from) && critical.has(to) ? ' critical' : ''}`, d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}` }, svg);
    }
    for (const t of shape.tasks) {
      const p = pos.get(t.id);
      const g = el('g', { class: `node${t.critical ? ' critical' : ''}`, 'data-task': t.id, transform: `translate(${p.x},${p.y})` }, svg);
      el('rect', { width: W, height: H, fill: 'var(--pending)' }, g);
      el('text', { x: 8, y: 17, 'font-weight': 600 }, g).textContent = t.id.length > 22 ? `${t.id.slice(0, 21)}…` : t.id;
      el('text', { x: 8, y: 34, class: 'sub' }, g).textContent = [t.stream ? `stream ${t.stream}` : t.kind, t.gate ? 'gate' : ''].filter(Boolean).join(' · ');
      el('title', {}, g).textContent = `${t.id}: ${t.title}${t.critical ? ' (critical path)' : ''}`;
      g.addEventListener('click', () => select(t.id));
    }
    $('legend').innerHTML =
      states.map((s) => `<span class="count"><span class="swatch" style="background:var(--${s})"></span>${s}</span>`).join(' ') +
      ' · <span class="count"><span class="swatch" style="border:2px solid #b00020"></span>critical path</span>' +
      (shape.streams.length ? ` · streams: ${shape.streams.map((s) => esc(s.name)).join(', ')}` : '');
  }

  function paint() {
    if (!shape || !live) return;
    $('run').textContent = live.runId
      ? `run ${live.runId} · ${live.active ? `active (pid ${live.pid})` : `not active${live.lastOutcome ? `, last outcome: ${live.lastOutcome}` : ''}`}${live.paused ? ' · paused' : ''}`
      : 'no run yet';
    $('pause').disabled = live.paused;
    $('resume').disabled = !live.paused;
    $('stop').disabled = !live.active;
    // Limits hold whole agent profiles back: said once, above the graph, as `execplan status` says them.
    $('limits').innerHTML = (live.limits || []).map((line) => `<li>${esc(line)}</li>`).join('');
    $('bar').style.width = `${live.total ? (100 * live.finished) / live.total : 0}%`;
    $('counts').innerHTML =
      `<span class="count"><b>${live.finished}/${live.total}</b>&nbsp;finished</span>` +
      states
        .filter((s) => live.counts[s])
        .map((s) => `<span class="count" data-count="${s}"><span class="swatch" style="background:var(--${s})"></span>${s} ${live.counts[s]}</span>`)
        .join('');
    const byId = new Map(live.tasks.map((t) => [t.id, t]));
    for (const g of document.querySelectorAll('.node')) {
      const t = byId.get(g.dataset.task);
      const status = t ? t.status : 'pending';
      g.setAttribute('data-status', status);
      g.classList.remove(...states);
      g.classList.add(status);
      g.classList.toggle('selected', g.dataset.task === selected);
      g.querySelector('rect').setAttribute('fill', `var(--${status})`);
    }
    drawTimeline(byId);
    if (selected) panel(byId.get(selected));
  }

  function drawTimeline(byId) {
    const svg = $('timeline');
    svg.innerHTML = '';
    const rows = [...shape.tasks].sort((a, b) => a.start - b.start || a.id.localeCompare(b.id));
    const labelW = 170,
      width = Math.max(600, $('timeline-box').clientWidth - 24),
      barW = width - labelW - 10,
      rowH = 18;
    svg.setAttribute('width', width);
    svg.setAttribute('height', rows.length * rowH + 24);
    const starts = live.tasks.flatMap((t) => t.attempts.map((a) => Date.parse(a.startedAt)));
    const t0 = starts.length ? Math.min(...starts) : Date.now();
    const ends = live.tasks.flatMap((t) => t.attempts.map((a) => (a.endedAt ? Date.parse(a.endedAt) : Date.now())));
    const span = Math.max(1000, (ends.length ? Math.max(...ends) : Date.now()) - t0);
    const plannedSpan = shape.makespanHours || 1;
    el('text', { x: labelW, y: 12, class: 'lane-label' }, svg).textContent =
      `grey: planned (${plannedSpan.toFixed(1)} h) · colour: actual (${(span / 1000).toFixed(1)} s since the first start)`;
    rows.forEach((t, i) => {
      const y = 20 + i * rowH;
      el('text', { x: 0, y: y + 11, class: 'lane-label' }, svg).textContent = t.id.length > 26 ? `${t.id.slice(0, 25)}…` : t.id;
      el('rect', { x: labelW + (barW * t.start) / plannedSpan, y, width: Math.max(2, (barW * (t.finish - t.start)) / plannedSpan), height: 6, fill: '#cfcfcf' }, svg);
      const live = byId.get(t.id);
      for (const a of live ? live.attempts : []) {
        const s = Date.parse(a.startedAt) - t0,
          e = (a.endedAt ? Date.parse(a.endedAt) : Date.now()) - t0;
        el(
          'rect',
          { x: labelW + (barW * s) / span, y: y + 7, width: Math.max(2, (barW * (e - s)) / span), height: 7, fill: `var(--${a.status === 'running' ? 'running' : a.status})` },
          svg,
        );
      }
    });
  }

  function panel(t) {
    const def = shape.tasks.find((x) => x.id === selected);
    if (!def) return;
    const status = t ? t.status : 'pending';
    const attempts = t ? t.attempts : [];
    const rowsHtml = attempts
      .map(
        (a) =>
          `<tr><td>${a.n}</td><td>${esc(a.status)}</td><td>${esc(a.startedAt.slice(11, 19))}</td><td>${a.endedAt ? `${((Date.parse(a.endedAt) - Date.parse(a.startedAt)) / 1000).toFixed(1)} s` : '…'}</td><td>${esc(a.reason ?? '')}</td></tr>`,
      )
      .join('');
    const agent =
      t && t.agent
        ? `<h3>Agent</h3><p>${esc(t.agent.summary ?? '(no final message)')}</p><p class="muted">tokens in ${t.agent.usage.inputTokens} · out ${t.agent.usage.outputTokens} · cached ${t.agent.usage.cacheReadTokens}${t.agent.usage.costUsd !== null ? ` · $${t.agent.usage.costUsd.toFixed(4)}` : ''}</p>`
        : '';
    const head = `<h2>${esc(def.id)}</h2><p>${esc(def.title)}</p>
      <p><span class="status" data-status="${status}" style="background:var(--${status})">${status}</span>
      ${def.critical ? ' · <b>critical path</b>' : ''}${def.phase ? ` · phase ${esc(def.phase)}` : ''}${def.stream ? ` · stream ${esc(def.stream)}` : ''} · ${esc(def.kind)}</p>
      ${t && t.waiting ? `<p class="waiting">waits: ${esc(t.waiting)}</p>` : ''}
      ${t && t.forced ? `<p class="muted">${esc(t.forced)}</p>` : ''}
      <div class="actions">
        ${def.gate === 'approve' ? `<button data-action="approve" ${t && t.approved ? 'disabled' : ''}>${t && t.approved ? 'Approved' : 'Approve'}</button>` : ''}
        ${status === 'running' ? '<button data-action="stop">Stop</button>' : ''}<button data-action="retry">Retry</button><button data-action="skip">Skip</button>
      </div>
      <h3>Attempts (${attempts.length})</h3>
      ${attempts.length ? `<table><tr><th>#</th><th>status</th><th>start</th><th>took</th><th>reason</th></tr>${rowsHtml}</table>` : '<p class="muted">none yet</p>'}
      ${agent}<h3>Log</h3>`;
    const p = $('panel');
    let headBox = p.querySelector('#panel-head');
    if (!headBox) {
      p.innerHTML = '<div id="panel-head"></div><pre id="log"></pre>';
      headBox = p.querySelector('#panel-head');
    }
    if (headBox.innerHTML !== head) {
      headBox.innerHTML = head;
      for (const b of headBox.querySelectorAll('button[data-action]')) b.addEventListener('click', () => act(b.dataset.action, selected));
    }
    const last = attempts.length ? attempts[attempts.length - 1].n : null;
    if (log.task !== selected || log.attempt !== last) {
      log = { ...log, task: selected, attempt: last, offset: -1 };
      $('log').textContent = last === null ? '' : '';
      followLog();
    }
  }

  async function followLog() {
    clearTimeout(log.timer);
    const { task, attempt } = log;
    if (task === null || attempt === null) return;
    try {
      const res = await fetch(q('/api/log', `&task=${encodeURIComponent(task)}&attempt=${attempt}&offset=${log.offset}`));
      const got = await res.json();
      if (log.task !== task || log.attempt !== attempt) return;
      const pre = $('log');
      const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
      if (got.text) pre.textContent += got.text;
      // Keep the page light: the panel shows the last 200 KB; `execplan logs` has the whole file.
      if (pre.textContent.length > 200_000) pre.textContent = pre.textContent.slice(-150_000);
      if (atBottom) pre.scrollTop = pre.scrollHeight;
      log.offset = got.offset;
    } catch {
      // the server is gone or busy: try again below
    }
    const t = live && live.tasks.find((x) => x.id === task);
    log.timer = setTimeout(followLog, t && t.status === 'running' ? 500 : 3000);
  }

  function select(id) {
    selected = id;
    paint();
  }

  for (const b of document.querySelectorAll('[data-run-action]')) b.addEventListener('click', () => act(b.dataset.runAction, null));

  fetch(q('/api/plan'))
    .then((r) => r.json())
    .then((plan) => {
      shape = plan;
      $('title').textContent = plan.title;
      document.title = `${plan.title} · execplan`;
      drawGraph();
      const events = new EventSource(q('/api/events'));
      events.onmessage = (e) => {
        live = JSON.parse(e.data);
        document.body.dataset.seq = String(live.journalSeq);
        paint();
      };
    });
})();
