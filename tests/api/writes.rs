//! Write behaviour: optimistic concurrency, idempotency, validation, proposals, revocation,
//! session tokens and the audit trail.

use serde_json::{json, Value};
use techniekpact_api::ids::NodeType as T;
use tokio::sync::Barrier;

use crate::helpers::{backends, error_codes};
use crate::writes_fixture::{World, ALL_PARTNER_SCOPES};

const UPDATE: &str = "mutation($input: UpdateProgrammeInput!) { updateProgramme(input: $input) { programme { name version } userErrors { field code message } } }";
const CREATE: &str = "mutation($input: CreateProgrammeInput!) { createProgramme(input: $input) { programme { id slug } userErrors { field code message } } }";

fn codes(payload: &Value) -> Vec<String> {
    payload["userErrors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["code"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[actix_web::test]
async fn two_concurrent_updates_with_the_same_version_one_wins_and_one_conflicts() {
    for backend in backends() {
        let w = World::new(backend).await;
        let token = w.token(w.ids.org_a, ALL_PARTNER_SCOPES).await;
        let barrier = Barrier::new(2);
        let send = |name: &'static str| {
            let (w, token, barrier) = (&w, &token, &barrier);
            async move {
                let input =
                    json!({ "input": { "id": w.id(T::Programme, w.ids.p), "expectedVersion": 1, "name": name } });
                barrier.wait().await;
                w.app.query_as(Some(token), UPDATE, input).await.1
            }
        };
        let (a, b) = tokio::join!(send("Naam een"), send("Naam twee"));
        let outcomes = [codes(&a["data"]["updateProgramme"]), codes(&b["data"]["updateProgramme"])];
        let wins = outcomes.iter().filter(|c| c.is_empty()).count();
        let conflicts = outcomes.iter().filter(|c| *c == &vec!["CONFLICT".to_owned()]).count();
        assert_eq!((wins, conflicts), (1, 1), "{backend:?}: {a} {b}");
        let admin = w.token(w.ids.secretariat, "admin").await;
        let q = "query($id: ID!) { auditEvents(filter: { entity: $id, mutation: \"updateProgramme\" }) { nodes { changes } } }";
        let (_, events) = w.app.query_as(Some(&admin), q, json!({ "id": w.id(T::Programme, w.ids.p) })).await;
        assert_eq!(events["data"]["auditEvents"]["nodes"].as_array().map(Vec::len), Some(1), "{backend:?}: {events}");
        let d = w.app.data("{ programme(slug: \"p\") { version } }", json!({})).await;
        assert_eq!(d["programme"]["version"], 2);
    }
}

#[actix_web::test]
async fn racing_creates_with_one_idempotency_key_make_one_row() {
    for backend in backends() {
        let w = World::new(backend).await;
        let token = w.token(w.ids.org_a, ALL_PARTNER_SCOPES).await;
        let barrier = Barrier::new(2);
        let input = json!({ "input": { "name": "Eén keer", "kind": "INITIATIVE", "idempotencyKey": "k-1" } });
        let send = || {
            let (w, token, barrier, input) = (&w, &token, &barrier, input.clone());
            async move {
                barrier.wait().await;
                w.app.query_as(Some(token), CREATE, input).await.1
            }
        };
        let (a, b) = tokio::join!(send(), send());
        assert_eq!(codes(&a["data"]["createProgramme"]), Vec::<String>::new(), "{backend:?}: {a}");
        assert_eq!(codes(&b["data"]["createProgramme"]), Vec::<String>::new(), "{backend:?}: {b}");
        assert_eq!(a["data"]["createProgramme"]["programme"]["id"], b["data"]["createProgramme"]["programme"]["id"]);
        let d = w.app.data("{ programmes(filter: { search: \"een keer\" }) { totalCount } }", json!({})).await;
        assert_eq!(d["programmes"]["totalCount"], 1, "{backend:?}");
        // The same key with another input is a conflict and writes nothing.
        let other = json!({ "input": { "name": "Iets anders", "kind": "INITIATIVE", "idempotencyKey": "k-1" } });
        let (_, body) = w.app.query_as(Some(&token), CREATE, other).await;
        assert_eq!(codes(&body["data"]["createProgramme"]), ["CONFLICT"], "{body}");
        let d = w.app.data("{ programmes(filter: { search: \"iets anders\" }) { totalCount } }", json!({})).await;
        assert_eq!(d["programmes"]["totalCount"], 0);
    }
}

#[actix_web::test]
async fn invalid_input_is_reported_field_by_field_and_writes_nothing() {
    for backend in backends() {
        let w = World::new(backend).await;
        let token = w.token(w.ids.org_a, ALL_PARTNER_SCOPES).await;
        let bad = json!({ "input": { "name": "  ", "kind": "PROJECT", "period": { "start": "2020", "end": "2019" }, "regionIds": ["garbage"] } });
        let (_, body) = w.app.query_as(Some(&token), CREATE, bad).await;
        let p = &body["data"]["createProgramme"];
        assert_eq!(p["programme"], Value::Null, "{backend:?}: {body}");
        let mut got = codes(p);
        got.sort();
        assert_eq!(got, ["BLANK", "END_BEFORE_START", "INVALID"], "{body}");
        assert!(p["userErrors"].as_array().unwrap().iter().any(|e| e["field"] == json!(["input", "name"])));

        let unknown = json!({ "input": { "name": "X", "kind": "PROJECT", "regionIds": [w.id(T::Region, 999_999)] } });
        let (_, body) = w.app.query_as(Some(&token), CREATE, unknown).await;
        assert_eq!(codes(&body["data"]["createProgramme"]), ["UNKNOWN_REFERENCE"], "{body}");

        let record = "mutation($input: RecordFundingInput!) { recordFunding(input: $input) { funding { id } userErrors { field code } } }";
        let scheme = w.id(T::FundingScheme, w.ids.scheme);
        let region = w.id(T::Region, w.ids.region);
        let (_, body) = w
            .app
            .query_as(
                Some(&token),
                record,
                json!({ "input": { "schemeId": scheme, "amountAwarded": "-5",
                "allocations": [{ "regionId": region, "shareBasisPoints": 9000 }] } }),
            )
            .await;
        let mut got = codes(&body["data"]["recordFunding"]);
        got.sort();
        assert_eq!(got, ["OUT_OF_RANGE", "SHARES_NOT_WHOLE"], "{backend:?}: {body}");
        let d = w.app.data("{ fundings { totalCount } programmes { totalCount } }", json!({})).await;
        assert_eq!((d["fundings"]["totalCount"].clone(), d["programmes"]["totalCount"].clone()), (json!(1), json!(3)));
    }
}

#[actix_web::test]
async fn a_stale_version_is_a_conflict_and_deleting_a_funded_programme_is_refused() {
    for backend in backends() {
        let w = World::new(backend).await;
        let token = w.token(w.ids.org_a, ALL_PARTNER_SCOPES).await;
        let input = json!({ "input": { "id": w.id(T::Programme, w.ids.p), "expectedVersion": 7, "name": "Te laat" } });
        let (_, body) = w.app.query_as(Some(&token), UPDATE, input).await;
        assert_eq!(codes(&body["data"]["updateProgramme"]), ["CONFLICT"], "{backend:?}: {body}");
        let delete = "mutation($input: DeleteProgrammeInput!) { deleteProgramme(input: $input) { deletedProgrammeId userErrors { code } } }";
        let (_, body) = w
            .app
            .query_as(
                Some(&token),
                delete,
                json!({ "input": { "id": w.id(T::Programme, w.ids.p), "expectedVersion": 1 } }),
            )
            .await;
        assert_eq!(codes(&body["data"]["deleteProgramme"]), ["IN_USE"], "{body}");
        let d = w.app.data("{ programme(slug: \"p\") { name version } }", json!({})).await;
        assert_eq!(d["programme"], json!({ "name": "Programma P", "version": 1 }));
    }
}

#[actix_web::test]
async fn a_proposed_participant_is_visible_only_to_owner_proposed_and_admin_until_accepted() {
    for backend in backends() {
        let w = World::new(backend).await;
        let q = "{ programme(slug: \"q\") { participants { status organisation { slug } } } organisations(filter: { programme: null, role: [PARTNER] }) { totalCount } }";
        let slugs = |body: &Value| -> Vec<String> {
            body["data"]["programme"]["participants"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["organisation"]["slug"].as_str().unwrap().to_owned())
                .collect()
        };
        let (_, anonymous) = w.app.query_as(None, q, json!({})).await;
        assert_eq!(slugs(&anonymous), ["org-b"], "{backend:?}: {anonymous}");
        assert_eq!(anonymous["data"]["organisations"]["totalCount"], 0, "proposals are not counted in public lists");
        let outsider = w.token(w.ids.secretariat, "programmes:write").await;
        assert_eq!(slugs(&w.app.query_as(Some(&outsider), q, json!({})).await.1), ["org-b"]);
        for viewer in [
            w.token(w.ids.org_a, "programmes:write").await,
            w.token(w.ids.org_b, "programmes:write").await,
            w.token(w.ids.secretariat, "admin").await,
        ] {
            let mut s = slugs(&w.app.query_as(Some(&viewer), q, json!({})).await.1);
            s.sort();
            assert_eq!(s, ["org-a", "org-b"], "{backend:?}");
        }
        let accept = "mutation($input: AcceptParticipationInput!) { acceptParticipation(input: $input) { participation { status } userErrors { code } } }";
        let a = w.token(w.ids.org_a, "programmes:write").await;
        let (_, body) = w.app.query_as(Some(&a), accept, json!({ "input": { "participationId": w.id(T::Participation, w.ids.q_partner_a), "expectedVersion": 1 } })).await;
        assert_eq!(body["data"]["acceptParticipation"]["participation"]["status"], "ACCEPTED", "{body}");
        let (_, anonymous) = w.app.query_as(None, q, json!({})).await;
        assert_eq!(slugs(&anonymous).len(), 2);
        let d = w.app.data("{ programme(slug: \"q\") { version } }", json!({})).await;
        assert_eq!(d["programme"]["version"], 2, "accepting raises the programme's version");
    }
}

#[actix_web::test]
async fn tokens_can_be_revoked_exchanged_for_sessions_and_say_who_they_are() {
    for backend in backends() {
        let w = World::new(backend).await;
        let (token, jti) = w.issued(w.ids.org_a, ALL_PARTNER_SCOPES).await;
        let (status, me) =
            w.app.query_as(Some(&token), "{ viewer { organisation { slug } scopes tokenId } }", json!({})).await;
        assert_eq!(status, 200);
        assert_eq!(me["data"]["viewer"]["organisation"]["slug"], "org-a", "{backend:?}: {me}");
        assert_eq!(me["data"]["viewer"]["tokenId"], jti.as_str());

        let session = "mutation($input: CreateSessionTokenInput!) { createSessionToken(input: $input) { token { token expiresAt } userErrors { code } } }";
        let (_, body) = w
            .app
            .query_as(Some(&token), session, json!({ "input": { "scopes": ["PROGRAMMES_WRITE"], "ttlSeconds": 900 } }))
            .await;
        let short = body["data"]["createSessionToken"]["token"]["token"].as_str().expect("a session token").to_owned();
        let (_, me) = w.app.query_as(Some(&short), "{ viewer { scopes expiresAt } }", json!({})).await;
        assert_eq!(me["data"]["viewer"]["scopes"], json!(["PROGRAMMES_WRITE"]), "{me}");
        let (_, body) = w.app.query_as(Some(&token), session, json!({ "input": { "scopes": ["ADMIN"] } })).await;
        assert_eq!(codes(&body["data"]["createSessionToken"]), ["INVALID"], "a session cannot gain scopes: {body}");
        let (_, body) = w.app.query_as(Some(&short), session, json!({ "input": {} })).await;
        assert_eq!(error_codes(&body), ["FORBIDDEN"], "a session token cannot mint more: {body}");

        let admin = w.token(w.ids.secretariat, "admin").await;
        let revoke =
            "mutation($input: RevokeTokenInput!) { revokeToken(input: $input) { revokedAt userErrors { code } } }";
        let (_, body) = w.app.query_as(Some(&admin), revoke, json!({ "input": { "jti": jti } })).await;
        assert!(body["data"]["revokeToken"]["revokedAt"].is_string(), "{body}");
        let (status, body) = w.app.query_as(Some(&token), "{ viewer { tokenId } }", json!({})).await;
        assert_eq!(
            (status, error_codes(&body)),
            (401, vec!["UNAUTHENTICATED".to_owned()]),
            "a revoked token is refused, reads too"
        );
        let (status, body) = w.app.query_as(Some("garbage"), "{ regions { totalCount } }", json!({})).await;
        assert_eq!(
            (status, error_codes(&body)),
            (401, vec!["UNAUTHENTICATED".to_owned()]),
            "a bad token on a read is an error"
        );
    }
}

#[actix_web::test]
async fn the_recipient_may_change_only_co_financing_and_the_audit_trail_shows_it() {
    for backend in backends() {
        let w = World::new(backend).await;
        let b = w.token(w.ids.org_b, "fundings:write").await;
        let update = "mutation($input: UpdateFundingInput!) { updateFunding(input: $input) { funding { coFinancing { amount } version } userErrors { code } } }";
        let id = w.id(T::Funding, w.ids.funding);
        let (_, body) = w
            .app
            .query_as(Some(&b), update, json!({ "input": { "id": id, "expectedVersion": 1, "coFinancing": "250.00" } }))
            .await;
        assert_eq!(
            body["data"]["updateFunding"]["funding"],
            json!({ "coFinancing": { "amount": "250.00" }, "version": 2 }),
            "{backend:?}: {body}"
        );
        let (_, body) = w
            .app
            .query_as(
                Some(&b),
                update,
                json!({ "input": { "id": id, "expectedVersion": 2, "coFinancing": "1.00", "note": "x" } }),
            )
            .await;
        assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");

        let q = "{ auditEvents { nodes { mutation entityType organisation { slug } changes } } }";
        let (_, mine) = w.app.query_as(Some(&b), q, json!({})).await;
        let events = mine["data"]["auditEvents"]["nodes"].as_array().expect("events").clone();
        assert_eq!(events.len(), 1, "{backend:?}: {mine}");
        assert_eq!(
            events[0]["changes"],
            json!({ "before": { "coFinancingCents": null, "version": 1 }, "after": { "coFinancingCents": 25000, "version": 2 } })
        );
        let a = w.token(w.ids.org_a, "fundings:write").await;
        let (_, theirs) = w.app.query_as(Some(&a), q, json!({})).await;
        assert_eq!(
            theirs["data"]["auditEvents"]["nodes"].as_array().map(Vec::len),
            Some(1),
            "A runs the scheme, so it sees events on the funding"
        );
        let c = w.token(w.ids.secretariat, "programmes:write").await;
        let (_, none) = w.app.query_as(Some(&c), q, json!({})).await;
        assert_eq!(none["data"]["auditEvents"]["nodes"], json!([]), "others see nothing");
        let (_, anonymous) = w.app.query_as(None, q, json!({})).await;
        assert_eq!(error_codes(&anonymous), ["UNAUTHENTICATED"]);
    }
}

#[actix_web::test]
async fn revoking_a_token_revokes_its_sessions_and_sessions_cannot_mint_more() {
    for backend in backends() {
        let w = World::new(backend).await;
        let (parent, jti) = w.issued(w.ids.org_a, ALL_PARTNER_SCOPES).await;
        let session = "mutation($input: CreateSessionTokenInput!) { createSessionToken(input: $input) { token { token } userErrors { code } } }";
        let (_, body) = w
            .app
            .query_as(Some(&parent), session, json!({ "input": { "scopes": ["PROGRAMMES_WRITE", "TOKENS_WRITE"] } }))
            .await;
        let child = body["data"]["createSessionToken"]["token"]["token"].as_str().expect("a session token").to_owned();
        let (_, me) = w.app.query_as(Some(&child), "{ viewer { scopes } }", json!({})).await;
        assert_eq!(
            me["data"]["viewer"]["scopes"],
            json!(["PROGRAMMES_WRITE"]),
            "{backend:?}: TOKENS_WRITE is never passed on"
        );
        let (_, body) = w.app.query_as(Some(&parent), session, json!({ "input": { "scopes": [] } })).await;
        assert_eq!(codes(&body["data"]["createSessionToken"]), ["BLANK"], "{body}");
        let admin = w.token(w.ids.secretariat, "admin").await;
        let revoke =
            "mutation($input: RevokeTokenInput!) { revokeToken(input: $input) { revokedAt userErrors { code } } }";
        w.app.query_as(Some(&admin), revoke, json!({ "input": { "jti": jti } })).await;
        let (status, _) = w.app.query_as(Some(&child), "{ viewer { scopes } }", json!({})).await;
        assert_eq!(status, 401, "{backend:?}: the session dies with its parent");
        let (_, again) = w.app.query_as(Some(&admin), revoke, json!({ "input": { "jti": jti } })).await;
        assert_eq!(codes(&again["data"]["revokeToken"]), ["CONFLICT"]);
    }
}

#[actix_web::test]
async fn amounts_links_and_texts_are_checked_before_anything_is_written() {
    for backend in backends() {
        let w = World::new(backend).await;
        let a = w.token(w.ids.org_a, ALL_PARTNER_SCOPES).await;
        let record = "mutation($input: RecordFundingInput!) { recordFunding(input: $input) { funding { id } userErrors { field code } } }";
        let scheme = w.id(T::FundingScheme, w.ids.scheme);
        for (input, code) in [
            (json!({ "schemeId": scheme, "amountAwarded": "92233720368547758.07" }), "INVALID"),
            (
                json!({ "schemeId": scheme, "amountAwarded": "10", "funderId": w.id(T::Organisation, w.ids.org_b) }),
                "INVALID",
            ),
        ] {
            let (_, body) = w.app.query_as(Some(&a), record, json!({ "input": input })).await;
            assert_eq!(codes(&body["data"]["recordFunding"]), [code], "{backend:?}: {body}");
        }
        let update = "mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { organisation { website } userErrors { field code } } }";
        let org = w.id(T::Organisation, w.ids.org_a);
        for (input, code) in [
            (json!({ "id": org, "expectedVersion": 1, "website": "javascript:alert(1)" }), "INVALID"),
            (json!({ "id": org, "expectedVersion": 1, "name": "\u{200b}" }), "BLANK"),
            (json!({ "id": org, "expectedVersion": 1, "name": "a\u{202e}b" }), "INVALID"),
        ] {
            let (_, body) = w.app.query_as(Some(&a), update, json!({ "input": input })).await;
            assert_eq!(codes(&body["data"]["updateOrganisation"]), [code], "{backend:?}: {body}");
        }
        // A token without the scope is refused before its input is even looked at.
        let no_scope = w.token(w.ids.org_a, "fundings:write").await;
        let (_, body) = w
            .app
            .query_as(
                Some(&no_scope),
                UPDATE,
                json!({ "input": { "id": w.id(T::Programme, w.ids.p), "expectedVersion": 1, "name": "" } }),
            )
            .await;
        assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
        let (status, body) = w.app.post_raw(b"{\"query\":\"{ __typename }\"}".to_vec()).await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = w.app.get("/nowhere").await;
        assert_eq!(status, 404);
        assert!(body.contains("NOT_FOUND"));
    }
}

#[actix_web::test]
async fn a_programme_deleted_through_the_api_is_not_recreated_by_a_newer_data_set() {
    for backend in backends() {
        let w = World::new(backend).await;
        let a = w.token(w.ids.org_a, ALL_PARTNER_SCOPES).await;
        let delete = "mutation($input: DeleteProgrammeInput!) { deleteProgramme(input: $input) { deletedProgrammeId userErrors { code } } }";
        let (_, body) = w
            .app
            .query_as(
                Some(&a),
                delete,
                json!({ "input": { "id": w.id(T::Programme, w.ids.p_empty), "expectedVersion": 1 } }),
            )
            .await;
        assert!(body["data"]["deleteProgramme"]["deletedProgrammeId"].is_string(), "{backend:?}: {body}");
        let report = w
            .app
            .with_conn(|c| {
                let mut v2 = crate::writes_fixture::world();
                v2.data_version = 2;
                v2.programmes[0].description = Some("Nieuwe beschrijving".into());
                techniekpact_api::data::load(c, &v2, false).expect("v2 loads")
            })
            .await;
        assert!(
            report.kept_api_changes.iter().any(|k| k.contains("p-empty") && k.contains("deleted")),
            "{backend:?}: {report:?}"
        );
        let d = w
            .app
            .data("{ programme(slug: \"p-empty\") { id } p: programme(slug: \"p\") { description } }", json!({}))
            .await;
        assert_eq!(d["programme"], Value::Null, "{backend:?}");
        assert_eq!(d["p"]["description"], "Nieuwe beschrijving");
    }
}

#[actix_web::test]
async fn an_update_that_changes_nothing_keeps_the_version_and_writes_no_event() {
    for backend in backends() {
        let w = World::new(backend).await;
        let a = w.token(w.ids.org_a, ALL_PARTNER_SCOPES).await;
        let same =
            json!({ "input": { "id": w.id(T::Programme, w.ids.p), "expectedVersion": 1, "name": "Programma P" } });
        let (_, body) = w.app.query_as(Some(&a), UPDATE, same).await;
        assert_eq!(
            body["data"]["updateProgramme"]["programme"],
            json!({ "name": "Programma P", "version": 1 }),
            "{backend:?}: {body}"
        );
        let admin = w.token(w.ids.secretariat, "admin").await;
        let (_, events) = w
            .app
            .query_as(
                Some(&admin),
                "{ auditEvents(filter: { mutation: \"updateProgramme\" }) { nodes { mutation } } }",
                json!({}),
            )
            .await;
        assert_eq!(events["data"]["auditEvents"]["nodes"], json!([]), "{events}");
        let changed =
            json!({ "input": { "id": w.id(T::Programme, w.ids.p), "expectedVersion": 1, "name": "Programma P2" } });
        let (_, body) = w.app.query_as(Some(&a), UPDATE, changed).await;
        assert_eq!(body["data"]["updateProgramme"]["programme"]["version"], 2, "{body}");
    }
}

#[actix_web::test]
async fn a_programme_a_relation_names_cannot_be_deleted() {
    for backend in backends() {
        let w = World::new(backend).await;
        w.app
            .with_conn(|c| {
                let mut v2 = crate::writes_fixture::world();
                v2.data_version = 2;
                v2.relations.push(techniekpact_api::data::format_model::Relation {
                    kind: "PART_OF".into(),
                    subject: "programme:p-empty".into(),
                    object: "programme:p".into(),
                    period: None,
                    note: None,
                    sources: vec!["fixture.txt#L1-L1".into()],
                });
                techniekpact_api::data::load(c, &v2, false).expect("v2 loads")
            })
            .await;
        let a = w.token(w.ids.org_a, ALL_PARTNER_SCOPES).await;
        let delete = "mutation($input: DeleteProgrammeInput!) { deleteProgramme(input: $input) { deletedProgrammeId userErrors { code } } }";
        let input = json!({ "input": { "id": w.id(T::Programme, w.ids.p_empty), "expectedVersion": 1 } });
        let (_, body) = w.app.query_as(Some(&a), delete, input).await;
        assert_eq!(codes(&body["data"]["deleteProgramme"]), ["IN_USE"], "{backend:?}: {body}");
        let d = w
            .app
            .data(r#"{ programme(slug: "p") { relations { kind subject { ... on Programme { slug } } } } }"#, json!({}))
            .await;
        assert_eq!(
            d["programme"]["relations"],
            json!([{ "kind": "PART_OF", "subject": { "slug": "p-empty" } }]),
            "{backend:?}"
        );
    }
}
