"""The scope plan: exact smallest scope sets, token fit, the authorization URL, and its surfaces."""

from __future__ import annotations

import html
import io
import itertools
from urllib.parse import parse_qs, urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st
from mitmproxy.test import taddons
from rich.console import Console

from pinscope.addon import Pinscope
from pinscope.catalog import Catalog, Operation, default_catalog
from pinscope.console import print_scope_plan
from pinscope.engine import Engine
from pinscope.exchange import from_flow
from pinscope.intel import minimum_covers, plan_scopes, satisfies
from pinscope.intel.scope_plan import fit_token
from pinscope.report import build_report
from pinscope.report.html import render_html
from pinscope.report.markdown import render_markdown
from pinscope.report.plan import scope_plan_report
from pinscope.session import OperationStats, Session, TokenState
from pinscope.tokens import Credential
from tests.flowkit import APP_ID, SECRETS, basic, error, flow, token_grant

F = frozenset
UNIVERSE = ("a", "b", "c", "d", "e", "f")


def op(op_id: str, *scope_sets: set[str], method: str = "GET") -> Operation:
    return Operation(op_id, method, f"/{op_id}", op_id, ("pinterest_oauth2",),
                     tuple(F(s) for s in scope_sets), "org_read", True, False)


def catalog(*ops: Operation) -> Catalog:
    scopes = tuple(sorted({s for o in ops for alt in o.scope_sets for s in alt}))
    return Catalog(list(ops), "test", scopes)


def session(cat: Catalog, calls: dict[str, int], grants: dict[str, set[str]] | None = None) -> Session:
    """A session that called operations (by id) and saw these grants (by fingerprint); each token made every call."""
    s = Session()
    for op_id, requests in calls.items():
        s.operations[cat.by_id[op_id].label] = OperationStats(requests=requests)
    for fingerprint, scopes in (grants or {}).items():
        s.tokens[fingerprint] = TokenState(Credential("access", "pina", fingerprint), scopes=F(scopes),
                                           operations=set(calls))
    return s


def brute_force(requirements: list[tuple[frozenset[str], ...]], free: frozenset[str] = F()) -> list[frozenset]:
    """Every smallest satisfying subset of UNIVERSE, by trying them all (the reference)."""
    for size in range(len(UNIVERSE) + 1):
        found = [F(c) for c in itertools.combinations(UNIVERSE, size) if satisfies(F(c) | free, requirements)]
        if found:
            return sorted(found, key=sorted)
    return []


requirement = st.lists(st.frozensets(st.sampled_from(UNIVERSE), min_size=1, max_size=3),
                       min_size=0, max_size=3).map(tuple)


@settings(max_examples=300, deadline=None)
@given(st.lists(requirement, max_size=6), st.frozensets(st.sampled_from(UNIVERSE), max_size=3))
def test_minimum_covers_equal_brute_force(requirements, free) -> None:
    expected = [s - free for s in brute_force(requirements, free) if not (s & free)]
    assert minimum_covers(requirements, free) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(requirement, min_size=1, max_size=5), st.frozensets(st.sampled_from(UNIVERSE)))
def test_token_fit_against_brute_force(requirements, granted) -> None:
    ops = [op(f"o{i}", *alternatives) for i, alternatives in enumerate(requirements)]
    fit = fit_token("pina…t", "t", granted, ops)
    additions = [s - granted for s in brute_force(requirements, granted)]
    assert set(fit.missing) == set(additions) - {F()}
    assert satisfies(granted | fit.lacks, requirements)
    assert fit.excessive <= granted
    # Dropping every excessive scope (after adding what lacks) still makes every call.
    assert satisfies((granted - fit.excessive) | fit.lacks, requirements)


def test_alternatives_tie_and_every_minimal_set_is_reported() -> None:
    cat = catalog(op("x", {"a"}, {"b", "c"}), op("y", {"b"}, {"d"}), op("z", {"c"}, {"d"}))
    plan = plan_scopes(session(cat, {"x": 1, "y": 2, "z": 3}), cat)
    assert plan.tied and [sorted(s) for s in plan.minimal_sets] == [["a", "d"], ["b", "c"]]
    assert plan.scopes == F({"a", "d"})
    assert [c.requests for c in plan.operations] == [1, 2, 3]


def test_an_alternative_already_forced_wins_without_a_tie() -> None:
    cat = catalog(op("x", {"a"}, {"b", "c"}), op("y", {"b"}), op("z", {"c"}, {"d", "e"}))
    plan = plan_scopes(session(cat, {"x": 1, "y": 1, "z": 1}), cat)
    assert not plan.tied and plan.scopes == F({"b", "c"})


def test_ties_prefer_fewer_secret_then_fewer_write_scopes() -> None:
    cat = catalog(op("x", {"boards:read_secret"}, {"pins:write"}, {"pins:read"}),
                  op("y", {"boards:write"}, {"user_accounts:read"}))
    plan = plan_scopes(session(cat, {"x": 1, "y": 1}), cat)
    assert plan.tied and len(plan.minimal_sets) == 6
    assert plan.scopes == F({"pins:read", "user_accounts:read"})
    assert any("boards:read_secret" in s for s in plan.minimal_sets)


def test_token_fit_missing_and_excessive() -> None:
    cat = catalog(op("x", {"a"}, {"b", "c"}), op("y", {"d"}))
    plan = plan_scopes(session(cat, {"x": 1, "y": 1}, {
        "over": {"a", "b", "c", "d", "e"},  # both alternatives of x, and e no call needs
        "under": {"b"},  # x needs c as well (or a), y needs d
        "other": {"b", "c", "d"},  # x's other alternative: nothing excessive
    }), cat)
    fits = {t.fingerprint: t for t in plan.tokens}
    assert fits["over"].missing == () and fits["over"].excessive == F({"b", "c", "e"})
    # Two equally small additions; c + d puts the granted b to use, a + d would leave it idle.
    assert [sorted(m) for m in fits["under"].missing] == [["c", "d"], ["a", "d"]]
    assert fits["under"].lacks == F({"c", "d"}) and fits["under"].excessive == F()
    assert fits["other"].missing == () and fits["other"].excessive == F()


def test_equally_good_held_alternatives_are_not_called_excessive() -> None:
    cat = catalog(op("x", {"a"}, {"b"}))
    (fit,) = plan_scopes(session(cat, {"x": 1}, {"t": {"a", "b", "c"}}), cat).tokens
    assert fit.excessive == F({"c"})  # a or b is needed, whichever the token uses: only c is surplus


def test_only_access_tokens_with_a_known_grant_are_fitted() -> None:
    cat = catalog(op("x", {"a"}))
    s = session(cat, {"x": 1})
    s.tokens["unknown"] = TokenState(Credential("access", "pina", "unknown"))
    s.tokens["refresh"] = TokenState(Credential("refresh", "pinr", "refresh"), scopes=F({"a"}))
    assert plan_scopes(s, cat).tokens == ()


def test_url_has_placeholders_without_a_seen_app() -> None:
    cat = catalog(op("x", {"pins:read", "boards:read"}))
    url = plan_scopes(session(cat, {"x": 1}), cat).authorization_url
    assert url == ("https://www.pinterest.com/oauth/?client_id=YOUR_APP_ID&redirect_uri=YOUR_REDIRECT_URI"
                   "&response_type=code&scope=boards:read,pins:read")


def test_url_uses_the_app_and_redirect_uri_the_session_saw() -> None:
    cat = catalog(op("x", {"pins:read"}))
    s = session(cat, {"x": 1})
    s.app_ids.update({"111": 1, "222": 3})
    s.redirect_uris["https://example.com/cb?x=1"] += 1
    url = plan_scopes(s, cat).authorization_url
    parts = urlsplit(url)
    query = parse_qs(parts.query, strict_parsing=True)
    assert (parts.netloc, parts.path) == ("www.pinterest.com", "/oauth/")
    assert query == {"client_id": ["222"], "redirect_uri": ["https://example.com/cb?x=1"],
                     "response_type": ["code"], "scope": ["pins:read"]}


def test_no_url_when_no_call_needs_a_scope() -> None:
    cat = catalog(op("token", method="POST"))
    plan = plan_scopes(session(cat, {"token": 2}), cat)
    assert plan.scopes == F() and plan.authorization_url is None and not plan.tied


def test_operations_the_catalogue_does_not_know_are_listed() -> None:
    cat = catalog(op("x", {"a"}))
    s = session(cat, {"x": 1})
    s.operations["GET /v5/gone"] = OperationStats(requests=1)
    plan = plan_scopes(s, cat)
    assert plan.unknown_operations == ("GET /v5/gone",) and plan.scopes == F({"a"})


REAL = default_catalog()


def reference_size(ops: list[Operation]) -> int:
    """Smallest union over one alternative per operation (an independent enumeration)."""
    choices = [o.scope_sets for o in ops if o.scope_sets]
    return min((len(F().union(*pick)) for pick in itertools.product(*choices)), default=0)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(REAL.operations), min_size=1, max_size=12, unique=True))
def test_plan_against_the_catalogue(ops: list[Operation]) -> None:
    s = Session()
    for o in ops:
        s.operations[o.label] = OperationStats(requests=1)
    plan = plan_scopes(s, REAL)
    assert {c.operation for c in plan.operations} == set(ops) and not plan.unknown_operations
    for chosen in plan.minimal_sets:
        assert all(o.satisfied_by(chosen) for o in ops)
        assert len(chosen) == reference_size(ops)
        for scope in chosen:  # no smaller set: dropping any scope breaks some call
            assert not all(o.satisfied_by(chosen - {scope}) for o in ops)
    needs_secret = any(all(any(x.endswith("_secret") for x in alt) for alt in o.scope_sets)
                       for o in ops if o.scope_sets)
    assert needs_secret == any(x.endswith("_secret") for x in plan.scopes)
    query = parse_qs(urlsplit(plan.authorization_url).query) if plan.authorization_url else {}
    assert set(query.get("scope", [""])[0].split(",")) - {""} == plan.scopes


def test_secret_scopes_only_for_secret_board_searches() -> None:
    search = REAL.find("GET", "/search/boards")
    assert search is not None and any("_secret" in s for alt in search.scope_sets for s in alt)
    boards = REAL.find("GET", "/boards")
    s = Session()
    s.operations[boards.label] = OperationStats(requests=3)
    assert plan_scopes(s, REAL).scopes == F({"boards:read"})
    s.operations[search.label] = OperationStats(requests=1)
    assert plan_scopes(s, REAL).scopes == F({"boards:read", "boards:read_secret"})


def demo_flows() -> list:
    return [
        token_grant("boards:read pins:read pins:write ads:read user_accounts:read"),
        flow("GET", "/v5/boards", at=1, body={"items": []}),
        flow("GET", "/v5/pins/1", at=2, body={"id": "1"}),
        flow("POST", "/v5/oauth/token", at=3, authorization=basic("7654321"), status=401,
             form={"grant_type": "client_credentials", "scope": "pins:read"}, body=error(2, "Bad client")),
    ]


def test_session_remembers_the_accepted_app_and_redirect_uri_only() -> None:
    engine = Engine()
    for f in demo_flows():
        engine.analyze(from_flow(f))
    assert dict(engine.session.app_ids) == {APP_ID: 1}  # the refused app 7654321 is not kept
    assert dict(engine.session.redirect_uris) == {"http://localhost:8085/": 1}
    plan = plan_scopes(engine.session, engine.catalog)
    assert plan.scopes == F({"boards:read", "pins:read"})
    (fit,) = plan.tokens
    assert fit.missing == () and fit.excessive == F({"ads:read", "pins:write", "user_accounts:read"})
    query = parse_qs(urlsplit(plan.authorization_url).query)
    assert query["client_id"] == [APP_ID] and query["redirect_uri"] == ["http://localhost:8085/"]
    assert query["scope"] == ["boards:read,pins:read"]


def test_report_json_and_markdown_carry_the_plan() -> None:
    engine = Engine()
    for f in demo_flows():
        engine.analyze(from_flow(f))
    report = build_report(engine.session, engine.catalog, generated_at=0)
    plan = report.to_json_data()["scope_plan"]
    assert plan["scopes"] == ["boards:read", "pins:read"] and plan["tied"] is False
    assert plan["tokens"][0]["excessive"] == ["ads:read", "pins:write", "user_accounts:read"]
    assert {o["operation"] for o in plan["operations"]} == {
        "GET /v5/boards", "GET /v5/pins/{pin_id}", "POST /v5/oauth/token"}
    markdown = render_markdown(report)
    assert "## Scope plan" in markdown and plan["authorization_url"] in markdown
    assert "| `GET /v5/pins/{pin_id}` | 1 | boards:read AND pins:read |" in markdown
    assert not any(secret in markdown + str(plan) for secret in SECRETS)


def test_report_has_no_plan_without_calls() -> None:
    assert build_report(Session(), REAL, generated_at=0).scope_plan is None


def test_addon_command_shows_the_live_plan(caplog) -> None:
    addon = Pinscope()
    with taddons.context(addon) as tctx:
        tctx.configure(addon)
        for f in demo_flows():
            addon.request(f)
            addon.response(f)
        with caplog.at_level("INFO", logger="pinscope"):
            text = tctx.command(addon.scopes)
        assert tctx.master.commands.commands["pinscope.scopes"].help == \
            "Show the least-privilege scope plan for this session's calls."
    assert "boards:read, pins:read" in text and f"client_id={APP_ID}" in text
    assert "ads:read, pins:write, user_accounts:read" in text  # the excessive grant
    assert text in caplog.text
    assert not any(secret in text + caplog.text for secret in SECRETS)


def test_terminal_rendering_says_when_sets_tie() -> None:
    cat = catalog(op("x", {"a"}, {"b", "c"}), op("y", {"b"}, {"d"}), op("z", {"c"}, {"d"}))
    out = io.StringIO()
    print_scope_plan(Console(file=out, width=100, color_system=None),
                     scope_plan_report(plan_scopes(session(cat, {"x": 1, "y": 1, "z": 1}), cat)))
    text = " ".join(out.getvalue().split())
    assert "Smallest scope set: a, d (for the 3 operations called)" in text
    assert "Several sets are equally small; any one works: {a, d} or {b, c}." in text
    assert "client_id=YOUR_APP_ID" in text and "a OR b AND c" in text


def test_html_section_shows_the_plan_escaped() -> None:
    engine = Engine()
    for f in demo_flows():
        engine.analyze(from_flow(f))
    report = build_report(engine.session, engine.catalog, generated_at=0)
    page = render_html(report)
    assert '<section id="scope-plan" class="section">' in page and 'href="#scope-plan"' in page
    section = page[page.index('<section id="scope-plan"'):]
    section = section[:section.index("</section>")]
    url = report.scope_plan.authorization_url
    assert f'<pre class="auth-url"><code class="url">{html.escape(url)}</code></pre>' in section
    assert "&response_type=code&" not in section  # every & is escaped
    assert section.count('<span class="scope spare">') == 6  # 3 excessive, shown as granted and as excessive
    assert '<span class="scope unknown">boards:read</span> AND <span class="scope unknown">pins:read</span>' \
        in section
    assert not any(secret in page for secret in SECRETS)


def test_html_has_no_plan_section_without_calls() -> None:
    assert 'id="scope-plan"' not in render_html(build_report(Session(), REAL, generated_at=0))


def test_a_token_is_fitted_against_its_own_calls() -> None:
    cat = catalog(op("x", {"a"}), op("y", {"b"}))
    s = session(cat, {"x": 1, "y": 1}, {"reader": {"a"}, "writer": {"b"}})
    s.tokens["reader"].operations, s.tokens["writer"].operations = {"x"}, {"y"}
    fits = {t.fingerprint: t for t in plan_scopes(s, cat).tokens}
    # The session needs a and b; each token made only the call its grant covers: nothing is missing.
    assert plan_scopes(s, cat).scopes == F({"a", "b"})
    assert fits["reader"].missing == () and fits["writer"].missing == ()
    # Excessive is the app's question: the session needs a and b, so neither grant holds one too many.
    assert fits["reader"].excessive == F() and fits["writer"].excessive == F()
    s.tokens["writer"].scopes = F({"b", "c"})
    assert next(t for t in plan_scopes(s, cat).tokens if t.fingerprint == "writer").excessive == F({"c"})
    s.tokens["reader"].operations = {"x", "y"}  # now it called y as well, without b
    assert plan_scopes(s, cat).tokens[0].lacks == F({"b"})
