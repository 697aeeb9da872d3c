//! Every mutation × every kind of caller, on both backends. Each cell sends the input that succeeds
//! for the own-organisation and admin cells, asserts the exact code, and for refusals asserts that
//! no table changed (audit and idempotency tables included).

use diesel::prelude::*;
use jsonwebtoken::EncodingKey;
use serde_json::{json, Value};
use techniekpact_api::db::schema::*;
use techniekpact_api::ids::NodeType as T;

use crate::helpers::{backends, digest, Backend};
use crate::writes_fixture::{World, ALL_PARTNER_SCOPES};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    NoToken,
    Malformed,
    Expired,
    NotYetValid,
    IatInFuture,
    BadSignature,
    AlgNone,
    Hs256AgainstEdDsa,
    WrongAudience,
    WrongIssuer,
    WrongTyp,
    Revoked,
    OtherOrganisation,
    MissingScope,
    OwnOrganisation,
    Admin,
}

const TOKEN_DEFECTS: [Cell; 12] = [
    Cell::NoToken,
    Cell::Malformed,
    Cell::Expired,
    Cell::NotYetValid,
    Cell::IatInFuture,
    Cell::BadSignature,
    Cell::AlgNone,
    Cell::Hs256AgainstEdDsa,
    Cell::WrongAudience,
    Cell::WrongIssuer,
    Cell::WrongTyp,
    Cell::Revoked,
];

/// A mutation under test: its name, the scope it needs, who besides admin may call it.
struct Mutation {
    name: &'static str,
    input_type: &'static str,
    scope: &'static str,
    own_allowed: bool,
    other_allowed: bool,
}

const fn m(name: &'static str, input_type: &'static str, scope: &'static str, own: bool, other: bool) -> Mutation {
    Mutation { name, input_type, scope, own_allowed: own, other_allowed: other }
}

const MUTATIONS: &[Mutation] = &[
    m("createProgramme", "CreateProgrammeInput", "programmes:write", true, true),
    m("updateProgramme", "UpdateProgrammeInput", "programmes:write", true, false),
    m("deleteProgramme", "DeleteProgrammeInput", "programmes:write", true, false),
    m("addProgrammeParticipant", "AddProgrammeParticipantInput", "programmes:write", true, false),
    m("acceptParticipation", "AcceptParticipationInput", "programmes:write", true, false),
    m("setProgrammeRegions", "SetProgrammeRegionsInput", "programmes:write", true, false),
    m("recordFunding", "RecordFundingInput", "fundings:write", true, false),
    m("updateFunding", "UpdateFundingInput", "fundings:write", true, false),
    m("deleteFunding", "DeleteFundingInput", "fundings:write", true, false),
    m("updateOrganisation", "UpdateOrganisationInput", "organisation:write", true, false),
    m("createOrganisation", "CreateOrganisationInput", "admin", false, false),
    m("createRegion", "CreateRegionInput", "admin", false, false),
    m("createFundingScheme", "CreateFundingSchemeInput", "admin", false, false),
    m("addBudgetLine", "AddBudgetLineInput", "admin", false, false),
    m("issueToken", "IssueTokenInput", "admin", false, false),
    m("revokeToken", "RevokeTokenInput", "admin", false, false),
    m("createSessionToken", "CreateSessionTokenInput", "tokens:write", true, true),
];

async fn version(w: &World, table: &'static str, id: i64) -> i32 {
    w.app
        .with_conn(move |c| match table {
            "programme" => programme::table.find(id).select(programme::version).first(c),
            "funding" => funding::table.find(id).select(funding::version).first(c),
            "organisation" => organisation::table.find(id).select(organisation::version).first(c),
            "funding_scheme" => funding_scheme::table.find(id).select(funding_scheme::version).first(c),
            "participation" => participation::table.find(id).select(participation::version).first(c),
            other => panic!("no table {other}"),
        })
        .await
        .expect("version")
}

/// The input that succeeds for the own organisation (and admin).
async fn input(w: &World, name: &str) -> Value {
    let i = &w.ids;
    let input = match name {
        "createProgramme" => json!({ "name": "Nieuw programma", "kind": "PROJECT", "targetGroups": ["MBO"],
            "regionIds": [w.id(T::Region, i.region)], "period": { "start": "2020" } }),
        "updateProgramme" => {
            json!({ "id": w.id(T::Programme, i.p), "expectedVersion": version(w, "programme", i.p).await, "name": "Hernoemd programma" })
        }
        "deleteProgramme" => {
            json!({ "id": w.id(T::Programme, i.p_empty), "expectedVersion": version(w, "programme", i.p_empty).await })
        }
        "addProgrammeParticipant" => {
            json!({ "programmeId": w.id(T::Programme, i.p), "expectedVersion": version(w, "programme", i.p).await,
            "organisationId": w.id(T::Organisation, i.org_b), "role": "PARTNER" })
        }
        "acceptParticipation" => json!({ "participationId": w.id(T::Participation, i.q_partner_a),
            "expectedVersion": version(w, "participation", i.q_partner_a).await }),
        "setProgrammeRegions" => {
            json!({ "programmeId": w.id(T::Programme, i.p), "expectedVersion": version(w, "programme", i.p).await,
            "regionIds": [w.id(T::Region, i.region)] })
        }
        "recordFunding" => {
            json!({ "schemeId": w.id(T::FundingScheme, i.scheme), "programmeId": w.id(T::Programme, i.p),
            "recipientId": w.id(T::Organisation, i.org_b), "amountAwarded": "2500.50",
            "allocations": [{ "regionId": w.id(T::Region, i.region), "shareBasisPoints": 10000 }] })
        }
        "updateFunding" => {
            json!({ "id": w.id(T::Funding, i.funding), "expectedVersion": version(w, "funding", i.funding).await, "amountAwarded": "1200.00" })
        }
        "deleteFunding" => {
            json!({ "id": w.id(T::Funding, i.funding), "expectedVersion": version(w, "funding", i.funding).await })
        }
        "updateOrganisation" => {
            json!({ "id": w.id(T::Organisation, i.org_a), "expectedVersion": version(w, "organisation", i.org_a).await,
            "website": "https://a.example" })
        }
        "createOrganisation" => {
            json!({ "slug": "nieuwe-organisatie", "name": "Nieuwe organisatie", "kind": "COMPANY" })
        }
        "createRegion" => {
            json!({ "scheme": "ARBEIDSMARKTREGIO", "code": "TWENTE", "name": "Twente", "parentId": w.id(T::Region, i.region) })
        }
        "createFundingScheme" => {
            json!({ "code": "NIEUW", "name": "Nieuwe regeling", "administratorId": w.id(T::Organisation, i.org_a) })
        }
        "addBudgetLine" => {
            json!({ "schemeId": w.id(T::FundingScheme, i.scheme), "expectedVersion": version(w, "funding_scheme", i.scheme).await,
            "amount": "1000000", "period": { "start": "2020" }, "basis": "PER_YEAR" })
        }
        "issueToken" => {
            json!({ "organisationId": w.id(T::Organisation, i.org_b), "scopes": ["PROGRAMMES_WRITE"], "label": "matrix" })
        }
        "revokeToken" => json!({ "jti": w.issued(i.org_b, "programmes:write").await.1 }),
        "createSessionToken" => json!({ "ttlSeconds": 600 }),
        other => panic!("no input for {other}"),
    };
    json!({ "input": input })
}

async fn token_for(w: &World, cell: Cell, mutation: &Mutation) -> Option<String> {
    let now = chrono::Utc::now().timestamp();
    let i = &w.ids;
    Some(match cell {
        Cell::NoToken => return None,
        Cell::Malformed => "not.a.token".into(),
        Cell::Expired => {
            w.forged(
                |c| {
                    c.iat = now - 7200;
                    c.exp = now - 3600
                },
                |_| {},
                None,
            )
            .await
        }
        Cell::NotYetValid => w.forged(|c| c.nbf = Some(now + 3600), |_| {}, None).await,
        Cell::IatInFuture => w.forged(|c| c.iat = now + 3600, |_| {}, None).await,
        Cell::BadSignature => {
            let other = ed25519_dalek::SigningKey::generate(&mut rand_core::OsRng);
            let pem = ed25519_dalek::pkcs8::EncodePrivateKey::to_pkcs8_pem(&other, Default::default()).expect("pem");
            w.forged(|_| {}, |_| {}, Some(EncodingKey::from_ed_pem(pem.as_bytes()).expect("key"))).await
        }
        Cell::AlgNone => {
            use base64::engine::general_purpose::URL_SAFE_NO_PAD;
            use base64::Engine;
            let valid = w.forged(|_| {}, |_| {}, None).await;
            let claims = valid.split('.').nth(1).expect("claims").to_owned();
            format!("{}.{claims}.", URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"techniekpact+jwt"}"#))
        }
        Cell::Hs256AgainstEdDsa => {
            let key = EncodingKey::from_secret(b"a shared secret of at least thirty-two bytes");
            w.forged(|_| {}, |h| h.alg = jsonwebtoken::Algorithm::HS256, Some(key)).await
        }
        Cell::WrongAudience => w.forged(|c| c.aud = "someone-else".into(), |_| {}, None).await,
        Cell::WrongIssuer => w.forged(|c| c.iss = "someone-else".into(), |_| {}, None).await,
        Cell::WrongTyp => w.forged(|_| {}, |h| h.typ = Some("JWT".into()), None).await,
        Cell::Revoked => {
            let (token, jti) = w.issued(i.org_a, ALL_PARTNER_SCOPES).await;
            w.app
                .with_conn(move |c| {
                    diesel::update(api_token::table.filter(api_token::jti.eq(jti)))
                        .set(api_token::revoked_at.eq(Some(chrono::Utc::now().naive_utc())))
                        .execute(c)
                })
                .await
                .expect("revoke");
            token
        }
        Cell::OtherOrganisation => w.token(i.org_b, ALL_PARTNER_SCOPES).await,
        Cell::MissingScope => {
            let scopes: Vec<&str> = ALL_PARTNER_SCOPES.split(' ').filter(|s| *s != mutation.scope).collect();
            w.token(i.org_a, &scopes.join(" ")).await
        }
        Cell::OwnOrganisation => w.token(i.org_a, ALL_PARTNER_SCOPES).await,
        Cell::Admin => w.token(i.secretariat, "admin").await,
    })
}

fn expected(cell: Cell, m: &Mutation) -> &'static str {
    match cell {
        c if TOKEN_DEFECTS.contains(&c) => "UNAUTHENTICATED",
        Cell::MissingScope => "FORBIDDEN",
        Cell::OtherOrganisation if !m.other_allowed => "FORBIDDEN",
        Cell::OwnOrganisation if !m.own_allowed => "FORBIDDEN",
        _ => "OK",
    }
}

async fn run_cell(w: &World, backend: Backend, m: &Mutation, cell: Cell) {
    let token = token_for(w, cell, m).await;
    let variables = input(w, m.name).await;
    let query = format!(
        "mutation($input: {}!) {{ {}(input: $input) {{ userErrors {{ field message code }} }} }}",
        m.input_type, m.name
    );
    let before = w.app.with_conn(digest).await;
    let (status, body) = w.app.query_as(token.as_deref(), &query, variables).await;
    let after = w.app.with_conn(digest).await;
    let want = expected(cell, m);
    let context = format!("{backend:?} {} × {cell:?}: HTTP {status} {body}", m.name);
    if want == "OK" {
        assert!(body.get("errors").is_none(), "{context}");
        assert_eq!(body["data"][m.name]["userErrors"], json!([]), "{context}");
        let events = |d: &Vec<(String, crate::helpers::TableDigest)>| {
            d.iter().find(|(t, _)| t == "audit_event").map(|(_, x)| x.n).unwrap_or(0)
        };
        assert_eq!(events(&after), events(&before) + 1, "{context}: one audit event per write");
    } else {
        assert_eq!(body["errors"][0]["extensions"]["code"], want, "{context}");
        assert!(body["data"].is_null() || body["data"][m.name].is_null(), "{context}");
        if want == "UNAUTHENTICATED" && cell != Cell::NoToken {
            assert_eq!(status, 401, "{context}");
        }
        assert!(before == after, "{context}: a refused write changed the database");
    }
}

#[actix_web::test]
async fn every_mutation_refuses_every_bad_caller_and_accepts_the_right_ones() {
    for backend in backends() {
        for m in MUTATIONS {
            let w = World::new(backend).await;
            for cell in
                TOKEN_DEFECTS.into_iter().chain([Cell::OtherOrganisation, Cell::MissingScope, Cell::OwnOrganisation])
            {
                run_cell(&w, backend, m, cell).await;
            }
            // Admin on a fresh world, so the own-organisation cell's write does not change its input.
            let fresh = World::new(backend).await;
            run_cell(&fresh, backend, m, Cell::Admin).await;
        }
    }
}

#[actix_web::test]
async fn the_matrix_covers_exactly_the_mutations_the_schema_offers() {
    let app = crate::helpers::spawn_app(Backend::Sqlite, false).await;
    let body = app
        .query("{ __schema { mutationType { fields { name args { type { ofType { name } } } } } } }", json!({}))
        .await;
    let fields = body["data"]["__schema"]["mutationType"]["fields"].as_array().expect("mutation fields");
    let mut offered: Vec<(String, String)> = fields
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_owned(),
                f["args"][0]["type"]["ofType"]["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    offered.sort();
    let mut tested: Vec<(String, String)> =
        MUTATIONS.iter().map(|m| (m.name.to_owned(), m.input_type.to_owned())).collect();
    tested.sort();
    assert_eq!(tested, offered, "every mutation the schema offers, with its input type, is in MUTATIONS");
}

/// The lines of the first Markdown table after `heading`, without a comment prefix.
fn table_after(text: &str, heading: &str, prefix: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.strip_prefix(prefix).unwrap_or(l).trim())
        .skip_while(|l| *l != heading)
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_readme_states_the_rules_the_policy_documents() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let policy = std::fs::read_to_string(format!("{root}/src/auth/policy.rs")).unwrap();
    let in_readme = table_after(&readme, "| What | Who |", "");
    let in_policy = table_after(&policy, "| What | Who |", "//!");
    assert!(in_readme.len() > 5, "the README's access table: {in_readme:?}");
    assert_eq!(in_readme, in_policy, "README.md and src/auth/policy.rs state the same rules");
}

#[actix_web::test]
async fn a_session_token_mints_no_tokens_even_from_an_admin_token() {
    for backend in backends() {
        let w = World::new(backend).await;
        let admin = w.token(w.ids.secretariat, "admin").await;
        let session = "mutation { createSessionToken(input: {}) { token { token } userErrors { code } } }";
        let (_, body) = w.app.query_as(Some(&admin), session, json!({})).await;
        let child = body["data"]["createSessionToken"]["token"]["token"].as_str().expect("a session token").to_owned();
        let (_, again) = w.app.query_as(Some(&child), session, json!({})).await;
        assert_eq!(crate::helpers::error_codes(&again), ["FORBIDDEN"], "{backend:?}: {again}");
        let issue =
            "mutation($input: IssueTokenInput!) { issueToken(input: $input) { token { jti } userErrors { code } } }";
        let input = json!({ "input": { "organisationId": w.id(T::Organisation, w.ids.org_a), "scopes": ["ADMIN"] } });
        let (_, issued) = w.app.query_as(Some(&child), issue, input.clone()).await;
        assert_eq!(crate::helpers::error_codes(&issued), ["FORBIDDEN"], "{backend:?}: {issued}");
        // The admin token it was made from still may.
        let (_, by_admin) = w.app.query_as(Some(&admin), issue, input).await;
        assert!(by_admin["data"]["issueToken"]["token"]["jti"].is_string(), "{backend:?}: {by_admin}");
    }
}
