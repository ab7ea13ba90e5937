"""Drive the official Python SDK 0.4.1 against `mutagent-emulator --traces-contract 0.4.1` as a
user of that SDK would: organizations, workspaces and the 0.4.1 traces. That SDK validates every
answer against its own models (lib/http.py parse_response), so a shape the emulator gets wrong
fails here. Not run by CI (it needs PyPI); run it by hand:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install mutagent-sdk==0.4.1
    cargo run -p mutagent-emulator -- --listen 127.0.0.1:3013 --traces-contract 0.4.1 --quiet &
    /tmp/venv/bin/python tests/contract/python_sdk_0_4_1.py http://127.0.0.1:3013

Last run (2026-12-02): 22/22 calls passed. Organization answers validate into that SDK's empty
"...OrError" models (README §5), so they pass without their fields being checked.
"""
import sys, traceback
from mutagent import Mutagent
from mutagent.models import *  # noqa
import mutagent.models as M

url = sys.argv[1]
results = []
def step(name, fn):
    try:
        out = fn()
        results.append((name, "ok", repr(out)[:160]))
        return out
    except Exception as e:
        results.append((name, "FAIL", f"{type(e).__name__}: {str(e)[:400]}"))
        return None

with Mutagent(api_key="mt_py_key", server_url=url) as c:
    # organizations
    step("organizations.list_organizations", lambda: c.organizations.list_organizations(limit=10))
    org = step("organizations.create_organization", lambda: c.organizations.create_organization(
        M.CreateOrganizationRequest(name="Acme", slug="acme", description="Rockets", auto_suffix_slug=True)))
    step("organizations.get_organization_by_slug", lambda: c.organizations.get_organization_by_slug("acme"))
    step("organizations.check_organization_slug", lambda: c.organizations.check_organization_slug("acme"))
    # Organization answers validate into an empty model (README §5), so the id comes from a raw call.
    raw = c._http.request("GET", "/api/organizations/slug/acme").json()
    oid = raw.get("id")
    step("organizations.get_organization", lambda: c.organizations.get_organization(oid))
    step("organizations.update_organization", lambda: c.organizations.update_organization(
        oid, M.UpdateOrganizationRequest(description="More rockets")))
    step("organizations.get_organization_member_count", lambda: c.organizations.get_organization_member_count(oid))
    step("organizations.delete_organization", lambda: c.organizations.delete_organization(oid))
    # workspaces
    ws = step("workspaces.list_workspaces", lambda: c.workspaces.list_workspaces(include_inactive=True))
    w = step("workspaces.create_workspace", lambda: c.workspaces.create_workspace(
        M.CreateWorkspaceRequest(name="Team", slug="team", description="d", settings={"a": 1})))
    if w is not None:
        step("workspaces.get_workspace", lambda: c.workspaces.get_workspace(w.id_))
        step("workspaces.update_workspace", lambda: c.workspaces.update_workspace(w.id_, M.UpdateWorkspaceRequest(name="Team 2")))
        step("workspaces.set_default_workspace", lambda: c.workspaces.set_default_workspace(w.id_))
        default = [x for x in (ws.workspaces if ws else []) if x.is_default]
        if default:
            step("workspaces.set_default_workspace(back)", lambda: c.workspaces.set_default_workspace(default[0].id_))
        step("workspaces.delete_workspace", lambda: c.workspaces.delete_workspace(w.id_))
    # traces (0.4.1 contract)
    batch = M.TraceBatchRequest(traces=[
        M.TraceBatchTrace(trace_id=f"py-{i}", session_id="sess-py", name="turn", source="mutagent-cli",
                          start_time="2026-11-01T10:00:00.000Z", end_time="2026-11-01T10:00:02.000Z", status="ok",
                          spans=[M.TraceBatchSpan(span_id=f"py-{i}-a", name="chat", kind="client",
                                                  start_time="2026-11-01T10:00:00.000Z", end_time="2026-11-01T10:00:01.000Z",
                                                  status="ok", input_="hi", output="hello"),
                                 M.TraceBatchSpan(span_id=f"py-{i}-b", name="tool", parent_span_id=f"py-{i}-a",
                                                  start_time="2026-11-01T10:00:01.000Z", status="error", metadata={"k": 1})],
                          metadata={"user": "u1"})
        for i in range(3)])
    step("traces.ingest_trace_batch", lambda: c.traces.ingest_trace_batch(batch))
    page = step("traces.list_traces(limit=2)", lambda: c.traces.list_traces(limit=2, session_id="sess-py"))
    if page is not None and page.next_cursor:
        step("traces.list_traces(cursor)", lambda: c.traces.list_traces(limit=2, cursor=page.next_cursor))
    step("traces.list_traces(limit=2.0 float)", lambda: c.traces.list_traces(limit=2.0))
    step("traces.get_trace", lambda: c.traces.get_trace("py-1"))
    step("traces.list_trace_spans", lambda: c.traces.list_trace_spans("py-1"))
    step("traces.list_logs", lambda: c.traces.list_logs(limit=5, trace_id="py-1"))

width = max(len(n) for n, _, _ in results)
for name, status, detail in results:
    print(f"{status:4} {name:<{width}}  {detail}")
print(f"{sum(s == 'ok' for _, s, _ in results)}/{len(results)} passed")
