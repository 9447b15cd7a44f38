"""The installed wheel on its own: every module of courses and certificates imports,
and the wheel requires exactly the packages they import (no more, no fewer).

`python .ci/wheel_imports.py PROJECT_DIR`, with DJANGO_SETTINGS_MODULE naming the
settings of PROJECT_DIR, a new Wagtail site with docs/install.md's blocks, in a
fresh virtual environment where only the wheel was installed. A package imported
only inside a function or for type checking (RQ's, polib) may come from an extra.
"""

import ast
import importlib
import importlib.metadata as metadata
import pkgutil
import re
import sys
import sysconfig
import traceback
from collections import defaultdict
from pathlib import Path

PLUGIN = ("courses", "certificates")
DISTRIBUTION = "wagtail-stem-lms"

sys.path.insert(0, sys.argv[1])
import django  # noqa: E402

django.setup()


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> tuple[set[str], set[str]]:
    """The wheel's required distributions, and those of its extras."""
    required, optional = set(), set()
    for requirement in metadata.requires(DISTRIBUTION) or []:
        name = normalised(re.match(r"[A-Za-z0-9._-]+", requirement).group())
        (optional if "extra ==" in requirement else required).add(name)
    return required, optional


def import_everything() -> tuple[int, list[str]]:
    """Import every module of the plugin; the failures as readable lines."""
    failures: list[str] = []

    def failed(name: str) -> None:
        failures.append(f"{name}: {traceback.format_exc(limit=-1).strip()}")

    count = 0
    for package_name in PLUGIN:
        package = importlib.import_module(package_name)
        for module in pkgutil.walk_packages(
            package.__path__, f"{package_name}.", onerror=failed
        ):
            try:
                importlib.import_module(module.name)
            except Exception:
                failed(module.name)
            else:
                count += 1
    return count, failures


def deferred(tree: ast.Module) -> set[int]:
    """The nodes that do not run on import: inside functions, or only for the
    type checker (``if TYPE_CHECKING:``)."""
    return {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.FunctionDef | ast.AsyncFunctionDef)
        or (isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test))
        for node in ast.walk(block)
    }


def imported_names() -> dict[str, dict[str, bool]]:
    """Each top-level name the plugin imports: for each file, whether it is
    imported as the module is (not only inside a function)."""
    found: dict[str, dict[str, bool]] = defaultdict(dict)
    for package_name in PLUGIN:
        root = Path(importlib.import_module(package_name).__file__).parent
        for path in sorted(root.rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            later = deferred(tree)
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and not node.level:
                    names = [node.module]
                else:
                    continue
                where = str(path.relative_to(root.parent))
                for name in names:
                    top = name.split(".")[0]
                    if top in sys.stdlib_module_names or top in PLUGIN:
                        continue
                    at_top = id(node) not in later
                    found[top][where] = found[top].get(where, False) or at_top
    return found


def main() -> int:
    for package_name in PLUGIN:
        location = Path(importlib.import_module(package_name).__file__)
        if not location.is_relative_to(sysconfig.get_paths()["purelib"]):
            print(f"{package_name} comes from {location}, not the wheel")
            return 1
    count, problems = import_everything()
    required, optional = declared()
    distributions = metadata.packages_distributions()
    used: set[str] = set()
    for name, files in sorted(imported_names().items()):
        where = ", ".join(sorted(files))
        if name not in distributions:
            # Not installed: only a deferred import, of a declared extra.
            if any(files.values()) or normalised(name) not in optional:
                problems.append(f"{where}: {name} is declared nowhere in the wheel")
            continue
        sources = {normalised(dist) for dist in distributions[name]}
        used |= sources
        if not sources & required:
            problems.append(
                f"{where}: {name} (from {', '.join(sorted(sources))}) is not "
                "among the wheel's requirements"
            )
    for name in sorted(required - used):
        problems.append(f"the wheel requires {name}, which the plugin never imports")
    for problem in problems:
        print(problem)
    print(f"{count} modules imported; the wheel requires {len(required)} packages")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
