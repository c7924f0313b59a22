"""Accessibility checks with axe-core, the npm package (tests/e2e/package.json), run in the page.

`make test` installs it into tests/e2e/node_modules (`npm ci`); nothing is fetched from a CDN.
The app's Content-Security-Policy allows only its own scripts: Playwright's add_script_tag
inserts an inline <script> with the file's text, which the CSP refuses. So the source is run
with page.evaluate, which goes through the DevTools protocol and is not subject to the page's
CSP (as conftest.wait_until does), and axe.run() is then called the same way.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from playwright.sync_api import Page

AXE_JS = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"

#: What axe.run() reports back: per violated rule, its id, impact, help and every node's target.
_RUN = """
async (options) => {
  const results = await window.axe.run(document, options);
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({
      target: n.target.map((t) => (Array.isArray(t) ? t.join(" >>> ") : t)).join(" "),
      summary: n.failureSummary || "",
    })),
  }));
}
"""

#: The rules to run: every rule axe runs by default (WCAG 2.0-2.2 A and AA, best practices).
DEFAULT_OPTIONS: dict = {"resultTypes": ["violations"]}


@cache
def axe_source() -> str:
    if not AXE_JS.is_file():
        raise AssertionError(
            f"{AXE_JS} is missing: `make test` installs it, or run "
            "`npm ci --prefix tests/e2e --no-audit --no-fund`"
        )
    # A trailing expression, so the evaluation returns nothing big to serialise.
    return AXE_JS.read_text(encoding="utf-8") + "\n;true"


def inject_axe(page: Page) -> None:
    """Load axe-core into the page (once per document)."""
    if not page.evaluate("typeof window.axe === 'object' && !!window.axe.run"):
        page.evaluate(axe_source())


def axe_violations(page: Page, options: dict | None = None) -> list[dict]:
    """axe.run() on the whole page: the violated rules, each with its nodes' targets."""
    inject_axe(page)
    return page.evaluate(_RUN, {**DEFAULT_OPTIONS, **(options or {})})


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"]:
            lines.append(f"    {node['target']}")
            for detail in node["summary"].splitlines()[1:3]:
                if detail.strip():
                    lines.append(f"      {detail.strip()}")
    return "\n".join(lines)


def assert_no_axe_violations(page: Page, options: dict | None = None, where: str = "") -> None:
    """Fail, listing each violated rule's id, impact and the selectors of its elements."""
    violations = axe_violations(page, options)
    if violations:
        count = sum(len(v["nodes"]) for v in violations)
        raise AssertionError(
            f"axe-core: {len(violations)} rule(s) violated by {count} element(s)"
            f" on {where or page.url}:\n{format_violations(violations)}"
        )
