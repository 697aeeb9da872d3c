//! `Person` and `PersonRole`: people the documents name in a public role. Only the name as the
//! documents write it and the public roles they state; never contact details (README "People").

use async_graphql::{Context, Object, ID};

use super::common::Period;
use super::record::Sourced;
use super::{Organisation, Programme};
use crate::db::models::{PersonRoleRow, PersonRow};
use crate::graphql::context::{load_list, load_one};
use crate::graphql::loaders::*;
use crate::ids::{encode_id, NodeType, RecordKind};
use crate::text::json_strings;

/// A person the documents name in a public role (an officer of the pact, an ambassador, a
/// minister or deputy acting in that role). Only what the documents state about the public role.
#[derive(Clone)]
pub struct Person(pub PersonRow);

/// A person the documents name in a public role (an officer of the pact, an ambassador, a
/// minister or deputy acting in that role). Only what the documents state about the public role.
#[Object]
impl Person {
    /// The opaque global ID.
    pub async fn id(&self) -> ID {
        encode_id(NodeType::Person, self.0.id)
    }

    /// A stable, readable key (lowercase ASCII with `-`), e.g. `doekle-terpstra`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// The name as the documents write it (e.g. `Doekle Terpstra`; only a surname where that is all
    /// they give: `Kamp`).
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Other ways the documents write the name.
    async fn aliases(&self) -> Vec<String> {
        json_strings(&self.0.aliases)
    }

    /// A remark by the data's authors.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// The public roles the documents give this person, in the data set's order.
    #[graphql(complexity = "10 * child_complexity")]
    async fn roles(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PersonRole>> {
        Ok(load_list(ctx, RolesOfPerson(self.0.id)).await?.into_iter().map(PersonRole).collect())
    }

    /// (Flattened: `sources`.)
    #[graphql(flatten)]
    async fn sourced(&self) -> Sourced {
        Sourced(RecordKind::Person, self.0.id.into())
    }
}

/// A public role a person holds or held: a title, where the documents say in which organisation or
/// programme, and for which period.
#[derive(Clone)]
pub struct PersonRole(pub PersonRoleRow);

/// A public role a person holds or held: a title, where the documents say in which organisation or
/// programme, and for which period.
#[Object]
impl PersonRole {
    /// The title as the documents give it (Dutch), e.g. `Aanjager Nationaal Techniekpact 2020`,
    /// `minister van OCW`, `ambassadeur`.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Who holds the role.
    async fn person(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person>> {
        Ok(load_one(ctx, PersonById(self.0.person_id)).await?.map(Person))
    }

    /// The organisation the role is in, where the documents name one.
    async fn organisation(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organisation>> {
        match (self.0.record_type.as_deref().and_then(RecordKind::parse), self.0.record_id) {
            (Some(RecordKind::Organisation), Some(id)) => {
                Ok(load_one(ctx, OrganisationById(id)).await?.map(Organisation))
            }
            _ => Ok(None),
        }
    }

    /// The programme the role is in (e.g. an ambassador of the pact), where the documents name one.
    async fn programme(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Programme>> {
        match (self.0.record_type.as_deref().and_then(RecordKind::parse), self.0.record_id) {
            (Some(RecordKind::Programme), Some(id)) => Ok(load_one(ctx, ProgrammeById(id)).await?.map(Programme)),
            _ => Ok(None),
        }
    }

    /// When the role held, where a source says (e.g. "in 2016 gestart"); null when no source says.
    async fn period(&self) -> Option<Period> {
        let r = &self.0;
        Period::from_db(r.start_date, r.start_precision.as_deref(), r.end_date, r.end_precision.as_deref())
    }

    /// (Flattened: `sources`.)
    #[graphql(flatten)]
    async fn sourced(&self) -> Sourced {
        Sourced(RecordKind::PersonRole, self.0.id)
    }
}

/// The roles people hold in a record (an organisation or programme).
pub(crate) async fn roles_in(ctx: &Context<'_>, kind: RecordKind, id: i64) -> async_graphql::Result<Vec<PersonRole>> {
    Ok(load_list(ctx, RolesIn(kind, id)).await?.into_iter().map(PersonRole).collect())
}
