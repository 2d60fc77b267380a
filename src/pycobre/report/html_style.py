"""Stylesheet of the HTML report: one readable column (≤ 1180 px), sticky table of contents on
wide screens, nothing fetched from the network."""

CSS = """
:root { --fg:#1d2733; --muted:#5f6b7a; --line:#dde3ea; --accent:#2a6f97; --bg:#f6f8fa; }
* { box-sizing: border-box; }
body { margin:0; font-family: -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial,
       sans-serif; color:var(--fg); background:#fff; line-height:1.45; font-size:15px; }
header { background:var(--accent); color:#fff; padding:18px 28px; }
header h1 { margin:0; font-size:22px; font-weight:600; }
header p { margin:4px 0 0; font-size:13px; opacity:.9; word-break:break-all; }
.layout { display:flex; gap:28px; max-width:1440px; margin:0 auto; padding:20px 28px; }
nav { flex:0 0 200px; position:sticky; top:12px; align-self:flex-start; font-size:14px; }
nav h2 { font-size:13px; text-transform:uppercase; letter-spacing:.05em; color:var(--muted); }
nav ol { padding-left:18px; margin:0; }
nav li { margin:4px 0; }
nav a { color:var(--accent); text-decoration:none; }
nav a:hover { text-decoration:underline; }
main { flex:1; min-width:0; max-width:1180px; }
section { margin-bottom:34px; }
section h2 { font-size:19px; border-bottom:2px solid var(--line); padding-bottom:4px; }
h3 { font-size:15px; margin:18px 0 6px; }
img.plot { width:100%; height:auto; display:block; border:1px solid var(--line); border-radius:4px; }
p.note { color:var(--muted); font-size:13px; margin:6px 0; }
.cards { display:grid; grid-template-columns:repeat(auto-fill, minmax(190px, 1fr)); gap:12px; }
.card { background:var(--bg); border:1px solid var(--line); border-radius:6px; padding:10px 12px; }
.card .k { font-size:12px; color:var(--muted); text-transform:uppercase; letter-spacing:.03em; }
.card .v { font-size:18px; font-weight:600; margin-top:2px; }
.card .v .pm { font-size:13px; font-weight:400; color:var(--muted); white-space:nowrap; }
table { border-collapse:collapse; font-size:13px; margin:6px 0 12px; }
th, td { border-bottom:1px solid var(--line); padding:4px 10px; text-align:left; }
td.num, th.num { text-align:right; font-variant-numeric: tabular-nums; }
th { background:var(--bg); font-weight:600; }
.meta-grid { display:grid; grid-template-columns:repeat(auto-fit, minmax(330px, 1fr)); gap:0 24px; }
pre { background:var(--bg); border:1px solid var(--line); padding:10px; font-size:12px;
      overflow-x:auto; }
footer { color:var(--muted); font-size:12px; text-align:center; padding:16px; }
@media (max-width: 900px) { .layout { display:block; } nav { position:static; } }
"""
