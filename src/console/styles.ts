/** The console's one stylesheet, served by the Worker (`/console/console.css`), so pages load nothing else. */
export const CONSOLE_CSS = `
/* Each palette's text colours (--ok and --warn for status text too) keep 4.5:1 on its own panels (WCAG 1.4.3): the dark one's are lighter. */
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #f6f8fa; --panel: #fff; --code: #eff2f5; --accent: #0b63ce; --accent-fg: #fff; --danger: #b42318; --danger-bg: #fef3f2; --danger-fg: #fff; --ok: #1a7f37; --warn: #9a6700; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9da7b3; --line: #30363d; --bg: #0d1117; --panel: #161b22; --code: #21262d; --accent: #4c9aff; --accent-fg: #0d1117; --danger: #ff7b72; --danger-bg: #2d1214; --danger-fg: #0d1117; --ok: #3fb950; --warn: #d29922; } }
* { box-sizing: border-box; }
html, body { margin: 0; min-height: 100%; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
code { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; background: var(--code); padding: 1px 4px; border-radius: 4px; overflow-wrap: anywhere; }
h1 { font-size: 22px; line-height: 1.25; margin: 0 0 1rem; overflow-wrap: anywhere; }
button, input { font: inherit; }
button { cursor: pointer; border: 1px solid transparent; border-radius: 6px; padding: .5rem 1rem; font-weight: 600; background: var(--accent); color: var(--accent-fg); }
/* Whatever the keyboard focuses shows it (WCAG 2.4.7); main takes the skip link's focus without a frame around the page. */
:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
main:focus { outline: none; }
.skip { position: absolute; left: .5rem; top: -10rem; z-index: 10; padding: .5rem 1rem; border-radius: 6px; background: var(--panel); color: var(--accent); font-weight: 600; border: 1px solid var(--line); }
.skip:focus { top: .5rem; }
.brand { font-weight: 700; font-size: 17px; letter-spacing: .01em; color: var(--fg); text-decoration: none; margin: 0; }
.error { color: var(--danger); background: var(--danger-bg); border: 1px solid var(--danger); border-radius: 6px; padding: .5rem .75rem; }
.hint { color: var(--muted); font-size: 13px; margin-bottom: 0; }

/* Signed out: one centered card. */
.card { max-width: 24rem; margin: 12vh auto 2rem; padding: 2rem; background: var(--panel); border: 1px solid var(--line); border-radius: 10px; box-shadow: 0 1px 3px rgba(0,0,0,.06); }
.card .brand { margin-bottom: 1.25rem; }
.card form { display: grid; gap: .5rem; margin: 1rem 0; }
.card label { font-weight: 600; font-size: 14px; }
.card input { width: 100%; padding: .55rem .7rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); }
.card button { margin-top: .5rem; }
@media (max-width: 480px) { .card { margin: 2rem 1rem; padding: 1.5rem; } }

/* Signed in: a bar with the sections, then the page. */
.bar { display: flex; align-items: center; gap: 1.5rem; padding: .6rem 1.5rem; background: var(--panel); border-bottom: 1px solid var(--line); flex-wrap: wrap; }
.bar nav { flex: 1; min-width: 0; }
.bar ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem; }
.bar li a, .bar li .soon { display: block; padding: .3rem .6rem; border-radius: 6px; font-size: 14px; text-decoration: none; }
.bar li a { color: var(--fg); }
.bar li a:hover { background: var(--code); }
.bar li a[aria-current="page"] { background: var(--code); font-weight: 600; }
.bar li .soon { color: var(--muted); cursor: default; }
.account { display: flex; align-items: center; gap: .75rem; font-size: 13px; color: var(--muted); }
.who { max-width: 16rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.sign-out { margin: 0; }
.sign-out button { background: transparent; color: var(--fg); border-color: var(--line); padding: .3rem .75rem; font-size: 13px; }
main { padding: 2rem 1.5rem; max-width: 64rem; margin: 0 auto; }
.lead { font-size: 16px; color: var(--muted); max-width: 40rem; }
.next { padding-left: 1.25rem; }
.next li { margin: .35rem 0; }
@media (max-width: 720px) {
  .bar { gap: .5rem 1rem; padding: .6rem 1rem; }
  .bar nav { order: 3; flex-basis: 100%; }
  .bar li a, .bar li .soon { white-space: nowrap; padding: .25rem .5rem; }
  .account { margin-left: auto; }
  main { padding: 1.5rem 1rem; }
}

/* debugger */
.debugger-bar { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem .75rem; position: sticky; top: 0; z-index: 1; padding: .5rem 0; background: var(--bg); }
.debugger-bar input[type="search"] { flex: 1 1 12rem; min-width: 0; padding: .5rem .7rem; border: 1px solid var(--line); border-radius: 6px; background: var(--panel); color: var(--fg); }
.debugger-bar button[aria-pressed="true"] { background: var(--panel); color: var(--fg); border-color: var(--line); }
.debugger .status { font-size: 13px; color: var(--muted); }
.debugger > .hint { margin: .25rem 0 1rem; }
.debugger .empty { background: var(--panel); border: 1px dashed var(--line); border-radius: 8px; padding: 1rem 1.25rem; }
.debugger .empty p:first-child { margin-top: 0; }
.entries { list-style: none; margin: 1rem 0 0; padding: 0; display: grid; gap: .4rem; }
.entry { background: var(--panel); border: 1px solid var(--line); border-left: 4px solid var(--line); border-radius: 6px; min-width: 0; }
.entry.accepted { border-left-color: var(--ok); }
.entry.invalid { border-left-color: var(--danger); }
.entry.duplicate { border-left-color: var(--warn); }
.entry summary { display: flex; flex-wrap: wrap; align-items: baseline; gap: .25rem .75rem; padding: .5rem .75rem; cursor: pointer; }
.entry summary .name { font-weight: 600; flex: 1 1 10rem; min-width: 0; overflow-wrap: anywhere; }
.entry summary .who, .entry summary time { font-size: 13px; color: var(--muted); overflow-wrap: anywhere; }
.entry .kind { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; padding: 1px 6px; border-radius: 4px; background: var(--code); }
.entry .kind.invalid { color: var(--danger); background: var(--danger-bg); }
.entry .kind.duplicate { color: var(--warn); }
.entry .detail { padding: 0 .75rem .75rem; border-top: 1px solid var(--line); }
.entry h3 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: .75rem 0 .25rem; }
.entry .error { margin: .75rem 0 0; overflow-wrap: anywhere; }
.journey { list-style: none; margin: 0; padding: 0; font-size: 14px; }
.journey li { padding: .15rem 0 .15rem 1.1rem; position: relative; overflow-wrap: anywhere; }
.journey li::before { content: ""; position: absolute; left: 0; top: .55rem; width: .5rem; height: .5rem; border-radius: 50%; background: var(--muted); }
.journey li.ok::before { background: var(--ok); }
.journey li.bad::before { background: var(--danger); }
.journey li.wait::before { background: #bf8700; }
.debugger pre { margin: 0; padding: .6rem .75rem; background: var(--code); border-radius: 6px; font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; overflow-x: auto; max-height: 24rem; white-space: pre-wrap; overflow-wrap: anywhere; }
/* schema, plans, profiles */
h2 { font-size: 17px; margin: 1.75rem 0 .75rem; }
.panel h2 { margin: 0 0 .25rem; }
.muted { color: var(--muted); }
.small { font-size: 12px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.empty { border: 1px dashed var(--line); border-radius: 8px; padding: 1rem 1.25rem; background: var(--panel); margin: 1rem 0; }
.empty p { margin: .25rem 0 0; }
.empty-title { font-weight: 600; margin: 0; }
.notice { border: 1px solid var(--line); border-left: 4px solid var(--accent); background: var(--panel); border-radius: 6px; padding: .5rem .75rem; }
.plain-list { list-style: none; padding: 0; margin: 1rem 0; }
.plain-list li { padding: .5rem 0; border-bottom: 1px solid var(--line); display: flex; flex-wrap: wrap; align-items: center; gap: .5rem; }
/* Positioned, so what is absolutely positioned inside (a visually hidden header) scrolls with the table instead of widening the page. */
.table-wrap { position: relative; overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; background: var(--panel); }
table.data, table.nested { border-collapse: collapse; width: 100%; font-size: 14px; }
table.data th, table.data td, table.nested th, table.nested td { text-align: left; padding: .45rem .75rem; border-bottom: 1px solid var(--line); vertical-align: middle; }
table.data thead th, table.nested thead th { font-size: 12px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; white-space: nowrap; }
table.data th, table.data td, table.nested td { white-space: nowrap; }
table.data tbody th { font-weight: 600; white-space: normal; min-width: 9rem; overflow-wrap: break-word; }
table.data td.wrap, table.data td.value { white-space: normal; min-width: 12rem; overflow-wrap: anywhere; }
table code { overflow-wrap: normal; }
table.data tbody tr:last-child > * { border-bottom: 0; }
table.data .num { text-align: right; font-variant-numeric: tabular-nums; }
table.data tr.open > * { background: var(--code); }
table.data tr.properties > td { background: var(--bg); padding: .5rem .75rem 1rem 1.5rem; }
table.nested { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; }
td.actions { white-space: nowrap; }
td.actions a { margin-right: .5rem; }
time { white-space: nowrap; }
.tag { display: inline-block; font-size: 12px; padding: 0 .45rem; border-radius: 999px; border: 1px solid var(--line); color: var(--muted); }
.tag.danger { color: var(--danger); border-color: var(--danger); background: var(--danger-bg); }
form.inline { display: inline-flex; align-items: center; gap: .35rem; margin: 0; }
.small-button { padding: .15rem .6rem; font-size: 13px; }
button.secondary { background: transparent; color: var(--fg); border-color: var(--line); }
.pager { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem; margin: .75rem 0; font-size: 14px; color: var(--muted); }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem; margin: 1.5rem 0; }
.stack { display: flex; flex-direction: column; gap: .35rem; }
.row { display: flex; flex-wrap: wrap; gap: .75rem; align-items: flex-start; }
.grow { flex: 1; min-width: 12rem; }
.end { justify-content: flex-end; align-self: flex-end; }
.panel label, .lookup label { font-weight: 600; font-size: 14px; }
.panel input, .panel select, .panel textarea, form.row select { font: inherit; padding: .45rem .6rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); max-width: 100%; }
.panel textarea.code { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; width: 100%; resize: vertical; }
[aria-invalid="true"] { border-color: var(--danger) !important; }
.field-error { color: var(--danger); font-size: 13px; margin: 0; }
.lookup { display: flex; flex-wrap: wrap; gap: .75rem; align-items: flex-end; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1rem; margin: 0; }
.facts dt { color: var(--muted); font-size: 14px; }
.facts dd { margin: 0; overflow-wrap: anywhere; }
@media (max-width: 720px) {
  .facts { grid-template-columns: 1fr; gap: .1rem; }
  .facts dd { margin-bottom: .5rem; }
  .lookup > .stack { flex: 1 1 100%; }
}
/* destinations, replays */
h2 { font-size: 17px; margin: 0 0 .75rem; }
h3 { font-size: 14px; margin: 1rem 0 .4rem; }
.muted { color: var(--muted); font-size: 13px; font-weight: 400; }
.empty { color: var(--muted); background: var(--panel); border: 1px dashed var(--line); border-radius: 8px; padding: 1rem; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 1.25rem; margin: 1.25rem 0; min-width: 0; }
.panel .empty { background: var(--bg); }
.notice { border: 1px solid var(--line); background: var(--panel); border-radius: 6px; padding: .5rem .75rem; }
.crumbs { margin: -.5rem 0 1rem; color: var(--muted); display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; }
.table-wrap { overflow-x: auto; }
table.list { width: 100%; border-collapse: collapse; background: var(--panel); font-size: 14px; }
table.list th, table.list td { text-align: left; padding: .5rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
table.list thead th { font-size: 12px; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); }
table.list .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.pill { display: inline-block; font-size: 12px; font-weight: 600; border-radius: 999px; padding: .05rem .55rem; border: 1px solid currentColor; white-space: nowrap; }
.pill-ok { color: var(--ok); } .pill-warn { color: var(--warn); } .pill-bad { color: var(--danger); } .pill-off { color: var(--muted); }
.stack { display: grid; gap: .75rem; max-width: 44rem; }
.stack label { display: grid; gap: .25rem; font-weight: 600; font-size: 14px; }
.stack label.inline, label.inline { display: flex; gap: .5rem; align-items: baseline; font-weight: 400; }
label.inline input { flex: none; }
fieldset.choices { display: flex; flex-wrap: wrap; gap: .5rem 1.25rem; } fieldset.choices > .muted { flex-basis: 100%; }
fieldset { border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; margin: 0; display: grid; gap: .5rem; min-width: 0; }
legend { font-weight: 600; font-size: 14px; padding: 0 .3rem; }
.stack input:not([type=checkbox]):not([type=radio]), .stack select, .stack textarea { width: 100%; padding: .45rem .6rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); font: inherit; font-weight: 400; }
.mono, pre { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; }
pre { background: var(--code); border-radius: 6px; padding: .6rem .75rem; overflow: auto; max-height: 24rem; white-space: pre-wrap; overflow-wrap: anywhere; }
.row { display: flex; gap: 1rem; flex-wrap: wrap; } .row > label { flex: 1 1 12rem; }
button.secondary { background: transparent; color: var(--fg); border-color: var(--line); }
button.danger { background: var(--danger); color: var(--danger-fg); }
button.small { padding: .2rem .6rem; font-size: 13px; }
button:disabled { opacity: .5; cursor: not-allowed; }
.inline-form { margin: .3rem 0 0; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; margin: 0 0 1rem; }
.facts dt { color: var(--muted); font-size: 13px; } .facts dd { margin: 0; min-width: 0; }
.stats { list-style: none; padding: 0; margin: 0 0 1rem; display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; }
.stats b { font-size: 18px; font-variant-numeric: tabular-nums; }
.filters { padding-left: 1.25rem; } .filters li { margin: .6rem 0; }
.dead-letters { list-style: none; padding: 0; } .dead-letters li { border-top: 1px solid var(--line); padding: .5rem 0; } .dead-letters p { margin: 0 0 .3rem; }
.result { margin-top: 1rem; }
.error-text { color: var(--danger); font-size: 13px; }
progress { width: 100%; max-width: 20rem; height: .8rem; }
.panel > p:first-child { margin-top: 0; } .panel > progress { display: block; margin: .5rem 0 1rem; }
.chart { margin: 0; } .chart svg { width: 100%; height: 140px; display: block; }
.ticks { display: flex; justify-content: space-between; font-size: 11px; color: var(--muted); margin: .2rem 0 .5rem; }
.chart .axis { stroke: var(--line); }
.chart .bar-slot { fill: transparent; } .chart g:hover .bar-slot { fill: var(--code); }
.bar-delivered { fill: #2da44e; } .bar-failed { fill: #cf222e; } .bar-discarded { fill: #8c959f; }
.chart figcaption { font-size: 13px; display: flex; flex-wrap: wrap; gap: .25rem 1rem; }
.key::before { content: ""; display: inline-block; width: .7rem; height: .7rem; border-radius: 2px; margin-right: .3rem; vertical-align: -1px; }
.key-delivered::before { background: #2da44e; } .key-failed::before { background: #cf222e; } .key-discarded::before { background: #8c959f; }
@media (max-width: 720px) { table.list .wide { display: none; } .panel { padding: 1rem; } .facts { grid-template-columns: 1fr; } .facts dd { margin-bottom: .4rem; } }
/* sources */
h2 { font-size: 17px; margin: 0 0 .5rem; }
section + section, .panel + .panel { margin-top: 1.25rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 1rem 1.25rem; }
.panel > p:first-of-type { margin-top: 0; }
.empty { background: var(--panel); border: 1px dashed var(--line); border-radius: 10px; padding: 1rem 1.25rem; margin: 0 0 1.25rem; }
.empty p { margin: 0; }
.notice { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; background: var(--panel); }
.table-scroll { position: relative; overflow-x: auto; margin-bottom: 1rem; border: 1px solid var(--line); border-radius: 10px; background: var(--panel); }
table.list { width: 100%; border-collapse: collapse; font-size: 14px; }
table.list th, table.list td { text-align: left; padding: .55rem .75rem; border-bottom: 1px solid var(--line); vertical-align: middle; white-space: nowrap; }
table.list tbody tr:last-child > * { border-bottom: 0; }
table.list thead th { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); font-weight: 600; }
table.list .num { text-align: right; font-variant-numeric: tabular-nums; }
.type { color: var(--muted); font-size: 12px; font-weight: 400; }
.status { display: inline-block; font-size: 12px; font-weight: 600; padding: 1px 8px; border-radius: 999px; border: 1px solid var(--line); }
.status.on { color: var(--ok); border-color: currentColor; }
.status.off { color: var(--muted); }
input.key { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; width: 100%; min-width: 17rem; max-width: 100%; padding: .35rem .5rem; border: 1px solid var(--line); border-radius: 6px; background: var(--code); color: var(--fg); }
.panel input.key { max-width: 30rem; }
.spark { display: inline-flex; align-items: center; gap: .5rem; color: var(--accent); }
.spark .count, .chart-head .count { color: var(--muted); font-size: 13px; font-variant-numeric: tabular-nums; }
.sparkline { display: block; flex: none; }
.copyable { display: flex; gap: .5rem; align-items: center; }
.copyable .key { flex: 1; min-width: 0; }
.pager { display: flex; justify-content: space-between; align-items: center; gap: 1rem; margin: 0 0 1rem; font-size: 14px; }
.inline-form { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem .75rem; margin: .5rem 0; }
.inline-form label { font-weight: 600; font-size: 14px; }
.inline-form input[type="text"] { padding: .45rem .6rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); min-width: 0; }
#source-name { flex: 1 1 14rem; max-width: 24rem; }
.affix { display: inline-flex; align-items: center; gap: .25rem; font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; }
.affix input { width: 13rem; }
button.secondary { background: transparent; color: var(--fg); border-color: var(--line); }
button.danger { background: var(--danger); color: var(--danger-fg); }
.crumbs { margin: -.5rem 0 1rem; font-size: 14px; }
div.facts { display: flex; flex-wrap: wrap; align-items: center; gap: .75rem 1.5rem; margin-bottom: 1.25rem; font-size: 14px; }
div.facts .spark { color: var(--fg); }
div.facts .sparkline { color: var(--accent); }
pre.snippet { font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; background: var(--code); border: 1px solid var(--line); border-radius: 6px; padding: .75rem; margin: .5rem 0; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 18rem; overflow: auto; }
.charts { list-style: none; padding: 0; margin: 0 0 1.5rem; display: grid; grid-template-columns: repeat(auto-fill, minmax(18rem, 1fr)); gap: 1rem; }
.charts .panel, .charts .panel + .panel { margin: 0; }
.chart-head { display: flex; align-items: baseline; gap: .5rem; margin-bottom: .5rem; }
.chart-head a { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.chart-head .count { margin-left: auto; white-space: nowrap; }
svg.bars { display: block; width: 100%; height: 80px; color: var(--accent); }
.axis { display: flex; justify-content: space-between; color: var(--muted); font-size: 12px; }
.empty-chart { color: var(--muted); font-size: 14px; margin: 0; }
.note { color: var(--muted); font-size: 13px; margin: .5rem 0 1rem; }
@media (max-width: 720px) {
  /* The sources table becomes one card per source: every column readable without scrolling sideways. */
  .table-scroll:has(table.sources) { overflow: visible; border: 0; background: transparent; }
  table.sources thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.sources, table.sources tbody { display: block; }
  table.sources tr { display: block; background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: .5rem .75rem; margin-bottom: .75rem; }
  table.sources th, table.sources td { display: flex; align-items: center; gap: .75rem; border: 0; padding: .3rem 0; white-space: normal; }
  table.sources td::before { content: attr(data-label); flex: 0 0 6.5rem; color: var(--muted); font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .04em; }
  table.sources input.key { min-width: 0; flex: 1; }
}
/* catalog, actions destinations */
.catalog { list-style: none; padding: 0; margin: 1rem 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(17rem, 1fr)); gap: .75rem; }
.catalog li { display: flex; flex-direction: column; gap: .35rem; min-width: 0; background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: .75rem 1rem; }
.catalog h2 { font-size: 15px; margin: 0; overflow-wrap: anywhere; }
.catalog p { margin: 0; font-size: 14px; overflow-wrap: anywhere; }
.catalog li > p.muted { margin-top: auto; }
.field { display: grid; gap: .25rem; min-width: 0; }
.field > label:not(.inline) { display: block; font-weight: 600; font-size: 14px; }
.stack input.mono, .stack textarea.mono { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; }
.field .hint, .field .field-error, fieldset .hint { margin: 0; overflow-wrap: anywhere; }
.req { color: var(--danger); }
.action-list { padding-left: 1.25rem; margin: .5rem 0 0; }
.action-list li { margin: .35rem 0; overflow-wrap: anywhere; }
.mappings { list-style: none; padding: 0; margin: .75rem 0 1rem; }
.mappings li { display: grid; gap: .25rem; border-top: 1px solid var(--line); padding: .6rem 0; min-width: 0; }
.mappings li:last-child { border-bottom: 1px solid var(--line); }
.mappings p { margin: 0; overflow-wrap: anywhere; }
.mapping-buttons { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem .75rem; }
.start-from { display: grid; gap: .25rem; max-width: 44rem; margin: 0 0 1rem; }
.start-from label { font-weight: 600; font-size: 14px; }
.start-from > div { display: flex; gap: .5rem; }
.start-from select { flex: 1; min-width: 0; }
.start-from .hint { margin: 0; }
.action-fields { margin: .35rem 0; }
.action-fields summary { cursor: pointer; font-weight: 600; font-size: 14px; }
.action-fields .facts { margin: .5rem 0 .75rem; }
.action-fields dd { overflow-wrap: anywhere; }
.mapping-preview { border-top: 1px solid var(--line); margin-top: .75rem; padding-top: .5rem; min-width: 0; }
.mapping-preview h3 { display: flex; flex-wrap: wrap; align-items: baseline; gap: .5rem; margin: .25rem 0; overflow-wrap: anywhere; }
.mapping-preview p { overflow-wrap: anywhere; }
.request-line { margin: .5rem 0 .25rem; }
/* warehouse */
.warehouse-sources { list-style: none; padding: 0; margin: 0 0 1.25rem; display: grid; gap: .75rem; }
.warehouse-sources > li.panel { margin: 0; }
.source-head { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; margin-bottom: .75rem; }
.source-head h2 { margin: 0; font-size: 16px; min-width: 0; overflow-wrap: anywhere; }
.source-head .sync-now { margin: 0 0 0 auto; }
.warehouse-sources .facts, .panel .facts { margin-bottom: 0; }
.sync-error { margin: .75rem 0 0; white-space: pre-wrap; overflow-wrap: anywhere; }
table.list td.sync-error-cell { white-space: pre-wrap; overflow-wrap: anywhere; padding-top: 0; }
.warehouse-tables { display: grid; gap: .5rem; margin-bottom: 1.25rem; }
details.warehouse-table { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; min-width: 0; }
details.warehouse-table summary { padding: .5rem .75rem; cursor: pointer; overflow-wrap: anywhere; }
details.warehouse-table > .table-scroll, details.warehouse-table > p { margin: 0 .75rem .75rem; }
pre.query { margin: .75rem 0 0; }
/* On a phone a sync's start time wraps, so the syncs table keeps its counts in view. */
@media (max-width: 720px) { .syncs time { white-space: normal; } }
.panel > .facts ~ .note { margin: .75rem 0 0; }
`;
