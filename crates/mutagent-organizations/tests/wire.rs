//! Wire tests: every `organizations` operation sends exactly the method, path, query, headers
//! and body of the contract, and decodes a realistic answer — through the async and the
//! blocking client.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

use mutagent_organizations::{
    CreateOrganization, ListOrganizations, OrganizationRole, OrganizationsExt, Patch,
    UpdateOrganization,
};
use mutagent_wire_test::*;
use serde_json::{json, Value};

fn org_json(id: &str, slug: &str) -> Value {
    json!({
        "id": id,
        "name": "Acme",
        "slug": slug,
        "description": null,
        "logoUrl": "https://acme.example/logo.png",
        "billingPlan": "pro",
        "stripeCustomerId": null,
        "billingEmail": "billing@acme.example",
        "isActive": true,
        "metadata": {"region": "eu"},
        "createdBy": "user_1",
        "createdAt": "2026-11-01T10:00:00.000Z",
        "updatedAt": "2026-11-02T10:00:00.000Z",
        "someFutureField": [1, 2]
    })
}

fn org_with_role_json(id: &str, role: &str) -> Value {
    json!({
        "id": id,
        "name": format!("Org {id}"),
        "slug": id,
        "description": "d",
        "logoUrl": null,
        "billingPlan": "free",
        "isActive": true,
        "metadata": null,
        "createdAt": "2026-11-01T10:00:00.000Z",
        "updatedAt": null,
        "role": role,
        "unknownExtra": true
    })
}

#[test]
fn list_organizations() {
    let page = json!({
        "data": [org_with_role_json("org_1", "owner"), org_with_role_json("org_2", "billing-manager")],
        "total": 7, "limit": 2, "offset": 2, "hasNext": true, "hasPrevious": true
    });
    let params = ListOrganizations::new()
        .limit(2)
        .offset(2)
        .name("Acme & Co")
        .billing_plan("pro")
        .is_active(false);
    let (request, page) = both_call!(Reply::json(200, page), |c| c
        .organizations()
        .list_organizations(&params));
    assert_common(
        &request,
        "GET",
        "/api/organizations/",
        Some("limit=2&offset=2&name=Acme%20%26%20Co&billingPlan=pro&isActive=false"),
        None,
    );
    assert_eq!(page.total, 7);
    assert!(page.has_next && page.has_previous);
    assert_eq!(page.data[0].role, OrganizationRole::Owner);
    assert_eq!(
        page.data[1].role,
        OrganizationRole::Unknown("billing-manager".into())
    );
    assert_eq!(page.data[1].organization.id.as_str(), "org_2");
    assert_eq!(page.data[0].organization.description.as_deref(), Some("d"));
    assert_eq!(page.data[0].organization.billing_email, None);
}

#[test]
fn list_organizations_without_filters_sends_no_query() {
    let page = json!({"data": [], "total": 0, "limit": 20, "offset": 0, "hasNext": false, "hasPrevious": false});
    let (request, page) = both_call!(Reply::json(200, page), |c| c
        .organizations()
        .list_organizations(&ListOrganizations::new()));
    assert_common(&request, "GET", "/api/organizations/", None, None);
    assert!(page.data.is_empty());
}

#[test]
fn create_organization() {
    let body = CreateOrganization::new("Acme", "acme")
        .description("Rockets")
        .logo_url("https://acme.example/logo.png")
        .billing_email("billing@acme.example")
        .metadata(json!({"region": "eu"}))
        .auto_suffix_slug(true);
    let (request, org) = both_call!(Reply::json(201, org_json("org_1", "acme")), |c| c
        .organizations()
        .create_organization(&body));
    assert_common(
        &request,
        "POST",
        "/api/organizations/",
        None,
        Some(json!({
            "name": "Acme",
            "slug": "acme",
            "description": "Rockets",
            "logoUrl": "https://acme.example/logo.png",
            "billingEmail": "billing@acme.example",
            "metadata": {"region": "eu"},
            "autoSuffixSlug": true
        })),
    );
    assert_eq!(org.id.as_str(), "org_1");
    assert_eq!(org.billing_plan, "pro");
    assert!(org.is_active);
    assert_eq!(org.description, None);
    assert_eq!(org.metadata, json!({"region": "eu"}));
}

#[test]
fn create_organization_sends_only_what_is_set() {
    let (request, _) = both_call!(Reply::json(201, org_json("org_1", "acme")), |c| c
        .organizations()
        .create_organization(&CreateOrganization::new("Acme", "acme")));
    assert_eq!(request.json(), json!({"name": "Acme", "slug": "acme"}));
}

#[test]
fn get_organization() {
    let (request, org) = both_call!(Reply::json(200, org_json("org/1 x", "acme")), |c| c
        .organizations()
        .get_organization("org/1 x"));
    assert_common(
        &request,
        "GET",
        "/api/organizations/org%2F1%20x",
        None,
        None,
    );
    assert_eq!(org.slug, "acme");
    assert_eq!(org.created_by.as_deref(), Some("user_1"));
}

#[test]
fn update_organization_sets_and_clears() {
    let body = UpdateOrganization::new()
        .name("Acme Inc")
        .slug("acme-inc")
        .clear_description()
        .logo_url("https://acme.example/new.png")
        .clear_billing_email()
        .billing_plan("enterprise")
        .is_active(true)
        .clear_metadata();
    assert_eq!(body.description, Patch::Null);
    let (request, org) = both_call!(Reply::json(200, org_json("org_1", "acme-inc")), |c| c
        .organizations()
        .update_organization("org_1", &body));
    assert_common(
        &request,
        "PATCH",
        "/api/organizations/org_1",
        None,
        Some(json!({
            "name": "Acme Inc",
            "slug": "acme-inc",
            "description": null,
            "logoUrl": "https://acme.example/new.png",
            "billingEmail": null,
            "billingPlan": "enterprise",
            "isActive": true,
            "metadata": null
        })),
    );
    assert_eq!(org.slug, "acme-inc");
}

#[test]
fn update_organization_leaves_unset_fields_out() {
    let (request, _) = both_call!(Reply::json(200, org_json("org_1", "acme")), |c| c
        .organizations()
        .update_organization("org_1", &UpdateOrganization::new().description("New")));
    assert_eq!(request.json(), json!({"description": "New"}));
}

#[test]
fn delete_organization() {
    assert_deleted!("/api/organizations/org_1", |c| c
        .organizations()
        .delete_organization("org_1"));
}

#[test]
fn long_organization_names_are_sent() {
    // models.md: organization names have "maxLength (value unknown)"; the 255 characters of
    // prompt-side names are not theirs, so the server decides.
    let name = "x".repeat(300);
    let body = CreateOrganization::new(name.as_str(), "long");
    let (request, _) = both_call!(Reply::json(201, org_json("org_9", "long")), |c| c
        .organizations()
        .create_organization(&body));
    assert_eq!(request.json()["name"], name);
}

#[test]
fn delete_organization_accepts_any_success_answer() {
    // The contract does not model this answer: an empty 200, a 204, `{success}` alone or
    // any other JSON must all decode.
    let cases = [
        (Reply::status(204), true, Value::Null),
        (Reply::status(200), true, Value::Null),
        (
            Reply::json(200, json!({"success": true})),
            true,
            json!({"success": true}),
        ),
        (
            Reply::json(200, json!({"success": false})),
            false,
            json!({"success": false}),
        ),
        (
            Reply::json(202, json!({"deleted": "org_1", "at": 5})),
            true,
            json!({"deleted": "org_1", "at": 5}),
        ),
        (Reply::json(200, json!(["org_1"])), true, json!(["org_1"])),
    ];
    for (reply, success, body) in cases {
        let (request, answer) =
            both_call!(reply, |c| c.organizations().delete_organization("org_1"));
        assert_common(&request, "DELETE", "/api/organizations/org_1", None, None);
        assert_eq!(answer.success, success);
        assert_eq!(answer.message, None);
        assert_eq!(answer.body, body);
        // Written back, it is the body as sent, and reads back the same.
        #[cfg(feature = "serde-roundtrip")]
        {
            let written = serde_json::to_value(&answer).expect("serializes");
            assert_eq!(written, body);
            let read: mutagent_organizations::OrganizationDeleted =
                serde_json::from_value(written).expect("reads back");
            assert_eq!(read, answer);
        }
    }
}

#[test]
fn list_organizations_without_navigation_flags() {
    let page = json!({"data": [org_with_role_json("org_1", "owner")], "total": 3, "limit": 1, "offset": 1});
    let (_, page) = both_call!(Reply::json(200, page), |c| c
        .organizations()
        .list_organizations(&ListOrganizations::new()));
    assert_eq!(page.data.len(), 1);
    assert!(page.has_next, "1 + 1 < 3");
    assert!(page.has_previous, "offset 1");
}

#[test]
fn get_organization_by_slug() {
    let (request, org) = both_call!(Reply::json(200, org_json("org_9", "acme rockets")), |c| c
        .organizations()
        .get_organization_by_slug("acme rockets"));
    assert_common(
        &request,
        "GET",
        "/api/organizations/slug/acme%20rockets",
        None,
        None,
    );
    assert_eq!(org.id.as_str(), "org_9");
}

#[test]
fn check_organization_slug() {
    assert_json_answer!(
        "GET",
        "/api/organizations/check-slug/acme",
        json!({"available": false, "suggestion": "acme-2"}),
        |c| c.organizations().check_organization_slug("acme")
    );
}

#[test]
fn get_organization_member_count() {
    let (request, count) = both_call!(
        Reply::json(200, json!({"count": 12, "extra": "ignored"})),
        |c| c.organizations().get_organization_member_count("org_1")
    );
    assert_common(
        &request,
        "GET",
        "/api/organizations/org_1/member-count",
        None,
        None,
    );
    assert_eq!(count.count, 12);
}

#[test]
fn error_statuses_are_errors_not_empty_organizations() {
    let server = ScriptedServer::start(vec![Reply::json(
        404,
        json!({"error": "NOT_FOUND", "message": "Organization not found"}),
    )]);
    let err = blocking_client(&server)
        .organizations()
        .get_organization("missing")
        .expect_err("404");
    match err {
        Error::Api(api) => {
            assert_eq!(api.status().as_u16(), 404);
            assert_eq!(api.code(), Some("NOT_FOUND"));
            assert_eq!(api.message(), Some("Organization not found"));
        }
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[test]
fn invalid_input_is_refused_before_sending() {
    nothing_sent(|client| {
        let orgs = client.organizations();
        assert_invalid(
            orgs.list_organizations(&ListOrganizations::new().limit(0)),
            "limit",
        );
        assert_invalid(
            orgs.create_organization(&CreateOrganization::new("", "acme")),
            "name",
        );
        assert_invalid(
            orgs.create_organization(&CreateOrganization::new("  ", "acme")),
            "name",
        );
        assert_invalid(
            orgs.create_organization(&CreateOrganization::new("Acme", "")),
            "slug",
        );
        assert_invalid(
            orgs.update_organization("org_1", &UpdateOrganization::new().slug("")),
            "slug",
        );
        assert_invalid(orgs.get_organization(""), "orgId");
        assert!(orgs.get_organization_by_slug("..").is_err());
    });
}

#[test]
fn list_organizations_all_walks_every_page() {
    let page = |ids: &[&str], offset: u64, has_next: bool| {
        Reply::json(
            200,
            json!({
                "data": ids.iter().map(|id| org_with_role_json(id, "admin")).collect::<Vec<_>>(),
                "total": 3, "limit": 2, "offset": offset, "hasNext": has_next, "hasPrevious": offset > 0
            }),
        )
    };
    let replies = vec![page(&["a", "b"], 0, true), page(&["c"], 2, false)];

    let (orgs, server) = both_walk!(replies, |c| c
        .organizations()
        .list_organizations_all(&ListOrganizations::new().limit(2)));
    let ids: Vec<&str> = orgs.iter().map(|o| o.organization.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c"]);
    assert_queries(&server, &["limit=2&offset=0", "limit=2&offset=2"]);
}
