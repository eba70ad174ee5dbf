"""Structure drawings: RDKit 2D SVG from a SMILES, sanitized and cached. Shared by Datasette
(structure images) and the HTML report."""

from __future__ import annotations

import re
from functools import lru_cache

MAX_SMILES = 500
_UNSAFE = re.compile(r"<\s*(script|foreignObject|iframe|object|embed)\b.*?(</\s*\1\s*>|/>)",
                     re.I | re.S)
_EVENT_ATTR = re.compile(r"\s(on\w+|href|xlink:href)\s*=\s*(['\"]).*?\2", re.I | re.S)


class DrawingError(ValueError):
    pass


@lru_cache(maxsize=4096)
def structure_svg(smiles: str, size: int = 240) -> str:
    """SVG of a structure; raises DrawingError for a SMILES RDKit cannot read or sanitize."""
    from rdkit import Chem
    from rdkit.Chem.Draw import rdMolDraw2D

    if not smiles or len(smiles) > MAX_SMILES:
        raise DrawingError("no structure or structure too large to draw")
    mol = Chem.MolFromSmiles(smiles, sanitize=True)
    if mol is None or mol.GetNumAtoms() == 0:
        raise DrawingError(f"RDKit cannot read the structure {smiles!r}")
    drawer = rdMolDraw2D.MolDraw2DSVG(size, size)
    drawer.drawOptions().clearBackground = False
    rdMolDraw2D.PrepareAndDrawMolecule(drawer, mol)
    drawer.FinishDrawing()
    return sanitize_svg(drawer.GetDrawingText())


def sanitize_svg(svg: str) -> str:
    """Keep drawing elements only: no XML prolog, scripts, foreign objects, links or handlers."""
    svg = re.sub(r"<\?xml[^>]*\?>", "", svg).strip()
    svg = _UNSAFE.sub("", svg)
    return _EVENT_ATTR.sub("", svg)
