/** The reference page's stylesheet, served from the Worker so the page loads nothing else. */
export const REFERENCE_CSS = `
/* Status text in each palette keeps 4.5:1 on its background (WCAG 1.4.3): the dark one's colours are lighter. */
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #fff; --code: #f6f8fa; --accent: #0b63ce; --ok: #1a7f37; --bad: #cf222e; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9da7b3; --line: #30363d; --bg: #0d1117; --code: #161b22; --accent: #4c9aff; --ok: #3fb950; --bad: #ff7b72; } }
* { box-sizing: border-box; }
body { margin: 0; display: grid; grid-template-columns: 18rem 1fr; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
nav { position: sticky; top: 0; height: 100vh; overflow-y: auto; padding: 1rem; border-right: 1px solid var(--line); font-size: 13px; }
nav ul { list-style: none; margin: 0 0 .75rem; padding: 0; }
nav li a { display: block; padding: 2px 0; color: var(--fg); text-decoration: none; overflow-wrap: anywhere; }
nav li a:hover { color: var(--accent); }
.brand { font-weight: 700; font-size: 15px; }
.tag { margin: .75rem 0 .25rem; font-weight: 600; color: var(--muted); text-transform: uppercase; font-size: 11px; letter-spacing: .04em; }
main { padding: 1.5rem 2.5rem 4rem; max-width: 64rem; min-width: 0; }
h2 { margin-top: 2.5rem; padding-bottom: .25rem; border-bottom: 1px solid var(--line); }
h3 { margin-bottom: .25rem; overflow-wrap: anywhere; }
h4 { margin: 1rem 0 .25rem; font-size: 13px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
a { color: var(--accent); }
.skip { position: absolute; left: .5rem; top: -10rem; z-index: 1; padding: .5rem 1rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); font-weight: 600; }
.skip:focus { top: .5rem; }
main:focus { outline: none; }
code { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; background: var(--code); padding: 1px 4px; border-radius: 4px; }
.operation, .schema { padding: 1rem 0; border-bottom: 1px dashed var(--line); }
.summary { font-weight: 600; margin: .25rem 0; }
.method { display: inline-block; min-width: 3.6em; text-align: center; font: 700 11px ui-monospace, monospace; padding: 2px 4px; border-radius: 4px; color: #fff; background: #57606a; }
.method.get { background: #1a7f37; } .method.post { background: #0b63ce; } .method.put, .method.patch { background: #9a6700; } .method.delete { background: #cf222e; }
table.fields { border-collapse: collapse; width: 100%; margin: .25rem 0; }
table.fields td { vertical-align: top; border-top: 1px solid var(--line); padding: 6px 8px 6px 0; }
table.fields td:first-child { white-space: nowrap; width: 1%; }
table.fields p { margin: 2px 0 0; color: var(--muted); }
.required { margin-left: 6px; font-size: 11px; color: var(--bad); }
.in, .media, .default { font-size: 12px; color: var(--muted); }
dl.responses dt, dl.schemes dt { font-weight: 700; margin-top: .5rem; }
dl.responses dd, dl.schemes dd { margin-left: 1.5rem; }
.status.s2 { color: var(--ok); } .status.s4, .status.s5 { color: var(--bad); }
ul.variants { margin: .25rem 0; }
@media (max-width: 50rem) { body { grid-template-columns: 1fr; } nav { position: static; height: auto; border-right: 0; border-bottom: 1px solid var(--line); } main { padding: 1rem; } }
/* On a phone a field's name goes above its type, and nested objects indent, instead of columns wider than the screen. */
@media (max-width: 50rem) {
  table.fields, table.fields > tbody, table.fields > tbody > tr, table.fields > tbody > tr > td { display: block; width: auto; }
  table.fields > tbody > tr { border-top: 1px solid var(--line); padding: 6px 0; }
  table.fields td { border-top: 0; padding: 0; }
  table.fields td:first-child { white-space: normal; width: auto; }
  table.fields td + td { padding-left: .75rem; }
  code { overflow-wrap: anywhere; }
}
`;
