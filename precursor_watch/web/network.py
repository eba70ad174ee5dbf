"""Vendor networks as a graph: vendors and the contact identifiers they share (a bipartite
graph), as JSON for the bundled drawing script and as GraphML / GEXF for Gephi or Maltego."""

from __future__ import annotations

import sqlite3
from xml.sax.saxutils import escape, quoteattr

from precursor_watch.web.countries import country_code
from precursor_watch.web.hit_queries import as_list, rows

MAX_NETWORKS = 60  # the largest networks drawn and listed when none is chosen


def _largest(conn: sqlite3.Connection, limit: int) -> list[int]:
    return [r[0] for r in conn.execute(
        "select network from vendor_networks where size > 1 group by network"
        " order by max(size) desc, network limit ?", [limit])]


def networks(conn: sqlite3.Connection, network: int | None = None,
             limit: int = MAX_NETWORKS) -> list[dict]:
    """Networks of two or more vendors (the largest `limit` when none is chosen): members and
    the identifiers they share."""
    chosen = [network] if network is not None else _largest(conn, limit)
    where = f"where n.size > 1 and n.network in ({','.join('?' * len(chosen)) or 'null'})"
    nets = rows(conn, f"""
select n.network, n.size, max(n.platforms) as platforms, max(n.linked_by) as linked_by,
  json_group_array(json_object('vendor', v.id, 'name', v.name, 'country', v.country)) as members
from vendor_networks n join vendors v on v.id = n.vendor {where}
group by n.network order by n.size desc, n.network""", chosen)
    for n in nets:
        n["linked_by"] = as_list(n["linked_by"])
        n["members"] = sorted(as_list(n["members"]), key=lambda m: m["name"] or "")
        for m in n["members"]:
            m["country"] = country_code(m["country"]) or m["country"]
    return nets


def graph(conn: sqlite3.Connection, network: int | None = None,
          limit: int | None = MAX_NETWORKS) -> dict:
    """Nodes (vendors, identifiers) and edges (vendor uses identifier) of shared identifiers,
    for one network, the largest `limit` networks, or all (limit None: the exports)."""
    chosen = [network] if network is not None else (
        _largest(conn, limit) if limit is not None else None)
    where = "" if chosen is None else f"and n.network in ({','.join('?' * len(chosen)) or 'null'})"
    edges = rows(conn, f"""
select distinct p.vendor, i.kind, i.value, n.network
from vendor_networks n join vendor_profiles p on p.vendor = n.vendor
join vendor_identifiers i on i.vendor_profile = p.id
where n.size > 1 {where} and exists (
  select 1 from vendor_identifiers j join vendor_profiles q on q.id = j.vendor_profile
  where j.kind = i.kind and j.value = i.value and q.vendor != p.vendor)
order by n.network, p.vendor""", chosen or [])
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
