r"""Argo CD's AppProject rules, as Argo CD 3.5 applies them.

One module, used by the constructs (:class:`~gitops_platform.argocd.project.ProjectProps`
refuses at synth time what Argo CD would refuse at sync time) and by the validation pipeline
(step ``argocd`` checks every Application of any tree against its project). Each function cites
the Argo CD 3.5.1 source it follows (``argoproj/argo-cd`` at tag ``v3.5.1``):

* :func:`glob_match`: ``globMatch`` in ``pkg/apis/application/v1alpha1/app_project_types.go``
  over ``util/glob.Match``, which compiles patterns with ``github.com/gobwas/glob`` v0.2.3
  (``go.mod``): ``*`` (not across separators), ``**``, ``?``, ``[abc]``, ``[!abc]``,
  ``[a-z]``, ``[!a-z]``, nested ``{a,{b,c}}`` alternatives and ``\\`` escapes; a pattern that
  does not compile matches nothing. gobwas v0.2.3 has matcher bugs on some unusual patterns,
  which are not reproduced here (this module gives the plain glob meaning): ``***`` (three
  stars in a row) with a separator, an empty alternative after ``*`` (``*{,a}`` and an
  unclosed ``*{`` do not match ``""``), an alternative holding a wildcard after text
  (``a{a*,b}`` does not match ``aa?``), and a few patterns that make gobwas panic. Well-formed
  patterns are checked against gobwas itself (``tests/rules/test_argocd_oracle.py``).
* :func:`normalize_git_url`, :func:`same_url`: ``NormalizeGitURL`` and ``SameURL`` in
  ``util/git/git.go`` (lower case, surrounding blanks trimmed, ``user@host:path`` rewritten,
  ``.git`` suffix dropped, then Go's ``net/url`` parse and re-serialisation).
* :meth:`ProjectRules.source_permitted`: ``AppProject.IsSourcePermitted``.
* :meth:`ProjectRules.destination_permitted`: ``AppProject.IsDestinationPermitted`` and
  ``isDestinationMatched`` (deny entries refined by argo-cd#20045, first released in 2.13).
* :meth:`ProjectRules.kind_permitted`: ``AppProject.IsGroupKindNamePermitted`` with
  ``isResourceInList`` / ``isNamedResourceInList`` (``pkg/apis/application/v1alpha1/types.go``),
  which match kinds, groups and names with Go's ``path/filepath.Match``, not with gobwas.

Destinations, read exactly as ``isDestinationMatched`` reads them:

* Argo CD resolves an Application's destination to a registered cluster, which has a server
  and a name, and compares both. Here a cluster is given by what is known: a server, a name,
  or both; :func:`resolve_cluster` completes the in-cluster pair
  (``https://kubernetes.default.svc`` is named ``in-cluster``, ``KubernetesInClusterName`` in
  ``application_defaults.go``). An unknown server or name is the empty string, which no entry
  matches (Argo CD tests ``dst.Server != "" && ...``).
* An entry allows a destination when its server or its name matches, and its namespace
  matches; a ``!pattern`` matches whatever the pattern does not.
* A deny entry refuses outright (whatever another entry allows) in two cases only: its
  ``!server`` or ``!name`` does not match while its namespace does; or its ``!namespace``
  does not match **and its server matches**. A namespace deny therefore applies on its own
  cluster only (argo-cd's test "negated namespace with multiple values": a
  ``host-cluster/!kube-system`` entry does not refuse ``kube-system`` on another cluster), and
  an entry that names its cluster by ``name`` alone (no ``server``) never refuses: with
  ``(name: dev, namespace: '!legacy-*')`` and ``(name: dev, namespace: '*')``, Argo CD 3.5.1
  permits ``dev/legacy-api``. A project whose only destination is ``(prd, !kube-system)``
  permits every namespace of ``prd`` but ``kube-system`` (the entry itself matches them).
  The second case reads as Go's precedence makes it (``&&`` before ``||``): a ``!name`` entry
  refuses whatever its namespace. (A change parenthesising it, argo-cd#28854, is not in 3.5.1.)
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gitops_platform.errors import InvalidValueError
from gitops_platform.layout import IN_CLUSTER_SERVER

__all__ = [
    "IN_CLUSTER_NAME",
    "IN_CLUSTER_SERVER",
    "DestinationRule",
    "KindRule",
    "ProjectRules",
    "filepath_match",
    "glob_match",
    "normalize_git_url",
    "resolve_cluster",
    "same_url",
]

#: The name Argo CD gives the cluster it runs in (``KubernetesInClusterName``).
IN_CLUSTER_NAME = "in-cluster"


# -- gobwas/glob ----------------------------------------------------------------------------
#
# A faithful port of gobwas/glob v0.2.3's lexer (syntax/lexer/lexer.go) and parser
# (syntax/ast/parser.go); the tree is then matched with a regular expression, plus the one
# matcher quirk gobwas has: a pattern that compiles to a lone one-character matcher (``?``,
# ``[!a]``, ``[!a-z]``, or alternatives among which is one) also matches the empty string,
# because ``Single/List/Range.Match`` decode the empty string as U+FFFD (match/single.go).


class _GlobSyntaxError(ValueError):
    pass


_Node = tuple[Any, ...]  # ("text", s) | ("any",) | ("super",) | ("single",)
# | ("list", chars, not) | ("range", lo, hi, not) | ("anyof", [[node, ...], ...])


def _parse_glob(pattern: str) -> list[_Node]:
    """Parse ``pattern`` as gobwas/glob does; raise :class:`_GlobSyntaxError` when it fails."""
    root: list[_Node] = []
    stack: list[list[list[_Node]]] = []  # open alternatives (each a list of sequences)
    current = root
    depth = 0
    i = 0
    n = len(pattern)

    def text(breakers: str) -> str:
        nonlocal i
        data: list[str] = []
        escaped = False
        while i < n:
            char = pattern[i]
            if not escaped:
                if char == "\\":
                    escaped = True
                    i += 1
                    continue
                if char in breakers:
                    break
            escaped = False
            data.append(char)
            i += 1
        return "".join(data)

    while i < n:
        char = pattern[i]
        if char == "{":
            depth += 1
            i += 1
            alternatives: list[list[_Node]] = [[]]
            current.append(("anyof", alternatives))
            stack.append(alternatives)
            current = alternatives[0]
        elif char == "," and depth:
            i += 1
            stack[-1].append([])
            current = stack[-1][-1]
        elif char == "}" and depth:
            depth -= 1
            i += 1
            stack.pop()
            current = _sequence_of_open(root, stack)
        elif char == "[":
            node, i = _parse_range(pattern, i + 1)
            current.append(node)
        elif char == "?":
            current.append(("single",))
            i += 1
        elif char == "*":
            if pattern.startswith("**", i):
                current.append(("super",))
                i += 2
            else:
                current.append(("any",))
                i += 1
        else:
            chunk = text("?*[{}," if depth else "?*[{")
            if chunk:
                current.append(("text", chunk))
    return root


def _parse_range(pattern: str, start: int) -> tuple[_Node, int]:
    """Parse a range as ``fetchRange``/``parserRange`` do: ``[!lo-hi]`` or ``[!chars]``.

    Returns the node and the position after ``]``.
    """
    n = len(pattern)
    i = start
    negate = False
    lo = hi = ""
    chars = ""
    seen_not = False
    want_close = want_hi = False
    while True:
        if i >= n:
            raise _GlobSyntaxError("unexpected end of input")
        char = pattern[i]
        if want_close:
            if char != "]":
                raise _GlobSyntaxError("expected close range character")
            i += 1
            break
        if want_hi:
            hi = char
            i += 1
            want_close = True
            continue
        if not seen_not and char == "!":
            negate = seen_not = True
            i += 1
            continue
        if i + 1 < n and pattern[i + 1] == "-":
            lo = char
            i += 2
            want_hi = True
            continue
        # text up to "]", escapes honoured (fetchText with "]" as the one breaker)
        data: list[str] = []
        escaped = False
        while i < n:
            c = pattern[i]
            if not escaped:
                if c == "\\":
                    escaped = True
                    i += 1
                    continue
                if c == "]":
                    break
            escaped = False
            data.append(c)
            i += 1
        chars = "".join(data)
        want_close = True
    if hi and lo and hi < lo:
        raise _GlobSyntaxError("hi character should be greater than lo")
    is_range = bool(lo and hi and lo != "\0" and hi != "\0")
    if bool(chars) == is_range:
        raise _GlobSyntaxError("could not parse range")
    if is_range:
        return ("range", lo, hi, negate), i
    return ("list", chars, negate), i


def _sequence_of_open(root: list[_Node], stack: list[list[list[_Node]]]) -> list[_Node]:
    """The sequence being filled once the innermost open alternatives are closed."""
    return stack[-1][-1] if stack else root


def _regex(sequence: list[_Node], separators: str) -> str:
    not_sep = f"[^{re.escape(separators)}]" if separators else "."
    out: list[str] = []
    for node in sequence:
        kind = node[0]
        if kind == "text":
            out.append(re.escape(node[1]))
        elif kind == "any":
            out.append(f"{not_sep}*")
        elif kind == "super":
            out.append(".*")
        elif kind == "single":
            out.append(not_sep)
        elif kind == "list":
            body = "".join(re.escape(c) for c in node[1])
            out.append(f"[{'^' if node[2] else ''}{body}]")
        elif kind == "range":
            body = f"{re.escape(node[1])}-{re.escape(node[2])}"
            out.append(f"[{'^' if node[3] else ''}{body}]")
        else:  # anyof
            out.append("(?:" + "|".join(_regex(alt, separators) for alt in node[1]) + ")")
    return "".join(out)


def _matches_empty(sequence: list[_Node], separators: str) -> bool:
    """Whether gobwas's lone one-character matcher, which also accepts the empty string."""
    if len(sequence) != 1:
        return False
    node = sequence[0]
    replacement = "\ufffd"
    if node[0] == "single":
        return replacement not in separators
    if node[0] == "list":
        return bool((replacement in node[1]) != node[2])
    if node[0] == "range":
        return bool((node[1] <= replacement <= node[2]) != node[3])
    if node[0] == "anyof":
        return any(_matches_empty(alt, separators) for alt in node[1])
    return False


@functools.lru_cache(maxsize=4096)
def _compile_glob(pattern: str, separators: str) -> tuple[re.Pattern[str], bool] | None:
    try:
        tree = _parse_glob(pattern)
    except _GlobSyntaxError:
        return None
    return re.compile(_regex(tree, separators), re.DOTALL), _matches_empty(tree, separators)


def glob_match(
    pattern: str, value: str, *, allow_negation: bool = True, separators: str = ""
) -> bool:
    """Match ``value`` against one pattern, as Argo CD's ``globMatch`` does.

    Source: ``globMatch`` in ``pkg/apis/application/v1alpha1/app_project_types.go`` and
    ``util/glob/glob.go`` (``Match``: gobwas/glob v0.2.3; a pattern that does not compile is
    logged and matches nothing).

    Args:
        pattern: a gobwas/glob pattern; with ``allow_negation``, ``!pattern`` matches what
            ``pattern`` does not.
        value: the string to test.
        allow_negation: whether a leading ``!`` inverts the match.
        separators: characters that ``*`` and ``?`` do not match (``/`` for repository URLs);
            ``**`` and character classes match them.

    Returns:
        Whether ``value`` matches.

    """
    if allow_negation and pattern.startswith("!"):
        return not _gobwas_match(pattern[1:], value, separators)
    if pattern == "*":
        return True
    return _gobwas_match(pattern, value, separators)


def _gobwas_match(pattern: str, value: str, separators: str) -> bool:
    compiled = _compile_glob(pattern, separators)
    if compiled is None:
        return False
    regex, matches_empty = compiled
    if value == "" and matches_empty:
        return True
    return regex.fullmatch(value) is not None


# -- Go's path/filepath.Match (resource kinds, groups and names) ----------------------------


@functools.lru_cache(maxsize=1024)
def _compile_filepath(pattern: str) -> re.Pattern[str] | None:
    r"""``filepath.Match`` syntax (Unix): ``*``, ``?`` (not ``/``), ``[^a-z]``, ``\\`` escapes."""
    out: list[str] = []
    i = 0
    n = len(pattern)
    while i < n:
        char = pattern[i]
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "\\":
            i += 1
            if i >= n:
                return None
            out.append(re.escape(pattern[i]))
        elif char == "[":
            i += 1
            negate = i < n and pattern[i] == "^"
            if negate:
                i += 1
            ranges: list[str] = []
            first = True
            while True:
                if i >= n:
                    return None
                if pattern[i] == "]" and not first:
                    break
                first = False
                lo, i = _class_char(pattern, i)
                if lo is None:
                    return None
                hi: str | None = lo
                if i < n and pattern[i] == "-":
                    hi, i = _class_char(pattern, i + 1)
                    if hi is None or hi < lo:
                        return None
                ranges.append(f"{re.escape(lo)}-{re.escape(hi or lo)}")
            out.append(f"[{'^' if negate else ''}{''.join(ranges)}]" if ranges else "(?!)")
        else:
            out.append(re.escape(char))
        i += 1
    return re.compile("".join(out), re.DOTALL)


def _class_char(pattern: str, i: int) -> tuple[str | None, int]:
    if i >= len(pattern) or pattern[i] in "-]":
        return None, i
    if pattern[i] == "\\":
        i += 1
        if i >= len(pattern):
            return None, i
    return pattern[i], i + 1


def filepath_match(pattern: str, value: str) -> bool:
    """Go's ``path/filepath.Match`` as Argo CD uses it for resource kinds: an error is no match.

    Source: ``isResourceInList`` and ``isNamedResourceInList`` in
    ``pkg/apis/application/v1alpha1/types.go`` (Argo CD 3.5.1).
    """
    regex = _compile_filepath(pattern)
    return regex is not None and regex.fullmatch(value) is not None


# -- repository URLs: util/git NormalizeGitURL -----------------------------------------------

_SSH_URL = re.compile(r"^(ssh://)?([^/:]*?)@[^@]+$")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_UNRESERVED = re.compile(r"[A-Za-z0-9\-_.~]")
_HEX = "0123456789abcdefABCDEF"


def _go_should_escape(char: str, mode: str) -> bool:
    """``shouldEscape`` of Go's ``net/url`` for the path, host, userinfo and fragment modes."""
    if _UNRESERVED.fullmatch(char):
        return False
    if mode in ("host", "zone") and char in "!$&'()*+,;=:[]<>\"":
        return False
    if char in "$&+,/:;=?@":
        if mode == "path":
            return char == "?"
        if mode == "userinfo":
            return char in "@/?:"
        if mode == "fragment":
            return False
    return not (mode == "fragment" and char in "!()*")


def _go_escape(value: str, mode: str) -> str:
    out: list[str] = []
    for byte in value.encode():
        char = chr(byte)
        if byte >= 0x80 or _go_should_escape(char, mode):
            out.append(f"%{byte:02X}")
        else:
            out.append(char)
    return "".join(out)


def _go_unescape(value: str, mode: str) -> str:
    """``unescape``: ``%XX`` decoded; a bad escape or a bad host character is an error."""
    i = 0
    while i < len(value):
        char = value[i]
        if char == "%":
            if i + 2 >= len(value) or value[i + 1] not in _HEX or value[i + 2] not in _HEX:
                raise ValueError("invalid URL escape")
            if mode == "host" and int(value[i + 1], 16) < 8 and value[i : i + 3] != "%25":
                raise ValueError("invalid URL escape in host")
            i += 3
            continue
        if mode == "host" and ord(char) < 0x80 and _go_should_escape(char, "host"):
            raise ValueError(f"invalid character {char!r} in host name")
        i += 1
    raw = value.encode()
    decoded = re.sub(rb"%([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)
    return decoded.decode(errors="surrogateescape")


def _go_valid_encoded(value: str, mode: str) -> bool:
    for char in value:
        if char in "!$&'()*+,;=:@[]%":
            continue
        if ord(char) >= 0x80 or _go_should_escape(char, mode):
            return False
    return True


def _go_escaped(raw: str, decoded: str, mode: str) -> str:
    """``EscapedPath``/``EscapedFragment``: the raw form when it is a valid encoding."""
    if raw != _go_escape(decoded, mode) and _go_valid_encoded(raw, mode):
        try:
            if _go_unescape(raw, mode) == decoded:
                return raw
        except ValueError:
            pass
    return _go_escape(decoded, mode)


def _go_url_string(raw: str) -> str | None:
    """Go's ``url.Parse(raw).String()``, or ``None`` where ``url.Parse`` fails."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in raw):
        return None
    rest, hash_mark, fragment_raw = raw.partition("#")
    try:
        _go_unescape(fragment_raw, "fragment")
    except ValueError:
        return None
    if rest == "*":
        return rest + _fragment(fragment_raw, hash_mark)
    scheme = ""
    match = _SCHEME.match(rest)
    if match:
        scheme = match.group(1).lower()
        rest = rest[match.end() :]
    elif rest.startswith(":"):
        return None
    force_query = False
    query = ""
    if rest.endswith("?") and rest.count("?") == 1:
        force_query = True
        rest = rest[:-1]
    else:
        rest, _, query = rest.partition("?")
    if not rest.startswith("/") and scheme:
        out = f"{scheme}:{rest}"
        if force_query or query:
            out += "?" + query
        return out + _fragment(fragment_raw, hash_mark)
    if not rest.startswith("/") and ":" in rest.split("/", 1)[0]:
        return None
    user = None
    host = ""
    has_authority = False
    if rest.startswith("//") and (scheme or not rest.startswith("///")):
        has_authority = True
        authority, slash, path_rest = rest[2:].partition("/")
        rest = slash + path_rest
        if "@" in authority:
            user, _, authority = authority.rpartition("@")
            if not re.fullmatch(r"[A-Za-z0-9\-._:~!$&'()*+,;=%@]*", user):  # validUserinfo
                return None
            try:
                user = _go_unescape(user, "userinfo")
            except ValueError:
                return None
        try:
            host = _go_unescape(_go_host(authority), "host")
        except ValueError:
            return None
    # url.Parse sets OmitHost for "scheme:/path" (no authority): String() then writes no "//".
    omit_host = not has_authority and bool(scheme) and rest.startswith("/")
    try:
        path = _go_unescape(rest, "path")
    except ValueError:
        return None
    out = f"{scheme}:" if scheme else ""
    if omit_host and not host and user is None:
        pass
    elif scheme or host or user is not None:
        if host or path or user is not None:
            out += "//"
        if user is not None:
            out += _go_escape_userinfo(user) + "@"
        out += _go_escape(host, "host")
    elif has_authority:
        out += ""
    escaped_path = _go_escaped(rest, path, "path")
    if escaped_path and not escaped_path.startswith("/") and host:
        out += "/"
    if not out:
        first = escaped_path.split("/", 1)[0]
        if ":" in first:
            out = "./"
    out += escaped_path
    if force_query or query:
        out += "?" + query
    return out + _fragment(fragment_raw, hash_mark)


def _go_host(authority: str) -> str:
    """``parseHost``'s checks: an IP literal in brackets, then an optional numeric port."""
    if authority.startswith("["):
        end = authority.find("]")
        if end < 0:
            raise ValueError("missing ']' in host")
        literal, port = authority[1:end].partition("%25")[0], authority[end + 1 :]
        try:
            ipaddress.IPv6Address(literal)
        except ValueError as error:
            raise ValueError("invalid IP-literal") from error
        if port and not re.fullmatch(r":\d*", port):
            raise ValueError("invalid port after host")
        return authority
    if "[" in authority or "]" in authority:
        raise ValueError("invalid character in host name")
    _, colon, port = authority.rpartition(":")
    if colon and not port.isdigit() and port != "":
        raise ValueError("invalid port")
    return authority


def _go_escape_userinfo(user: str) -> str:
    name, colon, password = user.partition(":")
    out = _go_escape(name, "userinfo")
    if colon:
        out += ":" + _go_escape(password, "userinfo")
    return out


def _fragment(raw: str, hash_mark: str) -> str:
    if not hash_mark:
        return ""
    try:
        decoded = _go_unescape(raw, "fragment")
    except ValueError:
        return ""
    return "#" + _go_escaped(raw, decoded, "fragment") if raw else ""


@functools.lru_cache(maxsize=4096)
def normalize_git_url(url: str) -> str:
    """Normalise a Git repository URL for comparison, as Argo CD 3.5 does.

    Source: ``NormalizeGitURL`` in ``util/git/git.go``: lower-cased and trimmed;
    ``user@host:path`` rewritten to ``user@host/path``; a ``.git`` suffix dropped; parsed and
    re-serialised by Go's ``net/url`` (characters such as ``{`` in a path are percent-encoded,
    an invalid host gives ``""``); a leading ``ssh://`` removed.

    Args:
        url: a repository URL (HTTPS, ``ssh://`` or ``user@host:path``) or a glob over one.

    Returns:
        The normalised URL, or ``""`` when Go's ``url.Parse`` refuses it.

    """
    repo = url.strip().lower()
    if _SSH_URL.match(repo) and not repo.startswith("ssh://"):
        repo = "ssh://" + repo.replace(":", "/", 1)
    repo = repo.removesuffix(".git")
    normalized = _go_url_string(repo)
    if normalized is None:
        return ""
    return normalized.removeprefix("ssh://")


def same_url(left: str, right: str) -> bool:
    """Whether two repository URLs name the same repository (``SameURL``, ``util/git/git.go``)."""
    normal_left = normalize_git_url(left) or left
    normal_right = normalize_git_url(right) or right
    return bool(normal_left) and bool(normal_right) and normal_left == normal_right


def resolve_cluster(server: str | None, name: str | None) -> tuple[str, str]:
    """Return ``(server, name)`` of a destination cluster, the in-cluster pair completed.

    Argo CD resolves a destination to a registered cluster (``GetDestinationCluster`` in
    ``util/argo/argo.go``); the one whose both fields are known offline is the cluster Argo CD
    runs in: ``https://kubernetes.default.svc`` named ``in-cluster``. Unknown fields are ``""``.
    """
    server = server or ""
    name = name or ""
    if server == IN_CLUSTER_SERVER and not name:
        name = IN_CLUSTER_NAME
    elif name == IN_CLUSTER_NAME and not server:
        server = IN_CLUSTER_SERVER
    return server, name


# -- the project ------------------------------------------------------------------------------


def _is_deny(pattern: str) -> bool:
    return pattern.startswith("!")


@dataclass(frozen=True)
class DestinationRule:
    """One ``spec.destinations`` entry: server and name globs (``""`` when absent), namespace."""

    server: str = ""
    name: str = ""
    namespace: str = ""


@dataclass(frozen=True)
class KindRule:
    """One resource-list entry: group and kind patterns, and a name pattern (``""``: any)."""

    group: str
    kind: str
    name: str = ""

    def matches(self, group: str, kind: str, name: str | None, *, named: bool) -> bool:
        """``isResourceInList`` (``named=False``) or ``isNamedResourceInList``."""
        if not (filepath_match(self.kind, kind) and filepath_match(self.group, group)):
            return False
        if not named or not self.name:
            return True
        return filepath_match(self.name, name or "")


def _strings(spec: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = spec.get(key) or []
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise InvalidValueError(where, key, value, "a list of strings")
    return tuple(value)


def _entries(spec: Mapping[str, Any], key: str, where: str) -> tuple[Mapping[str, Any], ...]:
    value = spec.get(key) or []
    if not isinstance(value, list | tuple) or not all(isinstance(v, Mapping) for v in value):
        raise InvalidValueError(where, key, value, "a list of mappings")
    return tuple(value)


def _kinds(spec: Mapping[str, Any], key: str, where: str) -> tuple[KindRule, ...]:
    return tuple(
        KindRule(str(e.get("group") or ""), str(e.get("kind") or ""), str(e.get("name") or ""))
        for e in _entries(spec, key, where)
    )


@dataclass(frozen=True)
class ProjectRules:
    """The permission fields of one AppProject ``spec``, and Argo CD's checks over them.

    Attributes:
        source_repos: ``sourceRepos`` (globs over normalised URLs; ``!`` denies).
        destinations: ``destinations``.
        cluster_whitelist: ``clusterResourceWhitelist`` (empty: no cluster-scoped kind).
        cluster_blacklist: ``clusterResourceBlacklist``.
        namespace_whitelist: ``namespaceResourceWhitelist``; ``None`` when absent (every
            namespaced kind), which differs from empty (none).
        namespace_blacklist: ``namespaceResourceBlacklist``.

    """

    source_repos: tuple[str, ...] = ()
    destinations: tuple[DestinationRule, ...] = ()
    cluster_whitelist: tuple[KindRule, ...] = ()
    cluster_blacklist: tuple[KindRule, ...] = ()
    namespace_whitelist: tuple[KindRule, ...] | None = None
    namespace_blacklist: tuple[KindRule, ...] = ()

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any], where: str = "AppProject") -> ProjectRules:
        """Read the rules of an AppProject ``spec`` (a mapping as in the object's YAML).

        Raises:
            InvalidValueError: a field is not a list of strings or mappings.

        """
        return cls(
            source_repos=_strings(spec, "sourceRepos", where),
            destinations=tuple(
                DestinationRule(
                    str(e.get("server") or ""),
                    str(e.get("name") or ""),
                    str(e.get("namespace") or ""),
                )
                for e in _entries(spec, "destinations", where)
            ),
            cluster_whitelist=_kinds(spec, "clusterResourceWhitelist", where),
            cluster_blacklist=_kinds(spec, "clusterResourceBlacklist", where),
            namespace_whitelist=None
            if spec.get("namespaceResourceWhitelist") is None
            else _kinds(spec, "namespaceResourceWhitelist", where),
            namespace_blacklist=_kinds(spec, "namespaceResourceBlacklist", where),
        )

    def source_permitted(self, repo_url: str) -> bool:
        """Whether an Application may read ``repo_url`` (``AppProject.IsSourcePermitted``).

        Both sides are normalised (:func:`normalize_git_url`); ``/`` separates for ``*``. An
        allow entry that matches permits; a deny entry ``!pattern`` whose pattern matches
        refuses outright (and, being a ``!`` glob, it "matches" every other URL: a project
        with only deny entries permits everything else).
        """
        source = normalize_git_url(repo_url)
        any_matched = False
        for entry in self.source_repos:
            if _is_deny(entry):
                pattern = "!" + normalize_git_url(entry[1:])
            else:
                pattern = normalize_git_url(entry)
            if glob_match(pattern, source, separators="/"):
                any_matched = True
            elif _is_deny(pattern):
                return False
        return any_matched

    def destination_permitted(self, server: str, name: str, namespace: str) -> bool:
        """Whether an Application may deploy to ``namespace`` on a cluster.

        ``isDestinationMatched`` of Argo CD 3.5.1 (see the module docstring for how deny
        entries apply). Pass the cluster through :func:`resolve_cluster` first; ``""`` is an
        unknown server or name.

        Args:
            server: the cluster's API server URL, or ``""``.
            name: the cluster's registered name, or ``""``.
            namespace: the destination namespace.

        """
        literal, patterns = self._destination_index
        any_matched = (server != "" and (server, namespace) in literal[0]) or (
            name != "" and (name, namespace) in literal[1]
        )
        for item in patterns:
            name_matched = name != "" and glob_match(item.name, name)
            server_matched = server != "" and glob_match(item.server, server)
            namespace_matched = glob_match(item.namespace, namespace)
            if (server_matched or name_matched) and namespace_matched:
                any_matched = True
            elif (
                (not name_matched and _is_deny(item.name))
                or (not server_matched and _is_deny(item.server) and namespace_matched)
                or (not namespace_matched and _is_deny(item.namespace) and server_matched)
            ):
                return False
        return any_matched

    @functools.cached_property
    def _destination_index(
        self,
    ) -> tuple[
        tuple[frozenset[tuple[str, str]], frozenset[tuple[str, str]]], list[DestinationRule]
    ]:
        """The destinations split into literal entries (set lookups) and the others (a scan).

        An entry whose server, name and namespace hold no glob syntax and no leading ``!``
        matches exactly the strings it spells (a gobwas pattern without meta characters is a
        text matcher) and can never refuse (only ``!`` entries do), so it only answers "does
        some entry match": ``(server, namespace)`` and ``(name, namespace)`` set lookups give
        the answer of the loop over them, and a project listing one destination per onboarded
        namespace is checked in constant time. Entries with glob syntax or ``!`` are scanned as
        ``isDestinationMatched`` does (a refusing entry refuses whatever its position).
        """
        servers: set[tuple[str, str]] = set()
        names: set[tuple[str, str]] = set()
        patterns: list[DestinationRule] = []
        for item in self.destinations:
            fields = (item.server, item.name, item.namespace)
            if any(_GLOB_META.search(f) or _is_deny(f) for f in fields):
                patterns.append(item)
                continue
            if item.server:
                servers.add((item.server, item.namespace))
            if item.name:
                names.add((item.name, item.namespace))
        return (frozenset(servers), frozenset(names)), patterns

    def kind_permitted(
        self, group: str, kind: str, name: str | None = None, *, namespaced: bool
    ) -> bool:
        """Whether an object of ``group``/``kind`` called ``name`` may be deployed.

        ``AppProject.IsGroupKindNamePermitted``: a namespaced kind needs an absent or matching
        ``namespaceResourceWhitelist`` (an empty one allows nothing) and no blacklist match; a
        cluster-scoped kind needs a ``clusterResourceWhitelist`` match (its ``name`` pattern,
        when set, matching ``name``) and no ``clusterResourceBlacklist`` match.
        """
        index = self._kind_index
        if namespaced:
            whitelist = self.namespace_whitelist
            listed = whitelist is None or (
                len(whitelist) > 0 and index[2].contains(group, kind, name, named=False)
            )
            return listed and not index[3].contains(group, kind, name, named=False)
        listed = index[0].contains(group, kind, name, named=True)
        return listed and not index[1].contains(group, kind, name, named=True)

    @functools.cached_property
    def _kind_index(self) -> tuple[_KindIndex, _KindIndex, _KindIndex, _KindIndex]:
        """The four resource lists, indexed once (a project may list thousands of Namespaces)."""
        return (
            _KindIndex(self.cluster_whitelist),
            _KindIndex(self.cluster_blacklist),
            _KindIndex(self.namespace_whitelist or ()),
            _KindIndex(self.namespace_blacklist),
        )


_Pairs = frozenset[tuple[str, str]]

#: What makes a gobwas/glob pattern more than the literal string it matches.
_GLOB_META = re.compile(r"[*?\[\]{}\\]")

#: What makes a ``path/filepath.Match`` pattern more than the literal string it matches.
_FILEPATH_META = re.compile(r"[*?\\[]")


class _KindIndex:
    """A resource list split into literal entries (a dict lookup) and patterns (a scan).

    A pattern without ``*``, ``?``, ``[`` or a backslash matches exactly itself in
    ``path/filepath.Match``, so looking such entries up by ``(group, kind)`` gives the same
    answer as :meth:`KindRule.matches` on each, in constant time.
    """

    def __init__(self, rules: Sequence[KindRule]) -> None:
        self.literal: dict[tuple[str, str], set[str]] = {}
        self.patterns: list[KindRule] = []
        for rule in rules:
            if any(_FILEPATH_META.search(p) for p in (rule.group, rule.kind, rule.name)):
                self.patterns.append(rule)
            else:
                self.literal.setdefault((rule.group, rule.kind), set()).add(rule.name)

    def contains(self, group: str, kind: str, name: str | None, *, named: bool) -> bool:
        """Whether any entry matches (``isResourceInList`` / ``isNamedResourceInList``)."""
        names = self.literal.get((group, kind))
        if names is not None and (not named or "" in names or (name or "") in names):
            return True
        return any(rule.matches(group, kind, name, named=named) for rule in self.patterns)
