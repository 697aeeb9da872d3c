//! A small world for write tests: organisations A (a partner), B (another partner) and the pact
//! secretariat; scheme S run by A; programme P owned by A with a funding F under S to B; programme
//! Q owned by B where A is proposed as partner; tokens for each.

use std::collections::BTreeSet;

use diesel::prelude::*;
use jsonwebtoken::{EncodingKey, Header};
use serde_json::{json, Value};
use techniekpact_api::auth::keys::JwtKeys;
use techniekpact_api::auth::token::{issue, sign, Claims, TOKEN_TYPE};
use techniekpact_api::auth::Scope;
use techniekpact_api::data::{self, format::DataSet};
use techniekpact_api::db::write_transaction;
use techniekpact_api::ids::{encode_id, NodeType};

use crate::helpers::{spawn_app_with, Backend, TestApp};

fn src() -> Value {
    json!(["fixture.txt#L1-L1"])
}

/// The fixture data set.
pub fn world() -> DataSet {
    serde_json::from_value(json!({
        "dataVersion": 1,
        "documents": [{ "file": "fixture.txt", "title": "Test fixture" }],
        "regions": [
            { "scheme": "LANDSDEEL", "code": "OOST", "name": "Oost", "sources": src() },
            { "scheme": "PROVINCE", "code": "NL-OV", "name": "Overijssel", "parent": "LANDSDEEL:OOST", "sources": src() }
        ],
        "organisations": [
            { "slug": "org-a", "name": "Organisatie A", "kind": "SCHOOL", "sources": src() },
            { "slug": "org-b", "name": "Organisatie B", "kind": "COMPANY", "sources": src() },
            { "slug": "secretariaat", "name": "Techniekpact secretariaat", "kind": "OTHER", "sources": src() }
        ],
        "programmes": [
            { "slug": "p", "name": "Programma P", "kind": "PROJECT", "owner": "org-a", "regions": ["LANDSDEEL:OOST"],
              "participants": [{ "organisation": "org-a", "role": "LEAD", "sources": src() }], "sources": src() },
            { "slug": "p-empty", "name": "Programma zonder geld", "kind": "PROJECT", "owner": "org-a",
              "participants": [{ "organisation": "org-a", "role": "LEAD", "sources": src() }], "sources": src() },
            { "slug": "q", "name": "Programma Q", "kind": "PROJECT", "owner": "org-b",
              "participants": [{ "organisation": "org-b", "role": "LEAD", "sources": src() }, { "organisation": "org-a", "role": "PARTNER", "sources": src() }], "sources": src() }
        ],
        "fundingSchemes": [
            { "code": "S", "name": "Regeling S", "administrator": "org-a", "sources": src() }
        ],
        "fundings": [
            { "key": "f", "scheme": "S", "programme": "p", "recipient": "org-b", "amountAwarded": "1000.00",
              "allocations": [{ "region": "PROVINCE:NL-OV", "shareBasisPoints": 10000 }], "sources": src() }
        ]
    }))
    .expect("the write fixture is valid")
}

/// Row ids of the fixture, by natural key.
#[derive(Clone, Debug)]
pub struct Ids {
    pub org_a: i64,
    pub org_b: i64,
    pub secretariat: i64,
    pub p: i64,
    pub p_empty: i64,
    pub q_partner_a: i64,
    pub scheme: i64,
    pub funding: i64,
    pub region: i64,
}

/// A running app with the fixture, the keys it signs with, and ids.
pub struct World {
    pub app: TestApp,
    pub keys: JwtKeys,
    pub ids: Ids,
}

pub const ALL_PARTNER_SCOPES: &str = "programmes:write fundings:write organisation:write tokens:write";

impl World {
    pub async fn new(backend: Backend) -> Self {
        Self::new_with(backend, |_| {}).await
    }

    /// Like [`new`](Self::new), with the app's settings changed by `edit` first.
    pub async fn new_with(backend: Backend, edit: impl FnOnce(&mut techniekpact_api::config::Settings)) -> Self {
        let app = spawn_app_with(backend, false, edit).await;
        let keys = JwtKeys::from_settings(&app.settings).expect("keys");
        let ids = app
            .with_conn(|c| {
                use techniekpact_api::db::schema::*;
                data::load(c, &world(), false).expect("fixture loads");
                let org = |c: &mut _, s: &str| {
                    organisation::table
                        .filter(organisation::slug.eq(s))
                        .select(organisation::id)
                        .first::<i64>(c)
                        .unwrap()
                };
                let prog = |c: &mut _, s: &str| {
                    programme::table.filter(programme::slug.eq(s)).select(programme::id).first::<i64>(c).unwrap()
                };
                let (org_a, org_b, secretariat) = (org(c, "org-a"), org(c, "org-b"), org(c, "secretariaat"));
                let (p, p_empty, q) = (prog(c, "p"), prog(c, "p-empty"), prog(c, "q"));
                let q_partner_a: i64 = participation::table
                    .filter(participation::programme_id.eq(q))
                    .filter(participation::organisation_id.eq(org_a))
                    .select(participation::id)
                    .first(c)
                    .unwrap();
                diesel::update(participation::table.find(q_partner_a))
                    .set(participation::status.eq("PROPOSED"))
                    .execute(c)
                    .unwrap();
                let scheme = funding_scheme::table.select(funding_scheme::id).first::<i64>(c).unwrap();
                let funding = funding::table.select(funding::id).first::<i64>(c).unwrap();
                let region = region::table.filter(region::code.eq("NL-OV")).select(region::id).first::<i64>(c).unwrap();
                Ids { org_a, org_b, secretariat, p, p_empty, q_partner_a, scheme, funding, region }
            })
            .await;
        Self { app, keys, ids }
    }

    /// Issues a real token (stored, so it authenticates).
    pub async fn token(&self, org: i64, scopes: &str) -> String {
        self.issued(org, scopes).await.0
    }

    /// Issues a real token; returns it and its jti.
    pub async fn issued(&self, org: i64, scopes: &str) -> (String, String) {
        let keys = self.keys.clone();
        let scopes: BTreeSet<Scope> = Scope::parse_list(scopes).expect("scopes");
        self.app
            .with_conn(move |c| {
                let t = write_transaction(c, |c| {
                    issue(c, &keys, org, &scopes, chrono::Duration::hours(1), Some("test"), None)
                })
                .expect("issue");
                (t.token, t.jti)
            })
            .await
    }

    /// A token for A with full partner scopes whose claims are then changed by `edit` and which is
    /// re-signed with `key` (or the server's key) and `header` changes: one defect at a time.
    pub async fn forged(
        &self,
        edit: impl FnOnce(&mut Claims),
        header_edit: impl FnOnce(&mut Header),
        key: Option<EncodingKey>,
    ) -> String {
        let (_, jti) = self.issued(self.ids.org_a, ALL_PARTNER_SCOPES).await;
        let now = chrono::Utc::now().timestamp();
        let mut claims = Claims {
            sub: encode_id(NodeType::Organisation, self.ids.org_a).0,
            jti,
            scope: ALL_PARTNER_SCOPES.into(),
            iss: self.keys.issuer.clone(),
            aud: self.keys.audience.clone(),
            iat: now,
            exp: now + 3600,
            nbf: None,
        };
        edit(&mut claims);
        match key {
            None => {
                let mut header = Header::new(self.keys.algorithm);
                header.typ = Some(TOKEN_TYPE.into());
                header_edit(&mut header);
                if header.typ.as_deref() == Some(TOKEN_TYPE) && header.alg == self.keys.algorithm {
                    sign(&self.keys, &claims).expect("sign")
                } else {
                    let pem = std::fs::read(self.app.settings.data_dir.join("jwt-ed25519.pem")).expect("key file");
                    jsonwebtoken::encode(&header, &claims, &EncodingKey::from_ed_pem(&pem).expect("pem")).expect("sign")
                }
            }
            Some(key) => {
                let mut header = Header::new(self.keys.algorithm);
                header.typ = Some(TOKEN_TYPE.into());
                header_edit(&mut header);
                jsonwebtoken::encode(&header, &claims, &key).expect("sign")
            }
        }
    }

    pub fn id(&self, t: NodeType, id: i64) -> String {
        encode_id(t, id).0
    }
}
