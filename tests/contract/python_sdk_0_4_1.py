"""Drive the official Python SDK 0.4.1 against `mutagent-emulator --traces-contract 0.4.1` as a
user of that SDK would: organizations, workspaces, the 0.4.1 traces, and every operation of
agents, organization and workspace members, invitations, llm_providers and user_profile. That
SDK validates every answer against its own models (lib/http.py parse_response), so a shape the
emulator gets wrong fails here. Not run by CI (it needs PyPI); run it by hand:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install mutagent-sdk==0.4.1
    cargo run -p mutagent-emulator -- --listen 127.0.0.1:3013 --traces-contract 0.4.1 --quiet &
    /tmp/venv/bin/python tests/contract/python_sdk_0_4_1.py http://127.0.0.1:3013

Last run (2026-12-02): 56/56 calls passed (34 of them the administration namespaces:
agents 6, organization_members 4, invitations 5, workspace_members 4, llm_providers 9,
user_profile 6). Start a fresh emulator for each run: the script creates fixed slugs.
Organization answers validate into that SDK's empty "...OrError" models (README §5), so they pass without their fields being checked.
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

    # agents
    a = step("agents.create_agent", lambda: c.agents.create_agent(M.CreateAgentRequest(
        name="Support", slug="support-py", system_prompt="You answer tickets.", max_turns=8,
        allowed_tools=["search"], metadata={"team": "cx"})))
    step("agents.list_agents", lambda: c.agents.list_agents(limit=10, offset=0, is_public=False))
    if a is not None:
        # The methods take `id_: int`, but the Agent model types `id` as float (1.0), which
        # would go out as `/api/agents/1.0`: pass it as the int the signature asks for.
        aid = int(a.id_)
        step("agents.get_agent", lambda: c.agents.get_agent(aid))
        step("agents.get_agent_by_slug", lambda: c.agents.get_agent_by_slug("support-py"))
        step("agents.update_agent", lambda: c.agents.update_agent(aid, M.UpdateAgentRequest(status="paused", tags=["cx"])))
        step("agents.delete_agent", lambda: c.agents.delete_agent(aid))
    # organization members and invitations, in a fresh organization (its id from a raw call,
    # as organization answers validate into empty models)
    c.organizations.create_organization(M.CreateOrganizationRequest(name="Team", slug="team-py"))
    team = c._http.request("GET", "/api/organizations/slug/team-py").json().get("id")
    step("organization_members.add_organization_member", lambda: c.organization_members.add_organization_member(
        team, M.AddOrganizationMemberRequest(user_id="user_py", role="viewer", status="active")))
    step("organization_members.list_organization_members", lambda: c.organization_members.list_organization_members(team))
    step("organization_members.update_organization_member", lambda: c.organization_members.update_organization_member(
        team, "user_py", M.UpdateOrganizationMemberRequest(role="editor")))
    step("organization_members.remove_organization_member", lambda: c.organization_members.remove_organization_member(team, "user_py"))
    inv = step("invitations.create_invitation", lambda: c.invitations.create_invitation(
        team, M.CreateInvitationRequest(email="dev@example.com", role="editor", expires_in_days=3)))
    step("invitations.list_invitations", lambda: c.invitations.list_invitations(team))
    if inv is not None:
        step("invitations.get_invitation", lambda: c.invitations.get_invitation(team, inv.id_))
        step("invitations.resend_invitation", lambda: c.invitations.resend_invitation(team, inv.id_, {}))
        step("invitations.delete_invitation", lambda: c.invitations.delete_invitation(team, inv.id_))
    # workspace members, in the default workspace
    wid = [x.id_ for x in c.workspaces.list_workspaces().workspaces if x.is_default][0]
    step("workspace_members.add_workspace_member", lambda: c.workspace_members.add_workspace_member(
        wid, M.AddWorkspaceMemberRequest(user_id="user_py", role="viewer")))
    step("workspace_members.list_workspace_members", lambda: c.workspace_members.list_workspace_members(wid))
    step("workspace_members.update_workspace_member", lambda: c.workspace_members.update_workspace_member(
        wid, "user_py", M.UpdateWorkspaceMemberRequest(role="admin")))
    step("workspace_members.remove_workspace_member", lambda: c.workspace_members.remove_workspace_member(wid, "user_py"))
    # provider configs (llm_providers)
    cfg = step("llm_providers.create_provider_config", lambda: c.llm_providers.create_provider_config(
        M.CreateProviderConfigRequest(name="OpenAI", provider="openai", api_key="sk-py-0123456789abcdef",
                                      supported_models=[M.ProviderModel(id_="gpt-4o")], is_default=True)))
    step("llm_providers.list_provider_configs", lambda: c.llm_providers.list_provider_configs(provider="openai", include_inactive=True))
    step("llm_providers.list_available_models", lambda: c.llm_providers.list_available_models())
    step("llm_providers.get_model_catalog", lambda: c.llm_providers.get_model_catalog())
    if cfg is not None:
        assert "0123456789abcdef" not in repr(cfg), "the key came back"
        step("llm_providers.get_provider_config", lambda: c.llm_providers.get_provider_config(cfg.id_))
        step("llm_providers.update_provider_config", lambda: c.llm_providers.update_provider_config(
            cfg.id_, M.UpdateProviderConfigRequest(base_url=None, api_version="2024-10-01")))
        step("llm_providers.test_provider_config", lambda: c.llm_providers.test_provider_config(cfg.id_))
        step("llm_providers.list_provider_config_models", lambda: c.llm_providers.list_provider_config_models(cfg.id_))
        step("llm_providers.delete_provider_config", lambda: c.llm_providers.delete_provider_config(cfg.id_))
    # user profile (delete_account last: the profile routes answer 404 after it)
    step("user_profile.get_profile", lambda: c.user_profile.get_profile())
    step("user_profile.update_profile", lambda: c.user_profile.update_profile(M.UpdateProfileRequest(name="Py User", avatar_url=None)))
    step("user_profile.change_password", lambda: c.user_profile.change_password(
        M.ChangePasswordRequest(current_password="old-pass", new_password="new-pass")))
    sessions = step("user_profile.list_user_sessions", lambda: c.user_profile.list_user_sessions())
    if sessions is not None:
        step("user_profile.revoke_user_session", lambda: c.user_profile.revoke_user_session(sessions["data"][-1]["id"]))
    step("user_profile.delete_account", lambda: c.user_profile.delete_account({}))

width = max(len(n) for n, _, _ in results)
for name, status, detail in results:
    print(f"{status:4} {name:<{width}}  {detail}")
print(f"{sum(s == 'ok' for _, s, _ in results)}/{len(results)} passed")
