"""The package's structure in figures: modules and their sizes, import circles, imports made
inside functions, and private names imported across modules.

    python scripts/structure.py [--list]

Imports are read from the source (``ast``), every one of them, at module level or inside a
function: a circle is a set of modules each of which imports, directly or through the others,
every other one (Tarjan's strongly connected components of the import graph). ``from . import
x`` where ``x`` is a module counts as importing that module; a package's ``__init__`` counts
as a module of its own. tests/test_structure.py asserts that there is no circle and no private
name imported across modules.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "ita_analysis"


@dataclass
class Structure:
    lines: dict[str, int] = field(default_factory=dict)  # module -> lines of source
    imports: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    inner: list[tuple[str, int, str]] = field(default_factory=list)  # (module, line, what)
    private: list[tuple[str, str, str]] = field(default_factory=list)  # (module, from, name)

    def circles(self) -> list[list[str]]:
        return strongly_connected(self.imports, set(self.lines))


def modules(root: Path) -> dict[str, tuple[Path, bool]]:
    found = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def _target(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    if node.level > 1:
        base = base[:len(base) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def read(root: Path = ROOT) -> Structure:
    known = modules(root)
    s = Structure()
    for module, (path, is_package) in known.items():
        source = path.read_text(encoding="utf-8")
        s.lines[module] = len(source.splitlines())
        tree = ast.parse(source)
        nested = {id(n) for fn in ast.walk(tree)
                  if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef)
                  for n in ast.walk(fn) if isinstance(n, ast.Import | ast.ImportFrom)}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                target = _target(module, is_package, node)
                names = [a.name for a in node.names]
                ours = target == PACKAGE or target.startswith(PACKAGE + ".")
                for name in names if ours else []:
                    if f"{target}.{name}" in known:
                        s.imports[module].add(f"{target}.{name}")
                        continue
                    s.imports[module].add(target)
                    if name.startswith("_") and not name.startswith("__"):
                        s.private.append((module, target, name))
                what = f"{target}: {', '.join(names)}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == PACKAGE:
                        s.imports[module].add(alias.name)
                what = ", ".join(a.name for a in node.names)
            else:
                continue
            if id(node) in nested:
                s.inner.append((module, node.lineno, what))
        s.imports[module].discard(module)
    return s


def strongly_connected(edges: dict[str, set[str]], nodes: set[str]) -> list[list[str]]:
    """Tarjan's algorithm, iteratively; components of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(nodes):
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()) & nodes)))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ()) & nodes))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true",
                        help="list every import inside a function and every module's size")
    args = parser.parse_args(argv)
    s = read()
    sizes = sorted(s.lines.items(), key=lambda t: (-t[1], t[0]))
    print(f"modules: {len(s.lines)} ({sum(s.lines.values()):,} lines)")
    print("largest: " + ", ".join(f"{m.removeprefix(PACKAGE + '.')} {n}" for m, n in sizes[:8]))
    print(f"over 500 lines: {sum(1 for _, n in sizes if n > 500)}")
    circles = s.circles()
    print(f"import circles: {len(circles)}")
    for circle in circles:
        print("  " + " <-> ".join(circle))
    print(f"imports inside functions: {len(s.inner)}")
    print(f"private names imported across modules: {len(s.private)}")
    for module, target, name in s.private:
        print(f"  {module} imports {name} from {target}")
    if args.list:
        for module, line, what in s.inner:
            print(f"  inner {module}:{line} {what}")
        for module, n in sizes:
            print(f"  {n:5d} {module}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
