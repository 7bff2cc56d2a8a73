"""The house rules, read from the source: no import loops, no floor reaching up, the engine free of the web.

Imports are read with `ast` (including those inside functions, which would otherwise hide a loop), so these
tests need nothing imported and fail with the offending module named.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("talent_match", "embeddings")
# Domains of talent_match.services, lowest first: a module may import its own folder or any folder before it.
SERVICE_LAYERS = ["<kernel>", "mail", "reference", "accounts", "search", "hiring", "matching", "outcomes", "training",
                  "digests", "transfers", "privacy", "demo"]
WEB_ONLY = ("flask", "flask_login", "flask_wtf", "flask_babel", "flask_limiter", "flask_migrate", "wtforms")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Every module `name` imports, resolved to the modules of this project (or the top name of a library)."""
    is_package = path.name == "__init__.py"
    here = name.split(".") if is_package else name.split(".")[:-1]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
            base = here[:len(here) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:
                child = f"{target}.{alias.name}"
                out.add(child if child in MODULES else target)
    return out


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in GRAPH[node]:
            if target not in GRAPH:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
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

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    return found


def _layer(module: str) -> int | None:
    parts = module.split(".")
    if parts[:2] != ["talent_match", "services"] or len(parts) < 3:
        return None
    folder = parts[2] if (ROOT / "talent_match" / "services" / parts[2]).is_dir() else "<kernel>"
    return SERVICE_LAYERS.index(folder)


def test_no_module_imports_itself_in_a_loop():
    assert _cycles() == []


def test_services_never_reach_up_to_the_web_the_api_the_cli_or_the_app_factory():
    offending = []
    for module, targets in GRAPH.items():
        if not module.startswith("talent_match.services"):
            continue
        for target in targets:
            top = target.split(".")[0]
            if (top in WEB_ONLY or target == "talent_match" or target.startswith(
                    ("talent_match.web", "talent_match.api", "talent_match.cli", "talent_match.security",
                     "talent_match.extensions", "talent_match.errors"))):
                offending.append(f"{module} imports {target}")
    assert offending == []


def test_each_service_domain_imports_only_itself_and_the_domains_below_it():
    upward = []
    for module, targets in GRAPH.items():
        mine = _layer(module)
        if mine is None:
            continue
        for target in targets:
            theirs = _layer(target)
            if theirs is not None and theirs > mine:
                upward.append(f"{module} ({SERVICE_LAYERS[mine]}) imports {target} ({SERVICE_LAYERS[theirs]})")
    assert upward == []


def test_every_service_folder_is_a_known_domain_and_the_root_stays_small():
    services = ROOT / "talent_match" / "services"
    folders = {p.name for p in services.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == set(SERVICE_LAYERS) - {"<kernel>"}
    root_modules = [p.name for p in services.glob("*.py") if p.name != "__init__.py"]
    assert len(root_modules) <= 10, root_modules
    for folder in folders:  # each folder says in one line what it is for
        docstring = ast.get_docstring(ast.parse((services / folder / "__init__.py").read_text(encoding="utf-8")))
        assert docstring and "TODO" not in docstring, folder


def test_the_engine_package_knows_nothing_of_flask_or_the_app():
    offending = [f"{module} imports {target}" for module, targets in GRAPH.items() if module.startswith("embeddings")
                 for target in targets if target.split(".")[0] in ("flask", "talent_match")]
    assert offending == []


@pytest.mark.parametrize("package", ["talent_match.web", "talent_match.api"])
def test_edge_modules_do_not_import_the_package_that_registers_them(package):
    offending = [f"{module} imports {package}" for module, targets in GRAPH.items()
                 if module.startswith(package + ".") and package in targets]
    assert offending == []
