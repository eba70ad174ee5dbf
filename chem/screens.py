"""What a molecule must hold for a class rule or a transform template to match it: the rule's
element graph (atoms that need one element keep it, any other atom and every bond relaxed) and
the atoms of each element it needs. Screens read only atoms, elements and bonds, so they hold
as well on a molecule parsed and not yet sanitized; atom counts come from a plain SMILES or a
formula without any molecule. Used by `chem.structures` to skip work that cannot match.
"""

from __future__ import annotations

import re

from rdkit import Chem


def organic_counts(plain: str) -> tuple[int, int, int]:
    """Carbon, nitrogen and oxygen atoms a plain SMILES (see `is_plain`) writes: there every atom
    symbol is one letter but Cl and Br, and brackets hold one organic atom each."""
    return (plain.count("C") - plain.count("Cl") + plain.count("c"),
            plain.count("N") + plain.count("n"), plain.count("O") + plain.count("o"))


def organic_counts_of(query: Chem.Mol) -> tuple[int, int, int]:
    """Carbon, nitrogen and oxygen atoms a query needs (its atoms of one element: see
    `relaxed`)."""
    elements = [atom.GetAtomicNum() for atom in query.GetAtoms()]
    return elements.count(6), elements.count(7), elements.count(8)


def class_screens(rules: list[Chem.Mol], skeletons: list[Chem.Mol]) -> list[Chem.Mol]:
    """Element graphs (see `relaxed`) that every molecule matching a class rule holds, other
    than those that already hold a designer skeleton: a molecule with none of these and no
    skeleton matches no rule. A rule graph holding a skeleton or a smaller rule graph is dropped
    (that one's test already lets its molecules through)."""
    graphs = sorted((relaxed(q) for q in rules), key=lambda pair: pair[1].GetNumAtoms())
    kept: list[Chem.Mol] = []
    for graph, query in graphs:
        if not any(graph.HasSubstructMatch(k) for k in [*skeletons, *kept]):
            kept.append(query)
    return kept


def relaxed(query: Chem.Mol) -> tuple[Chem.Mol, Chem.Mol]:
    """A query's graph as a molecule and as a query: each atom that needs one element (see
    `required_element`) keeps only that element, every other atom is any atom, every bond any
    bond. Whatever matches `query` matches it (the same atoms), and so does the
    molecule before sanitization, which changes no atom, element or bond between atoms."""
    rw = Chem.RWMol()
    for atom in query.GetAtoms():
        rw.AddAtom(Chem.Atom(required_element(atom)))
    for bond in query.GetBonds():
        rw.AddBond(bond.GetBeginAtomIdx(), bond.GetEndAtomIdx(), Chem.BondType.SINGLE)
    graph = rw.GetMol()
    graph.UpdatePropertyCache(strict=False)
    smarts = Chem.MolToSmarts(graph).replace("[#0]", "*").replace("-", "~")
    return graph, Chem.MolFromSmarts(smarts)


def required_element(atom: Chem.Atom) -> int:
    """The element (atomic number > 1) every atom matching a query atom has, else 0: one of its
    top-level `;` parts is a plain conjunction (no alternative, negation or recursion) naming
    that element ("[N&X3;$([H1]),$(N(C)C=O)]" needs N, "[N,O]" and "[$(NC=O)]" nothing)."""
    z = atom.GetAtomicNum()
    if z <= 1:
        return 0
    smarts = atom.GetSmarts()
    if smarts.startswith("[") and smarts.endswith("]"):
        smarts = smarts[1:-1]
    depth, part, parts = 0, "", []
    for c in smarts:
        depth += (c == "(") - (c == ")")
        if c == ";" and depth == 0:
            parts.append(part)
            part = ""
        else:
            part += c
    parts.append(part)
    for part in parts:
        if part and not any(c in part for c in ",!$"):
            plain = Chem.MolFromSmarts(f"[{part}]")
            if plain is not None and plain.GetAtomWithIdx(0).GetAtomicNum() == z:
                return z
    return 0


def required_atoms(template: Chem.Mol) -> tuple[tuple[str, int], ...]:
    """(element, atoms) every match of a reaction template needs: its atoms that need one
    element (`required_element`), counted, so never more than a match takes."""
    table = Chem.GetPeriodicTable()
    counts: dict[str, int] = {}
    for atom in template.GetAtoms():
        z = required_element(atom)
        if z:
            symbol = table.GetElementSymbol(z)
            counts[symbol] = counts.get(symbol, 0) + 1
    return tuple(sorted(counts.items()))


_FORMULA_PART = re.compile(r"([A-Z][a-z]?)(\d*)")


def formula_counts(formula: str) -> dict[str, int]:
    """Atoms per element of a molecular formula ("C9H10O" -> C 9, H 10, O 1)."""
    counts: dict[str, int] = {}
    for symbol, n in _FORMULA_PART.findall(formula):
        counts[symbol] = counts.get(symbol, 0) + (int(n) if n else 1)
    return counts
