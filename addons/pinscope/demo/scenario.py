"""The demo's scripted client traffic, as data: OAuth grants, then calls, each with the rules it shows.

Targets are `<host>:<path>` with host `api` (api.pinterest.com), `sandbox` (api-sandbox.pinterest.com)
or `site` (the local non-Pinterest server). `{name}` in auth, query and form values is filled at run
time from the client's wallet (tokens from the grants, `<app>_basic` client credentials, `stranger`).
`fault` asks the simulator for a forced answer (its X-Sim-Fault header) where Pinterest's behaviour
depends on server-side state the simulator cannot reach otherwise (outages, account reviews, 2FA).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from pinscope.demo.model import Grant, Step
from pinscope.simulator import DEMO_STANDARD, DEMO_TRIAL, DEMO_UNAPPROVED

__all__ = ["CORE_RULES", "GRANTS", "RATE_SCALE", "REFRESH_REUSE", "Grant", "Step", "expected_rules", "steps"]

RATE_SCALE = 0.1  # simulator quotas x0.1: org_analytics allows 6 calls a minute, so a 429 comes fast
# The step reusing a replaced refresh token shows refresh-failed only if refreshing retires the old
# token, a reading FACTS §4 does not establish [inf]: the demo asks the simulator for it explicitly.
REFRESH_REUSE = "rotated"
AD_ACCOUNT = "549755885175"
# scope-not-granted is not core: the demo's answers confirm it, so the flow shows insufficient-scope.
CORE_RULES = (
    "insufficient-scope", "token-expired", "authentication-failed", "missing-token",
    "malformed-authorization", "refresh-failed", "sandbox-endpoint-unavailable",
    "sandbox-token-on-production", "production-token-on-sandbox", "sandbox-host-in-use",
    "trial-production-write", "rate-limited", "spam-blocked", "rate-limit-low", "retry-before-reset",
)
FULL = ("boards:read", "boards:write", "pins:read", "pins:write", "user_accounts:read", "ads:read",
        "ads:write", "catalogs:read", "billing:read")
UNUSED = ("catalogs:write", "biz_access:read")  # granted to `full` but never needed: excessive access
BRIEF_TTL = 1.0  # seconds: the `brief` grant's token expires during the demo
UNKNOWN_PIN = "987654321987654321"  # a well-formed Pin id the simulator's user does not have
PIN = {"board_id": "549755885176", "title": "Lemon pasta in 15 minutes",
       "link": "https://example.com/pasta",
       "media_source": {"source_type": "image_url", "url": "https://example.com/pasta.jpg"}}
IMAGE_PROXY_AGENT = "Mozilla/5.0 (compatible; Pinterest Image Proxy; +https://www.pinterest.com/bot.html)"


GRANTS = (
    Grant("full", DEMO_STANDARD, FULL + UNUSED),
    Grant("reader", DEMO_STANDARD, ("pins:read", "user_accounts:read")),
    Grant("sandbox", DEMO_STANDARD, FULL[:5], "sandbox", rules=("sandbox-host-in-use",)),
    Grant("trial", DEMO_TRIAL, FULL[:4]),
    Grant("brief", DEMO_STANDARD, ("user_accounts:read",), ttl=BRIEF_TTL),
    Grant("unapproved", DEMO_UNAPPROVED, ("user_accounts:read",)),
)


def steps(today: dt.date) -> list[Step]:
    """The calls after the grants, in order (later steps rely on what earlier ones taught pinscope)."""
    def day(back: int) -> str:
        return (today - dt.timedelta(days=back)).isoformat()

    full, sandbox, basic = "Bearer {full}", "Bearer {sandbox}", "Basic {standard_basic}"
    dates = {"start_date": day(30), "end_date": day(1)}
    analytics = {**dates, "granularity": "DAY", "columns": "SPEND_IN_MICRO_DOLLAR,IMPRESSION_1"}
    ads = f"api:/v5/ad_accounts/{AD_ACCOUNT}"
    usage = Step("GET", "api:/v5/user_account/analytics", "account analytics (6 calls a minute here)",
                 auth=full, query=dates)
    return [
        Step("GET", "api:/v5/user_account", "the account behind the token", auth=full),
        Step("GET", "api:/v5/boards", "list boards", auth=full),
        Step("GET", "api:/v5/ad_accounts", "list ad accounts", auth=full),
        Step("GET", "sandbox:/v5/boards", "the sandbox token on the sandbox", auth=sandbox),
        Step("POST", "sandbox:/v5/pins", "create a Pin in the sandbox", auth=sandbox, json=PIN),
        Step("POST", "api:/v5/oauth/token", "continuous refresh", auth=basic,
             form={"grant_type": "refresh_token", "refresh_token": "{full_refresh}",
                   "continuous_refresh": "true"}),
        # Tokens and scopes
        Step("GET", "api:/v5/boards", "a token granted without boards:read (401 code 3)",
             ("insufficient-scope",), auth="Bearer {reader}"),
        Step("GET", "api:/v5/boards", "no Authorization header", ("missing-token",)),
        Step("GET", "api:/v5/boards", "the refresh token sent as a bearer token",
             ("malformed-authorization",), auth="Bearer {full_refresh}"),
        Step("GET", "api:/v5/catalogs/reports", "a token the API reports as expired (400 code 1104)",
             ("token-expired",), auth=full, query={"report_id": "6170542829"}, fault="400-1104"),
        Step("GET", "api:/v5/user_account", "a token past the expiry its grant announced (401 code 2)",
             ("token-expired",), auth="Bearer {brief}", wait=BRIEF_TTL),
        Step("GET", "api:/v5/user_account", "a token this session never saw work",
             ("authentication-failed",), auth="Bearer {stranger}"),
        Step("POST", "api:/v5/oauth/token", "refresh again with the refresh token the last refresh replaced",
             ("refresh-failed",), auth=basic,
             form={"grant_type": "refresh_token", "refresh_token": "{full_refresh}",
                   "continuous_refresh": "true"}),
        # Code 3 and code 1: the app, a restricted feature, the request itself (Pinterest's message decides)
        Step("GET", "api:/v5/user_account", "an app whose access is not approved yet: 401 code 3 \"consumer "
             "type is not supported\" on every call", ("app-not-approved",), auth="Bearer {unapproved}"),
        Step("GET", "api:/v5/search/partner/pins", "partner Pin search: the token has its scopes, the app "
             "lacks the restricted feature pin_search (401 code 3)", ("restricted-feature",), auth=full,
             query={"term": "lemon pasta", "country_code": "US"}),
        Step("POST", "api:/v5/pins", "a Pin with media_source.source_type 'url', a value the spec does not "
             "allow (400 code 1)", ("invalid-request",), auth=full,
             json={**PIN, "media_source": {"source_type": "url", "url": PIN["media_source"]["url"]}}),
        # Sandbox and production
        Step("GET", "sandbox:/v5/user_account/analytics", "an operation the sandbox does not offer",
             ("sandbox-endpoint-unavailable",), auth=sandbox, query=dates),
        Step("GET", "api:/v5/boards", "the sandbox token on production", ("sandbox-token-on-production",),
             auth=sandbox),
        Step("GET", "sandbox:/v5/boards", "a production token on the sandbox",
             ("production-token-on-sandbox",), auth=full),
        Step("POST", "api:/v5/pins", "a Trial app creating a Pin in production", ("trial-production-write",),
             auth="Bearer {trial}", json=PIN),
        # Rate limits
        usage, usage, usage, usage,
        replace(usage, rules=("rate-limit-forecast",), note="at this pace the budget runs out before the reset"),
        replace(usage, rules=("rate-limit-low",), note="the last call of the minute"),
        replace(usage, rules=("rate-limited",), note="over the limit: 429"),
        replace(usage, rules=("retry-before-reset", "rate-limited"), note="retried before X-RateLimit-Reset"),
        Step("POST", "api:/v5/pins", "a 429 that is a spam block", ("spam-blocked",), auth=full, json=PIN,
             fault="spam-429"),
        # Pinterest's FAQ
        Step("GET", "api:/v5/pins", "a video Pin whose video_url is null", ("video-url-restricted",),
             auth=full),
        Step("GET", f"{ads}/analytics", "daily analytics: all-zero days come back as no row",
             ("analytics-conversion-settings", "analytics-rows-omitted"), auth=full, query=analytics),
        Step("GET", f"{ads}/analytics", "analytics from 120 days ago",
             ("analytics-conversion-settings", "analytics-date-range"), auth=full,
             query={**analytics, "start_date": day(120), "end_date": day(100), "click_window_days": "7"}),
        Step("GET", f"{ads}/targeting_analytics", "country breakdown without LOCATION",
             ("analytics-conversion-settings", "metro-analytics-hint"), auth=full,
             query={**analytics, "targeting_types": "COUNTRY,AGE_BUCKET"}),
        Step("POST", f"{ads}/ads", "an ad without is_removable", ("ad-only-pin",), auth=full,
             json=[{"ad_group_id": "2680059592705", "creative_type": "REGULAR", "pin_id": "687195134316",
                    "name": "Lemon pasta promo", "status": "ACTIVE"}]),
        Step("POST", f"{ads}/ads", "a bulk create where one ad fails", ("bulk-item-errors",), auth=full,
             json=[{"ad_group_id": "2680059592705", "creative_type": "REGULAR", "pin_id": "687195134316",
                    "name": "Lemon pasta promo", "status": "ACTIVE", "is_removable": True},
                   {"ad_group_id": "2680059592705", "creative_type": "REGULAR", "name": "No Pin yet",
                    "status": "ACTIVE", "is_removable": True}]),
        # Three different pages of one operation: server-error-persistent counts per operation, while
        # recovery grading (recovery.py) would read three identical requests as retries, by their timing.
        *[Step("GET", "api:/v5/ad_accounts", f"a server error ({n} of 3)", (rule,), auth=full, fault="500",
               query={"page_size": str(10 * n)})
          for n, rule in ((1, "server-error"), (2, "server-error"), (3, "server-error-persistent"))],
        Step("POST", f"{ads}/events", "an endpoint that was ramped down", ("endpoint-ramped-down",), auth=full,
             json={"data": [{"event_name": "checkout", "action_source": "web", "event_time": 1735689600,
                             "event_id": "order-1", "user_data": {"em": ["0" * 64]}}]}, fault="503-4197"),
        Step("GET", f"{ads}/billing_profiles", "a beta operation refused with 403 code 29", ("beta-endpoint",),
             auth=full, query={"is_active": "true"}, fault="403-29"),
        Step("GET", ads, "an ad account the user has no role on", ("permission-denied",), auth=full,
             fault="403-29"),
        Step("POST", "api:/v5/oauth/token", "client_credentials for an owner without 2FA",
             ("client-credentials-2fa",), auth=basic, form={"grant_type": "client_credentials",
                                                            "scope": "ads:read"}, fault="401-1201"),
        Step("GET", "api:/v5/catalogs/feeds", "a business account under review", ("account-under-review",),
             auth=full, fault="403-2626"),
        # Routing
        Step("GET", "api:/v5/user_accounts", "a path no operation has", ("unknown-endpoint",), auth=full),
        Step("DELETE", "api:/v5/user_account", "a method the path does not allow", ("method-not-allowed",),
             auth=full),
        Step("GET", "api:/v3/users/me/boards/", "a v3 path", ("wrong-api-version",), auth=full),
        Step("GET", f"api:/v5/ad_accounts/act_{AD_ACCOUNT}", "an ad account id with a prefix",
             ("invalid-id-format",), auth=full),
        Step("GET", f"api:/v5/pins/{UNKNOWN_PIN}", "a Pin id that does not exist (404 code 50): no rule "
             "explains it, so pinscope quotes Pinterest's answer", ("pinterest-error",), auth=full),
        # Token hygiene
        Step("GET", "api:/v5/user_account", "the token in the query string, v1 style",
             ("token-in-url", "missing-token"), query={"access_token": "{full}"}),
        Step("POST", "site:/collect", "the token sent to a non-Pinterest collector on 127.0.0.1",
             ("token-leak",), auth=full, json={"event": "board_viewed"}),
        Step("GET", "site:/images/lemon-pasta.jpg", "Pinterest's image proxy fetching from your site",
             ("image-proxy-request",), headers={"User-Agent": IMAGE_PROXY_AGENT}),
        Step("GET", "site:/feed.xml", "other traffic passes untouched"),
    ]


def expected_rules(today: dt.date) -> frozenset[str]:
    """Every rule some grant or step of the scenario should produce."""
    return frozenset(rule for item in (*GRANTS, *steps(today)) for rule in item.rules)
