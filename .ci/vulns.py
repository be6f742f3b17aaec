"""Reads govulncheck -format json; fails on a vulnerability our code reaches
in a module we require, and lists the standard library's without failing."""
import json
import sys

osv, found = {}, {}
decoder, text = json.JSONDecoder(), sys.stdin.read()
i = 0
while i < len(text):
    while i < len(text) and text[i].isspace():
        i += 1
    if i == len(text):
        break
    msg, i = decoder.raw_decode(text, i)
    if "osv" in msg:
        osv[msg["osv"]["id"]] = msg["osv"].get("summary", "")
    f = msg.get("finding")
    if f and f["trace"] and f["trace"][0].get("function"):  # reached, not only imported
        found.setdefault(f["osv"], (f["trace"][0]["module"], f.get("fixed_version", "")))

stdlib = sorted(k for k, (m, _) in found.items() if m == "stdlib")
modules = sorted(k for k, (m, _) in found.items() if m != "stdlib")
for k in stdlib:
    print(f"govulncheck: standard library, fixed in Go {found[k][1]}: {k} {osv.get(k, '')}")
for k in modules:
    print(f"govulncheck: {found[k][0]}, fixed in {found[k][1]}: {k} {osv.get(k, '')}")
if modules:
    sys.exit(f"govulncheck: {len(modules)} vulnerable module(s) reached by our code")
print(f"govulncheck: no vulnerable module reached ({len(stdlib)} in the standard library)")
