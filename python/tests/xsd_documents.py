"""UniProt XML documents built from the XSD itself (``../shared/uniprot.xsd``), not from samples.

Walks the schema with lxml: every element in its sequence order, each optional one present most
of the time and repeated up to twice, one branch of each choice, every attribute (optional ones
most of the time), values drawn from each simple type (enumerations, integers, dates, booleans,
floats, URIs, lists) and text with characters that need escaping. Seeded, so a failing document
can be rebuilt. Values are in their canonical lexical form (``true``, not ``1``; integers without
leading zeros): the converter keeps typed values, not their spelling.
"""

from __future__ import annotations

import random
from pathlib import Path

from lxml import etree

XS = "{http://www.w3.org/2001/XMLSchema}"
NS = "http://uniprot.org/uniprot"
SCHEMA_LOCATION = f"{NS} http://www.uniprot.org/docs/uniprot.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

TEXT_PIECES = ["alpha", "Beta-2", "x & y", "a<b>c", '"quoted"', "it's", "café", "漢字", "10%", "A; B"]
RESIDUES = "ACDEFGHIKLMNPQRSTVWY"


class XsdDocuments:
    """Random documents valid against the UniProt XSD at ``xsd``."""

    def __init__(self, xsd: Path, seed: int) -> None:
        self.tree = etree.parse(str(xsd))
        root = self.tree.getroot()
        self.elements = {e.get("name"): e for e in root.findall(f"{XS}element")}
        self.complex = {t.get("name"): t for t in root.findall(f"{XS}complexType")}
        self.simple = {t.get("name"): t for t in root.findall(f"{XS}simpleType")}
        self.groups = {g.get("name"): g for g in root.findall(f"{XS}group")}
        self.rng = random.Random(seed)

    def document(self, entries: int) -> bytes:
        """A whole ``<uniprot>`` document of ``entries`` entries (and a copyright)."""
        uniprot = etree.Element(f"{{{NS}}}uniprot", nsmap={None: NS, "xsi": XSI})
        uniprot.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
        for _ in range(entries):
            uniprot.append(self.element(self.elements["entry"], "entry", depth=0))
        copyright_ = etree.SubElement(uniprot, f"{{{NS}}}copyright")
        copyright_.text = "\nCopyrighted by nobody; built from the XSD\n"
        return etree.tostring(uniprot, xml_declaration=True, encoding="UTF-8")

    # Elements -------------------------------------------------------------------------------

    def element(self, decl, name: str, depth: int, parent: str = ""):
        """An element for declaration ``decl`` (a global or local ``xs:element``)."""
        el = etree.Element(f"{{{NS}}}{name}")
        type_name = _local(decl.get("type"))
        inline_complex = decl.find(f"{XS}complexType")
        inline_simple = decl.find(f"{XS}simpleType")
        if inline_complex is not None:
            self.complex_content(el, inline_complex, depth, name)
        elif type_name in self.complex:
            self.complex_content(el, self.complex[type_name], depth, name)
        elif inline_simple is not None:
            el.text = self.simple_value(inline_simple, name)
        else:
            el.text = self.builtin_value(type_name, name, parent)
        return el

    def complex_content(self, el, ctype, depth: int, name: str) -> None:
        simple = ctype.find(f"{XS}simpleContent")
        if simple is not None:
            ext = simple[0] if simple[0].tag != f"{XS}annotation" else simple[1]
            base = _local(ext.get("base"))
            el.text = (
                self.builtin_value(base, name, "")
                if base not in self.simple
                else self.simple_value(self.simple[base], name)
            )
            self.attributes(el, ext, name)
            return
        for child in ctype:
            self.particle(el, child, depth, name)
        self.attributes(el, ctype, name)

    def particle(self, el, node, depth: int, owner: str) -> None:
        tag = node.tag
        if tag == f"{XS}sequence":
            for child in node:
                self.particle(el, child, depth, owner)
        elif tag == f"{XS}choice":
            options = [c for c in node if c.tag != f"{XS}annotation"]
            for _ in range(self.count(node)):
                self.particle(el, self.rng.choice(options), depth, owner)
        elif tag == f"{XS}group":
            group = self.groups[_local(node.get("ref"))]
            for child in group:
                self.particle(el, child, depth, owner)
        elif tag == f"{XS}element":
            ref = node.get("ref")
            decl = self.elements[_local(ref)] if ref else node
            name = _local(ref) if ref else node.get("name")
            for _ in range(self.count(node, depth)):
                el.append(self.element(decl, name, depth + 1, owner))

    def count(self, node, depth: int = 0) -> int:
        """How many times a particle occurs: its minimum, or one more or two (most of the time
        when optional; fewer deep in the tree, which keeps documents small)."""
        low = int(node.get("minOccurs", "1"))
        high = node.get("maxOccurs", "1")
        top = 2 if high == "unbounded" else int(high)
        if low >= top:
            return low
        if self.rng.random() < (0.25 if depth > 3 else 0.15):
            return low
        return self.rng.randint(max(low, 1), top)

    # Attributes -----------------------------------------------------------------------------

    def attributes(self, el, node, owner: str) -> None:
        for attr in node.findall(f"{XS}attribute"):
            # A `<position/>` without attributes says nothing and comes back as `<begin/><end/>`
            # (the model keeps points, not empty elements): give it its position.
            needed = el.tag == f"{{{NS}}}position" and attr.get("name") == "position"
            if attr.get("use") != "required" and not needed and self.rng.random() < 0.2:
                continue
            name = attr.get("name")
            inline = attr.find(f"{XS}simpleType")
            type_name = _local(attr.get("type"))
            if inline is not None:
                value = self.simple_value(inline, f"@{name}")
            elif type_name in self.simple:
                value = self.simple_value(self.simple[type_name], f"@{name}")
            else:
                value = self.builtin_value(type_name, f"@{name}", owner)
            el.set(name, value)

    # Values ---------------------------------------------------------------------------------

    def simple_value(self, stype, name: str) -> str:
        restriction = stype.find(f"{XS}restriction")
        if restriction is not None:
            values = [e.get("value") for e in restriction.findall(f"{XS}enumeration")]
            if values:
                return self.rng.choice(values)
            return self.builtin_value(_local(restriction.get("base")), name, "")
        if stype.find(f"{XS}list") is not None:
            return " ".join(str(self.rng.randint(1, 40)) for _ in range(self.rng.randint(1, 3)))
        # A union (citation dates: date, year-month or year).
        return self.rng.choice(["2010-05-17", "2004-11", "1999"])

    def builtin_value(self, type_name: str | None, name: str, parent: str) -> str:
        rng = self.rng
        if type_name in ("int", "integer", "unsignedLong"):
            return str(rng.randint(1, 5000))
        if type_name == "boolean":
            return rng.choice(["true", "false"])
        if type_name == "date":
            return f"{rng.randint(1986, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if type_name == "float":
            return rng.choice(["7421.0", "9571", "8752.02", "1133.7"])
        if type_name == "anyURI":
            return f"https://example.org/{rng.randint(1, 99)}"
        if name == "sequence" and parent == "":
            return "".join(rng.choice(RESIDUES) for _ in range(rng.randint(1, 120)))
        return " ".join(rng.choice(TEXT_PIECES) for _ in range(rng.randint(1, 3)))


def _local(name: str | None) -> str | None:
    return None if name is None else name.split(":")[-1]
