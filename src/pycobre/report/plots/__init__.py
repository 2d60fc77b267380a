"""One module per plot; each returns an embeddable PNG (base64) built on a bare ``Figure``
(Agg canvas, no pyplot global state)."""
