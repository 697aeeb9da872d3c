// Funding per region: one page over the public GraphQL API (POST /graphql), no libraries.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const state = { level: 'LANDSDEEL', scheme: '', from: '', to: '', measure: 'AWARDED', placement: 'STATED_AND_PROGRAMME' };
  const KEYS = Object.keys(state);
  const BUCKETS = { unsplit: 'Niet te verdelen', outsideLevel: 'Buiten dit niveau', unallocated: 'Niet toegewezen' };
  const euro = new Intl.NumberFormat('nl-NL', { style: 'currency', currency: 'EUR' });
  let labels = {};
  let request = 0;

  async function gql(query, variables) {
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = await response.json();
    if (body.errors && body.errors.length) throw new Error(body.errors.map((e) => e.message).join('; '));
    return body.data;
  }

  // Money comes as a decimal string ("1234567.89"): the integer part is formatted as a BigInt and
  // the cents are copied from the string, so no amount goes through a float.
  function money(decimal) {
    const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(decimal));
    if (!m) return String(decimal);
    const negative = m[1] === '-';
    const whole = BigInt(m[2]);
    const cents = ((m[3] || '') + '00').slice(0, 2);
    const parts = euro.formatToParts(negative ? -whole - (whole === 0n ? 1n : 0n) : whole);
    return parts.map((p) => {
      if (p.type === 'fraction') return cents;
      if (p.type === 'integer' && whole === 0n) return '0';
      return p.value;
    }).join('');
  }

  function readUrl() {
    const params = new URLSearchParams(location.search);
    for (const k of KEYS) if (params.has(k)) state[k] = params.get(k);
  }
  function writeUrl() {
    const params = new URLSearchParams();
    for (const k of KEYS) if (state[k]) params.set(k, state[k]);
    history.replaceState(null, '', '?' + params.toString());
  }

  function options(select, pairs) {
    for (const [value, text] of pairs) {
      const o = document.createElement('option');
      o.value = value;
      o.textContent = text;
      select.appendChild(o);
    }
  }

  function filter() {
    const f = {};
    if (state.scheme) f.scheme = [state.scheme];
    const year = {};
    if (/^\d{4}$/.test(state.from)) year.from = Number(state.from);
    if (/^\d{4}$/.test(state.to)) year.to = Number(state.to);
    if (year.from !== undefined || year.to !== undefined) f.year = year;
    return f;
  }

  const MATRIX = `query Page($rows: RegionScheme!, $measure: FundingMeasure!, $filter: FundingFilter, $placement: Placement!) {
    fundingMatrix(rows: $rows, columns: YEAR, measure: $measure, filter: $filter, placement: $placement) {
      regions { region { id name } total { amount { amount } fundingCount } }
      unsplit { total { amount { amount } fundingCount } }
      outsideLevel { total { amount { amount } fundingCount } }
      unallocated { total { amount { amount } fundingCount } }
      grandTotal { amount }
    }
  }`;

  async function load() {
    writeUrl();
    const mine = ++request;
    $('status').textContent = 'Laden…';
    let data;
    try {
      data = await gql(MATRIX, { rows: state.level, measure: state.measure, filter: filter(), placement: state.placement });
    } catch (e) {
      if (mine === request) $('status').textContent = 'Fout: ' + e.message;
      return;
    }
    if (mine !== request) return;
    const m = data.fundingMatrix;
    const rows = m.regions.map((r) => ({ key: r.region.id, name: r.region.name, amount: r.total.amount.amount, count: r.total.fundingCount, region: true }));
    for (const b of Object.keys(BUCKETS)) rows.push({ key: b, name: BUCKETS[b], amount: m[b].total.amount.amount, count: m[b].total.fundingCount });
    const count = rows.reduce((n, r) => n + r.count, 0);
    rows.push({ key: 'grandTotal', name: 'Totaal', amount: m.grandTotal.amount, count, total: true });
    const title = (labels['FundingMeasure.' + state.measure] || state.measure) + ' per ' + (labels['RegionScheme.' + state.level] || state.level).toLowerCase();
    $('caption').textContent = title;
    renderTable(rows);
    renderChart(rows.filter((r) => r.region), title);
    $('status').textContent = m.regions.length + ' regio’s';
    document.body.dataset.loaded = String(request);
  }

  function activate(el, row) {
    el.tabIndex = 0;
    el.setAttribute('role', 'button');
    el.setAttribute('aria-label', row.name + ': ' + money(row.amount));
    el.dataset.region = row.key;
    el.addEventListener('click', () => detail(row));
    el.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); detail(row); }
    });
  }

  function renderTable(rows) {
    const body = $('table').tBodies[0];
    body.textContent = '';
    for (const row of rows) {
      const tr = document.createElement('tr');
      tr.dataset.key = row.key;
      tr.className = row.total ? 'total' : row.region ? 'region' : 'bucket';
      for (const [text, cls] of [[row.name, ''], [money(row.amount), 'num amount'], [String(row.count), 'num count']]) {
        const td = document.createElement('td');
        td.textContent = text;
        if (cls) td.className = cls;
        tr.appendChild(td);
      }
      tr.cells[1].dataset.amount = row.amount;
      if (row.region) activate(tr, row);
      body.appendChild(tr);
    }
  }

  const SVG = 'http://www.w3.org/2000/svg';
  function svg(name, attrs) {
    const el = document.createElementNS(SVG, name);
    for (const k in attrs) el.setAttribute(k, attrs[k]);
    return el;
  }
  // Bar lengths only are proportions (floats are fine there); every figure shown is the string.
  function renderChart(rows, title) {
    const chart = $('chart');
    chart.textContent = '';
    chart.setAttribute('aria-label', title);
    const height = 22;
    const gap = 6;
    const top = rows.reduce((x, r) => Math.max(x, Number(r.amount)), 0) || 1;
    chart.setAttribute('viewBox', '0 0 600 ' + Math.max(40, rows.length * (height + gap)));
    rows.forEach((row, i) => {
      const y = i * (height + gap);
      const g = svg('g', { class: 'bar-group' });
      const t = svg('title', {});
      t.textContent = row.name + ': ' + money(row.amount);
      g.appendChild(t);
      const name = svg('text', { x: 0, y: y + 16 });
      name.textContent = row.name.length > 22 ? row.name.slice(0, 21) + '…' : row.name;
      g.appendChild(name);
      const width = Math.max(Number(row.amount) > 0 ? 1 : 0, (Number(row.amount) / top) * 250);
      g.appendChild(svg('rect', { class: 'bar', x: 170, y, width, height }));
      const value = svg('text', { x: 175 + width, y: y + 16 });
      value.textContent = money(row.amount);
      g.appendChild(value);
      activate(g, row);
      chart.appendChild(g);
    });
  }

  const FUNDINGS = `query Region($filter: FundingFilter) {
    fundings(first: 20, filter: $filter) {
      totalCount
      nodes {
        key amountAwarded { amount } coFinancing { amount }
        scheme { name } recipient { name }
        sources { document locator }
        programme { name sources { document locator } }
      }
    }
  }`;

  function sourcesText(sources) {
    return sources.length ? 'Bronnen: ' + sources.map((s) => s.document + (s.locator ? ' ' + s.locator : '')).join(', ') : 'Geen bron vermeld';
  }

  async function detail(row) {
    const section = $('detail');
    section.hidden = false;
    $('detail-title').textContent = row.name + ': financieringen';
    const list = $('detail-list');
    list.textContent = '';
    const f = filter();
    f.region = row.key;
    f.placement = state.placement;
    let data;
    try {
      data = await gql(FUNDINGS, { filter: f });
    } catch (e) {
      list.textContent = 'Fout: ' + e.message;
      return;
    }
    const c = data.fundings;
    $('detail-title').textContent = row.name + ': ' + c.totalCount + ' financiering(en)' + (c.totalCount > 20 ? ', de eerste 20' : '');
    for (const n of c.nodes) {
      const li = document.createElement('li');
      li.className = 'funding';
      const head = document.createElement('strong');
      head.textContent = n.key + ': ' + money(n.amountAwarded.amount) + (n.coFinancing ? ' (cofinanciering ' + money(n.coFinancing.amount) + ')' : '');
      li.appendChild(head);
      const lines = [];
      if (n.scheme) lines.push('Regeling: ' + n.scheme.name);
      if (n.recipient) lines.push('Ontvanger: ' + n.recipient.name);
      lines.push(sourcesText(n.sources));
      if (n.programme) lines.push('Programma: ' + n.programme.name + ' (' + sourcesText(n.programme.sources) + ')');
      for (const text of lines) {
        const div = document.createElement('div');
        div.className = text.startsWith('Bron') || text.startsWith('Geen') ? 'sources' : '';
        div.textContent = text;
        li.appendChild(div);
      }
      list.appendChild(li);
    }
    if (!c.nodes.length) list.textContent = 'Geen financieringen.';
  }

  async function start() {
    readUrl();
    const data = await gql(`{ vocabulary { enum value labelNl } fundingSchemes(first: 100) { nodes { id name } } }`);
    for (const t of data.vocabulary) labels[t.enum + '.' + t.value] = t.labelNl;
    const pick = (en) => data.vocabulary.filter((t) => t.enum === en).map((t) => [t.value, t.labelNl]);
    options($('level'), pick('RegionScheme'));
    options($('measure'), pick('FundingMeasure'));
    options($('placement'), pick('Placement'));
    options($('scheme'), data.fundingSchemes.nodes.map((s) => [s.id, s.name]));
    for (const k of KEYS) {
      const el = $(k);
      el.value = state[k];
      el.addEventListener('change', () => { state[k] = el.value; $('detail').hidden = true; load(); });
    }
    document.getElementById('controls').addEventListener('submit', (e) => e.preventDefault());
    await load();
  }
  start().catch((e) => { $('status').textContent = 'Fout: ' + e.message; });
})();
