"""Reference figures for cascade's oracle test, computed with NetworkX.

Input (argv[1]): blocks of "tree NAME" followed by "CHILD PARENT" lines, one
per claim, parent 0 for a seed claim (a child of the root, the campaign).
Output: one JSON object per tree and line, with NAME.
"""
import json
import multiprocessing
import statistics
import sys

import networkx as nx


def figures(block):
    name, edges, small = block
    g = nx.Graph()  # undirected: wiener_index is infinite on a directed tree
    g.add_node(0)
    g.add_edges_from((p, c) for c, p in edges)
    out = {"name": name}
    layers = [len(layer) for layer in nx.bfs_layers(g, 0)]
    out["generations"] = layers[1:]
    depth = nx.shortest_path_length(g, 0)
    depths = [d for n, d in depth.items() if n != 0]
    out["depth_max"] = max(depths, default=0)
    out["depth_mean"] = sum(depths) / len(depths) if depths else 0.0
    out["depth_median"] = float(statistics.median(depths)) if depths else 0.0

    # Each seed's cascade: its component once the root is gone. Depths
    # count as in the campaign's tree: the seed claim is depth 1.
    forest = g.copy()
    forest.remove_node(0)
    cascades = {}
    for seed in g.neighbors(0):
        h = forest.subgraph(nx.node_connected_component(forest, seed)).copy()  # a view is slow
        levels = [len(layer) for layer in nx.bfs_layers(h, seed)]
        cascades[seed] = {
            "size": len(h),
            "depth": len(levels),
            "breadth": max(levels),
            "wiener": round(nx.wiener_index(h)) if len(h) > 1 else 0,
            "aspl": nx.average_shortest_path_length(h) if len(h) > 1 else None,
        }
    out["cascades"] = cascades
    # The campaign's structural virality (Goel et al. define it per
    # cascade): the size-weighted mean over cascades of 2 claims or more.
    spread = [c for c in cascades.values() if c["aspl"] is not None]
    total = sum(c["size"] for c in spread)
    out["virality"] = sum(c["size"] * c["aspl"] for c in spread) / total if total else None

    if small:
        d = nx.DiGraph()
        d.add_edges_from((p, c) for c, p in edges if p != 0)
        d.add_nodes_from(c for c, p in edges)
        out["descendants"] = {n: len(nx.descendants(d, n)) for n in d}
    return out


def blocks(path):
    block = None
    with open(path) as f:
        for line in f:
            parts = line.split()
            if parts[0] == "tree":
                if block:
                    yield block
                block = (parts[1], [], parts[2] == "small")
            else:
                block[1].append((int(parts[0]), int(parts[1])))
    if block:
        yield block


if __name__ == "__main__":
    todo = sorted(blocks(sys.argv[1]), key=lambda b: -len(b[1]))  # longest first
    with multiprocessing.Pool() as pool:
        for out in pool.imap_unordered(figures, todo):
            print(json.dumps(out))
