"""The one stylesheet and page shell of every HTML output (digest, index, brief, compare).

Inline CSS only (works offline, fetches nothing). Read on a desktop, a phone (tables stack below
40rem) and paper (A4; headings kept with what follows; a running header with title, outlet and date,
and page numbers, in the page margins); dark mode follows `prefers-color-scheme`. Words are never
broken inside (no `overflow-wrap: anywhere` except on URLs and paths, which have no words); Persian and
Arabic text is set a little larger than the Latin, as Naskh faces read smaller at the same size.
"""

from __future__ import annotations

from core.output import escape_html as escape

CSS = """
:root { color-scheme: light dark; --text: #1c1f24; --bg: #fff; --line: #d8dbe0; --muted: #4f5663;
  --flag: #9a3412; --flagbg: #fff4e5; --flagline: #f5c89a; --target: #fffbd6; --link: #0b57d0; --banner: #fff4e5;
  --confmid: #eef4fb; --conflow: #d6e6f7; --confline: #1f5fa8; }
@media (prefers-color-scheme: dark) {
  :root { --text: #e6e8eb; --bg: #15171a; --line: #3a3f47; --muted: #aab1bd; --flag: #ffb77a; --flagbg: #3a2410;
    --flagline: #7a4a1c; --target: #3b3510; --link: #8ab4f8; --banner: #3a2410;
    --confmid: #1c2633; --conflow: #233a55; --confline: #8ab4f8; }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 80rem; padding: 1.5rem; font: 16px/1.55 system-ui, -apple-system, "Segoe UI",
  Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--text); background: var(--bg); overflow-wrap: break-word; }
a { color: var(--link); }
[dir="rtl"], .src, bdi:lang(fa), bdi:lang(ar) { font-family: "Vazirmatn", "Noto Naskh Arabic", "Noto Sans Arabic",
  "Geeza Pro", "Tahoma", "Segoe UI", "Arial", sans-serif; }
.src, [dir="rtl"] { font-size: 1.15em; line-height: 1.8; color: var(--text); }
.src, [dir="rtl"], bdi[lang] { overflow-wrap: normal; }
header h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
header .source-title { font-size: 1.45rem; margin: 0 0 .75rem; font-weight: 600; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0 0 1rem; }
dl.meta dt { font-weight: 600; color: var(--muted); }
dl.meta dd { margin: 0; }
.url, .path { overflow-wrap: anywhere; }
details.about { margin: .5rem 0 1rem; font-size: .9rem; color: var(--muted); }
details.about summary { cursor: pointer; }
.banner { margin: 1rem 0; padding: .6rem .9rem; border: 1px solid var(--flagline); border-radius: .4rem;
  background: var(--banner); }
section { margin: 1.5rem 0; }
h2 { font-size: 1.25rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
h3 { font-size: 1.05rem; margin: 1rem 0 .3rem; }
.summary li, .sources li, .differ li { margin: .35rem 0; }
.lede { font-size: 1.1rem; }
.native { color: var(--muted); }
.support blockquote { margin: .3rem 0 .5rem; padding: 0 .75rem; border-inline-start: 3px solid var(--line); }
.support a { font-size: .8rem; }
table.pairs { width: 100%; border-collapse: collapse; table-layout: fixed; }
table.pairs th { text-align: start; font-size: .85rem; color: var(--muted); border-bottom: 2px solid var(--line); }
table.pairs col.id { width: 5.5rem; }
table.pairs td, table.pairs th { vertical-align: top; padding: .35rem .6rem; }
table.pairs tbody + tbody tr:first-child td { border-top: 1px solid var(--line); padding-top: .8rem; }
td.sid a { font: .75rem ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: var(--muted);
  text-decoration: none; }
button.cite { display: block; margin-top: .2rem; font-size: .7rem; color: var(--muted); background: none;
  border: 1px solid var(--line); border-radius: .3rem; cursor: pointer; }
tr:target { background: var(--target); }
td.src { text-align: right; }
td.src[dir="ltr"] { text-align: left; }
.merged { color: var(--muted); font-style: italic; }
.flag { display: block; margin: .25rem 0 0; padding: .1rem .45rem; border-radius: .3rem; font-size: .85rem;
  color: var(--flag); background: var(--flagbg); border: 1px solid var(--flagline); }
.flag b { font-weight: 600; }
/* Model confidence of each English cell: a shade and a border style, so it reads in grey print and for
   colour-blind readers too (blue, not red/green); the value is in the cell's title (hover). */
td.en.conf-mid { background: var(--confmid); border-inline-start: 3px dashed var(--confline); }
td.en.conf-low { background: var(--conflow); border-inline-start: 3px solid var(--confline); }
.legend { font-size: .85rem; color: var(--muted); }
.legend .swatch { display: inline-block; width: 1.2em; height: .9em; vertical-align: middle; margin: 0 .25em 0 .6em;
  border: 1px solid var(--line); }
.legend .conf-mid { background: var(--confmid); border-inline-start: 3px dashed var(--confline); }
.legend .conf-low { background: var(--conflow); border-inline-start: 3px solid var(--confline); }
section.check li { margin: .3rem 0; }
table.index { width: 100%; border-collapse: collapse; }
table.index td, table.index th { padding: .4rem .6rem; text-align: start; vertical-align: top;
  border-bottom: 1px solid var(--line); }
table.index .one-line { display: block; color: var(--muted); font-size: .9rem; }
dl.report { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; }
dl.report dt { font-weight: 600; }
dl.report dd { margin: 0; }
body:has(#show-ours:not(:checked)) .ours { display: none; }
label.toggle { display: inline-block; margin: .5rem 0; }
details.removed { font-size: .9rem; color: var(--muted); }
details.removed li { margin: .1rem 0; }
footer { font-size: .85rem; color: var(--muted); border-top: 1px solid var(--line); padding-top: .5rem; }
@media (max-width: 40rem) {
  body { padding: .75rem; }
  table.pairs, table.pairs tbody, table.pairs tr, table.pairs td,
  table.index, table.index tbody, table.index tr, table.index td { display: block; width: 100%; }
  table.pairs thead, table.pairs colgroup, table.index thead { display: none; }
  table.pairs tr, table.index tr { padding: .4rem 0; border-bottom: 1px solid var(--line); }
  table.index td { border: 0; padding: .1rem 0; }
  td.sid { padding-bottom: 0; }
  td.src { text-align: start; }
  dl.meta { grid-template-columns: 1fr; }
}
@media print {
  :root { --text: #000; --bg: #fff; --muted: #333; --link: #000; --confmid: #f3f3f3; --conflow: #e0e0e0;
    --confline: #000; }
  td.en.conf-mid, td.en.conf-low, .legend .swatch { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h1, h2, h3, header, .banner { break-after: avoid; page-break-after: avoid; }
  table.pairs tr, li, blockquote { break-inside: avoid; }
  tr:target { background: none; }
  details.removed, button.cite, nav { display: none; }
  details.about { display: none; }
}
"""

# Copies "Outlet, date, URL, sentence id" (the row's `data-cite`) to the clipboard; the text is shown in a prompt
# when the clipboard cannot be used (a file:// page in some browsers).
CITE_SCRIPT = """
document.addEventListener('click', function (event) {
  var button = event.target.closest('button.cite');
  if (!button) return;
  var text = button.getAttribute('data-cite');
  var done = function () { button.textContent = 'copied'; };
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(text).then(done, function () { window.prompt('Cite as', text); });
  } else { window.prompt('Cite as', text); }
});
"""


def _css_string(text: str) -> str:
    """`text` as a CSS string literal (for the print margin boxes)."""
    return '"' + "".join(c if c.isalnum() or c in " ·-–—,.:()'" else f"\\{ord(c):x} " for c in text) + '"'


def page(title: str, body: str, running: str = "", script: str = "") -> str:
    """A complete English HTML document: `body` in the shared CSS; `running`: the running header printed at
    the top of every page (page numbers go at the bottom)."""
    margins = (f"@page {{ size: A4; margin: 16mm 12mm; @top-center {{ content: {_css_string(running)}; "
               f"font-size: 8pt; color: #555; }} @bottom-right {{ content: \"Page \" counter(page) \" of \" "
               f"counter(pages); font-size: 8pt; color: #555; }} }}")
    scripts = f"<script>{script}</script>" if script else ""
    return (
        '<!DOCTYPE html>\n<html lang="en" dir="ltr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}{margins}</style></head>"
        f"<body>{body}{scripts}</body></html>\n"
    )
