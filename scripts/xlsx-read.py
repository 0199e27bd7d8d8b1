#!/usr/bin/env python3
"""Read results.xlsx with nothing but the Python standard library (zipfile and XML), an
independent check of alesim's Excel writer.

Usage: xlsx-read.py FILE

Prints one JSON object: per sheet, its rows as lists of [type, value] cells ("n" for a number,
"s" for text, "b" boolean), its frozen pane's top-left cell, the number formats applied to its
numbers, and the number of pictures placed in the workbook."""
import json
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def col_index(ref):
    letters = re.match(r"[A-Z]+", ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def main(path):
    z = zipfile.ZipFile(path)
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
            shared.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])))
    styles = ET.fromstring(z.read("xl/styles.xml"))
    fmts = {int(f.get("numFmtId")): f.get("formatCode") for f in styles.findall("m:numFmts/m:numFmt", NS)}
    xfs = [int(x.get("numFmtId", "0")) for x in styles.findall("m:cellXfs/m:xf", NS)]
    rels = {r.get("Id"): r.get("Target") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
    pics = 0
    for n in z.namelist():
        if n.startswith("xl/drawings/") and n.endswith(".xml"):
            pics += len(ET.fromstring(z.read(n)).findall(".//{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}pic"))
    out = {"sheets": {}, "pictures": pics}
    for sh in ET.fromstring(z.read("xl/workbook.xml")).findall("m:sheets/m:sheet", NS):
        target = rels[sh.get(REL)].lstrip("/")
        if not target.startswith("xl/"):
            target = "xl/" + target
        root = ET.fromstring(z.read(target))
        rows, formats = [], set()
        for row in root.findall("m:sheetData/m:row", NS):
            cells = []
            for c in row.findall("m:c", NS):
                i = col_index(c.get("r"))
                while len(cells) < i:
                    cells.append(None)
                t, v = c.get("t", "n"), c.find("m:v", NS)
                if t == "s":
                    cells.append(["s", shared[int(v.text)]])
                elif t == "inlineStr":
                    cells.append(["s", "".join(x.text or "" for x in c.iter("{%s}t" % NS["m"]))])
                elif v is None:
                    cells.append(None)
                elif t == "b":
                    cells.append(["b", v.text == "1"])
                else:
                    cells.append(["n", float(v.text)])
                    s = int(c.get("s", "0"))
                    if xfs[s] in fmts:
                        formats.add(fmts[xfs[s]])
            rows.append(cells)
        pane = root.find("m:sheetViews/m:sheetView/m:pane", NS)
        out["sheets"][sh.get("name")] = {
            "rows": rows,
            "frozen": pane.get("topLeftCell") if pane is not None and pane.get("state") == "frozen" else None,
            "formats": sorted(formats),
        }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
