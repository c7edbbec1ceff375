"""The layering of shared/architecture.md, checked on the source itself (AST, no tool).

- rules modules (``<pkg>/rules.py``, ``<pkg>/rules/``) are pure: no SQLAlchemy, Flask or Dash;
- ``assessment`` and ``accountability`` never import ``cadres``;
- ``portal`` reaches the domain packages only through ``portal/plugins.py``;
- another package reaches a domain package only through its ``service.py`` façade (and
  its ``enums``, the shared vocabulary);
- pages call services: no page imports SQLAlchemy;
- no import cycle between modules, counting imports inside functions (they run too);
  only ``if TYPE_CHECKING:`` blocks are left out, because they never run.

The last test builds a small fake tree with one violation of each kind and shows that
every check catches its own.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("portal", "assessment", "cadres", "accountability")
DOMAINS = ("assessment", "cadres", "accountability")
IMPURE = ("sqlalchemy", "flask", "dash",
          "plotly")  # and their extensions (flask_login, dash_ag_grid …)
FACADE = ("service", "enums")


@dataclass(frozen=True)
class Import:
    source: str  # the importing module, e.g. "cadres.evidence"
    target: str  # the imported module (or the top-level name of a third-party package)
    line: int
    in_function: bool

    def __str__(self) -> str:
        where = "inside a function" if self.in_function else "at the top"
        return f"{self.source} imports {self.target} (line {self.line}, {where})"


def _modules(root: Path) -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _import_nodes(tree: ast.AST, in_function: bool = False):
    """Every import statement with whether it sits inside a function; skips TYPE_CHECKING."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            yield from _import_nodes(ast.Module(body=node.orelse, type_ignores=[]), in_function)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, in_function
        inner = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        yield from _import_nodes(node, inner)


def _resolve(name: str, modules: dict[str, Path]) -> str:
    """The longest known module that ``name`` names, or its top-level package."""
    probe = name
    while probe:
        if probe in modules:
            return probe
        probe = probe.rpartition(".")[0]
    return name.partition(".")[0]


def _absolute(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    package = package[:len(package) - (node.level - 1)]
    return ".".join(package + ([node.module] if node.module else []))


def imports(root: Path) -> list[Import]:
    modules = _modules(root)
    found = []
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node, in_function in _import_nodes(tree):
            if isinstance(node, ast.Import):
                targets = [_resolve(alias.name, modules) for alias in node.names]
            else:
                base = _absolute(module, path, node)
                # ``from pkg import mod`` imports the module pkg.mod; ``from mod import name`` mod
                targets = [_resolve(f"{base}.{alias.name}", modules) for alias in node.names]
            found += [Import(module, t, node.lineno,
                             in_function) for t in dict.fromkeys(targets) if t != module]
    return found


def _top(name: str) -> str:
    return name.partition(".")[0]


# --- the checks ----------------------------------------------------------------------------------

def impure_rules(found: list[Import]) -> list[Import]:
    """Rules modules importing the database or the web."""
    def is_rules(module: str) -> bool:
        parts = module.split(".")
        return len(parts) > 1 and parts[1] == "rules"
    return [i for i in found if is_rules(i.source) and _top(i.target).startswith(IMPURE)]


def evidence_importing_cadres(found: list[Import]) -> list[Import]:
    """``assessment`` or ``accountability`` importing ``cadres`` (evidence flows one way)."""
    return [i for i in found if _top(i.source) in ("assessment",
                                                   "accountability") and _top(i.target) == "cadres"]


def platform_importing_domains(found: list[Import]) -> list[Import]:
    """``portal`` importing a domain package anywhere but ``portal.plugins``."""
    return [i for i in found if _top(i.source) == "portal" and i.source != "portal.plugins"
            and _top(i.target) in DOMAINS]


def around_the_facade(found: list[Import]) -> list[Import]:
    """A package importing another domain package's modules other than its façade."""
    return [
        i
        for i in found
        if _top(i.target) in DOMAINS
        and _top(i.source) != _top(i.target)
        and _top(i.source) != "portal"
        and i.target.split(".")[1:2] not in ([f] for f in FACADE)
    ]


def pages_with_queries(found: list[Import]) -> list[Import]:
    """Pages importing SQLAlchemy (a page calls services; it builds no query)."""
    return [i for i in found if ".pages." in f"{i.source}." and _top(i.target) == "sqlalchemy"]


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    stack = list(graph.get(start, ()))
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(graph.get(node, ()))
    return seen


def cycles(found: list[Import]) -> list[list[str]]:
    """Every group of modules that import one another (directly or around a ring), once."""
    graph: dict[str, set[str]] = {}
    for i in found:
        if _top(i.target) in PACKAGES:
            graph.setdefault(i.source, set()).add(i.target)
    reach = {node: _reachable(graph, node) for node in graph}
    groups = {frozenset({node} | {other for other in reach[node] if node in reach.get(other, ())})
              for node in graph if node in reach[node]}
    return sorted(sorted(group) for group in groups)


# --- the code base keeps them
# ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def found() -> list[Import]:
    return imports(REPO)


def _lines(problems) -> str:
    return "\n".join(str(p) for p in problems)


def test_rules_modules_import_neither_the_database_nor_the_web(found):
    assert not impure_rules(found), _lines(impure_rules(found))


def test_assessment_and_accountability_never_import_cadres(found):
    assert not evidence_importing_cadres(found), _lines(evidence_importing_cadres(found))


def test_the_platform_reaches_the_domain_packages_only_through_plugins(found):
    assert not platform_importing_domains(found), _lines(platform_importing_domains(found))


def test_other_packages_use_a_domain_package_through_its_service_facade(found):
    assert not around_the_facade(found), _lines(around_the_facade(found))


def test_pages_build_no_queries(found):
    assert not pages_with_queries(found), _lines(pages_with_queries(found))


def test_there_is_no_import_cycle_not_even_through_an_import_inside_a_function(found):
    assert not cycles(found), cycles(found)


def test_the_checks_see_the_whole_code_base(found):
    sources = {i.source for i in found}
    assert {"portal.plugins", "cadres.evidence", "assessment.rules.scoring",
            "accountability.pages.desk"} <= sources
    assert any(i.in_function for i in found)  # imports inside functions are counted


# --- and would catch each violation
# ------------------------------------------------------------------

FAKE_TREE = {
    "portal/__init__.py": "",
    "portal/plugins.py": "import cadres.models\n",  # allowed: the one door
    "portal/shell.py": "from assessment import service\n",  # platform → domain
    "assessment/__init__.py": "",
    "assessment/service.py": "",
    "assessment/rules.py": "from sqlalchemy import select\n",  # impure rules
    "assessment/scores.py": "def f():\n    from cadres import service\n",  # assessment → cadres
    "accountability/__init__.py": "",
    "accountability/rules/__init__.py": "",
    "accountability/rules/effects.py": "import dash_bootstrap_components\n",  # impure rules (package)  # noqa: E501
    "accountability/cases.py": "from . import measures\n",  # cycle, relative, at the top …
    "accountability/measures.py": "def f():\n    from accountability import cases\n",  # … and in a function  # noqa: E501
    "accountability/service.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import "
    "cadres.models\n",
    "cadres/__init__.py": "",
    "cadres/models.py": "",
    "cadres/service.py": "",
    "cadres/evidence.py": "from accountability.measures import f\nfrom accountability import "
    "service\n",
    "cadres/pages/__init__.py": "",
    "cadres/pages/profile.py": "from sqlalchemy.orm import Session\nfrom cadres import service\n",  # page → ORM  # noqa: E501
}


def test_each_check_catches_its_violation_in_a_fake_tree(tmp_path):
    for name, text in FAKE_TREE.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    found = imports(tmp_path)
    pairs = lambda problems: {(p.source, p.target) for p in problems}  # noqa: E731

    assert pairs(impure_rules(found)) == {("assessment.rules", "sqlalchemy"),
                                         ("accountability.rules.effects",
                                          "dash_bootstrap_components")}
    assert pairs(evidence_importing_cadres(found)) == {("assessment.scores", "cadres.service")}
    assert pairs(platform_importing_domains(found)) == {("portal.shell", "assessment.service")}
    assert pairs(around_the_facade(found)) == {("cadres.evidence", "accountability.measures")}
    assert pairs(pages_with_queries(found)) == {("cadres.pages.profile", "sqlalchemy")}
    assert cycles(found) == [["accountability.cases", "accountability.measures"]]
