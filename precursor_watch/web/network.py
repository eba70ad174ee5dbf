"""Vendor networks as a graph: vendors and the contact identifiers they share (a bipartite
graph), as JSON for the bundled drawing script and as GraphML / GEXF for Gephi or Maltego."""

from __future__ import annotations

import sqlite3
from xml.sax.saxutils import escape, quoteattr

from pipelines.countries import country_code
from pipelines.hit_queries import as_list, rows


def networks(conn: sqlite3.Connection, network: int | None = None) -> list[dict]:
    """Networks of two or more vendors: members (names from every profile) and shared ids."""
    where = "where n.size > 1" + (" and n.network = ?" if network is not None else "")
    nets = rows(conn, f"""
select n.network, n.size, max(n.platforms) as platforms, max(n.linked_by) as linked_by,
  json_group_array(json_object('vendor', v.id, 'name', v.name, 'country', v.country)) as members
from vendor_networks n join vendors v on v.id = n.vendor {where}
group by n.network order by n.size desc, n.network""", [network] if network is not None else [])
    for n in nets:
        n["linked_by"] = as_list(n["linked_by"])
        n["members"] = sorted(as_list(n["members"]), key=lambda m: m["name"] or "")
        for m in n["members"]:
            m["country"] = country_code(m["country"]) or m["country"]
    return nets


def graph(conn: sqlite3.Connection, network: int | None = None) -> dict:
    """Nodes (vendors, identifiers) and edges (vendor uses identifier) of shared identifiers."""
    where = "and n.network = ?" if network is not None else ""
    edges = rows(conn, f"""
select distinct p.vendor, i.kind, i.value, n.network
from vendor_identifiers i join vendor_profiles p on p.id = i.vendor_profile
join vendor_networks n on n.vendor = p.vendor and n.size > 1 {where}
where (i.kind, i.value) in (
  select j.kind, j.value from vendor_identifiers j join vendor_profiles q
    on q.id = j.vendor_profile group by j.kind, j.value having count(distinct q.vendor) > 1)
order by n.network, p.vendor""", [network] if network is not None else [])
    vendors = {r["vendor"] for r in edges}
    names = {r["vendor"]: r for r in rows(
        conn, f"select v.id as vendor, v.name, v.country, n.network from vendors v join"
        f" vendor_networks n on n.vendor = v.id where v.id in ({','.join('?' * len(vendors))})",
        sorted(vendors))} if vendors else {}
    nodes = [{"id": f"v{v}", "type": "vendor", "label": names[v]["name"] or f"vendor {v}",
              "vendor": v, "network": names[v]["network"],
              "country": country_code(names[v]["country"]) or names[v]["country"]}
             for v in sorted(vendors)]
    idents = sorted({(r["kind"], r["value"]) for r in edges})
    nodes += [{"id": f"i:{k}:{v}", "type": "identifier", "label": f"{k}: {v}", "kind": k}
              for k, v in idents]
    links = [{"source": f"v{r['vendor']}", "target": f"i:{r['kind']}:{r['value']}",
              "network": r["network"]} for r in edges]
    return {"nodes": nodes, "edges": links}


def to_graphml(g: dict) -> str:
    keys = ("type", "label", "kind", "country", "network")
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">']
    out += [f'  <key id="{k}" for="node" attr.name="{k}" attr.type="string"/>' for k in keys]
    out.append('  <graph id="vendor-networks" edgedefault="undirected">')
    for n in g["nodes"]:
        out.append(f"    <node id={quoteattr(n['id'])}>")
        out += [f'      <data key="{k}">{escape(str(n[k]))}</data>'
                for k in keys if n.get(k) is not None]
        out.append("    </node>")
    for i, e in enumerate(g["edges"]):
        out.append(f'    <edge id="e{i}" source={quoteattr(e["source"])}'
                   f' target={quoteattr(e["target"])}/>')
    out += ["  </graph>", "</graphml>", ""]
    return "\n".join(out)


def to_gexf(g: dict) -> str:
    attrs = ("type", "kind", "country", "network")
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<gexf xmlns="http://gexf.net/1.3" version="1.3">',
           '  <graph mode="static" defaultedgetype="undirected">',
           '    <attributes class="node">']
    out += [f'      <attribute id="{i}" title="{a}" type="string"/>' for i, a in enumerate(attrs)]
    out += ["    </attributes>", "    <nodes>"]
    for n in g["nodes"]:
        out.append(f"      <node id={quoteattr(n['id'])} label={quoteattr(n['label'])}>")
        out.append("        <attvalues>")
        out += [f'          <attvalue for="{i}" value={quoteattr(str(n[a]))}/>'
                for i, a in enumerate(attrs) if n.get(a) is not None]
        out += ["        </attvalues>", "      </node>"]
    out += ["    </nodes>", "    <edges>"]
    out += [f'      <edge id="{i}" source={quoteattr(e["source"])}'
            f' target={quoteattr(e["target"])}/>' for i, e in enumerate(g["edges"])]
    out += ["    </edges>", "  </graph>", "</gexf>", ""]
    return "\n".join(out)
