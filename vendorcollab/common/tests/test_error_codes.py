"""Error codes are enum members everywhere they are raised, and one value means one refusal across the apps."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from vendorcollab.api.error_codes import ENUMS, SHARED

SOURCE = Path(__file__).resolve().parents[2]
# The error types, and the helpers that build one from a code: the position of the code among the arguments.
CONSTRUCTORS = {
    "AppError",
    "ValidationFailed",
    "NotFound",
    "PermissionRefused",
    "Conflict",
    "NotAuthenticated",
    "TooManyAttempts",
    "UnsupportedMediaType",
    "UnreadableDocument",
    "RequestTooLarge",
    "conflict",
    "unreadable",
}
SECOND_ARGUMENT = {"invalid", "add", "add_text", "error_response"}


def string_codes(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        args = []
        if name in CONSTRUCTORS and node.args:
            args.append(node.args[0])
        if name in SECOND_ARGUMENT and len(node.args) > 1:
            args.append(node.args[1])
        args += [keyword.value for keyword in node.keywords if keyword.arg == "code" and name in CONSTRUCTORS]
        found += [
            (arg.lineno, arg.value) for arg in args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
        ]
    return found


def test_no_error_is_raised_with_a_plain_string_code():
    offenders = []
    files = [path for path in SOURCE.rglob("*.py") if "tests" not in path.parts and "migrations" not in path.parts]
    assert len(files) > 100
    for path in files:
        for line, code in string_codes(ast.parse(path.read_text(), str(path))):
            offenders.append(f"{path.relative_to(SOURCE.parent)}:{line}: {code!r}")
    assert not offenders, "use the app's ErrorCode enum member:\n" + "\n".join(offenders)


def test_the_check_finds_a_plain_string_code():
    tree = ast.parse('raise Conflict("po_closed", MESSAGES["po_closed"])\nerrors.add("lines", "required")')
    assert string_codes(tree) == [(1, "po_closed"), (2, "required")]


def test_every_code_is_in_one_enum_or_deliberately_shared():
    owners = defaultdict(list)
    for enum in ENUMS:
        for member in enum:
            owners[member.value].append(enum.__name__)
    shared = {code: names for code, names in owners.items() if len(names) > 1}
    assert set(shared) == set(SHARED), shared
    for code in owners:
        assert code == code.lower() and code.isidentifier(), code
