#!/usr/bin/env python3
"""Checks that no figure of report.html straddles a page of its printed PDF: each figure's caption
and the last words of its note must be on the same page (pdftotext, page by page)."""
import html, re, subprocess, sys

report, pdf, pages = sys.argv[1], sys.argv[2], int(sys.argv[3])
src = open(report, encoding="utf-8").read()
norm = lambda s: re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", s))).strip()
texts = []
for p in range(1, pages + 1):
    t = subprocess.run(["pdftotext", "-f", str(p), "-l", str(p), pdf, "-"], capture_output=True, text=True).stdout
    texts.append(norm(t))
bad = 0
for m in re.finditer(r"<figure>\s*<figcaption>(.*?)</figcaption>.*?<p class=\"note\">(.*?)</p>\s*</figure>", src, re.S):
    cap, note = norm(m.group(1)), norm(m.group(2))
    tail = " ".join(note.split()[-4:])
    # Chromium's text in a PDF may break a line where the HTML has a space: compare without spaces.
    squash = lambda s: s.replace(" ", "")
    cp = [i for i, t in enumerate(texts) if squash(cap) in squash(t)]
    tp = [i for i, t in enumerate(texts) if squash(tail) in squash(t)]
    if not cp or not tp:
        print(f"e2e: figure {cap!r}: caption or note not found in the PDF's text")
        bad = 1
    elif not set(cp) & set(tp):
        print(f"e2e: figure {cap!r} straddles pages {cp[0] + 1} and {tp[0] + 1}")
        bad = 1
sys.exit(bad)
