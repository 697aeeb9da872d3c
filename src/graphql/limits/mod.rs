//! What one request may cost, checked before anything runs.
//!
//! - [`nesting_of_query`] and [`nesting_of_json`] scan the text for bracket nesting before any
//!   value is built, so no recursive parser ever sees a value nested deeper than [`MAX_NESTING`].
//! - [`RequestLimits`] walks the parsed document before validation: selection depth
//!   ([`MAX_DEPTH`]), introspection's own budget, root mutation fields ([`MAX_ROOT_MUTATIONS`]) and
//!   the number of fields once fragments are expanded ([`MAX_FIELDS`]).
//! - The cost model (`limit_complexity`) gives every report at least [`REPORT_COST`].
//! - [`budget`] charges that cost to the caller's budget before the operation runs.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::{ServerError, ServerResult, Variables};

pub mod budget;
mod scan;

pub use scan::{nesting_of_json, nesting_of_query};

/// How deep brackets (`{`, `[`, `(`) may nest in a query, and arrays and objects in `variables`.
pub const MAX_NESTING: usize = 64;
/// How deep a selection may nest (the root field is level 1), introspection aside.
pub const MAX_DEPTH: usize = 12;
/// How deep an introspection selection (`__schema`, `__type` on the query root) may nest.
pub const MAX_INTROSPECTION_DEPTH: usize = 20;
/// How many `ofType` an introspection selection may chain (graphql-js 16 asks for 9).
pub const MAX_OF_TYPE: usize = 10;
/// How many of `fields`, `inputFields`, `interfaces`, `possibleTypes` may nest in one another in an
/// introspection selection (the standard queries need 1).
pub const MAX_INTROSPECTION_LISTS: usize = 2;
/// How many root fields one mutation request may have.
pub const MAX_ROOT_MUTATIONS: usize = 10;
/// How many fields a document may select once its fragments are expanded.
pub const MAX_FIELDS: usize = 10_000;
/// How many introspection root fields (`__schema`, `__type`) one request may have.
pub const MAX_INTROSPECTION_ROOTS: usize = 3;
/// The least a report (`fundingByRegion`) costs, whatever it selects: with the cost limit of
/// 50,000, at most 10 reports fit in one request.
pub const REPORT_COST: usize = 5_000;

/// The `extensions.code` of a value nested too deep.
pub const NESTED_TOO_DEEP: &str = "NESTED_TOO_DEEP";
/// The `extensions.code` of a request over a cost, depth or count limit.
pub const QUERY_TOO_COMPLEX: &str = "QUERY_TOO_COMPLEX";

/// The cost of a report: its selection times 50, at least [`REPORT_COST`].
pub fn report_cost(child_complexity: usize) -> usize {
    child_complexity.saturating_mul(50).max(REPORT_COST)
}

/// The schema extension that applies the document limits after parsing, before validation.
pub struct RequestLimits;

impl ExtensionFactory for RequestLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RequestLimitsExtension)
    }
}

struct RequestLimitsExtension;

#[async_graphql::async_trait::async_trait]
impl Extension for RequestLimitsExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let nesting = nesting_of_query(query);
        if nesting > MAX_NESTING {
            return Err(coded(NESTED_TOO_DEEP, format!("the query nests brackets more than {MAX_NESTING} deep")));
        }
        // Parsed here rather than by `next`: the engine's own step after parsing walks every
        // fragment spread without memoising (exponential for a fragment that spreads another
        // twice, thirty deep); `check_document` covers what it checks (depth, cycles) in linear
        // time. A document that does not parse goes to the engine for its own error.
        let Ok(document) = async_graphql::parser::parse_query(query) else {
            return next.run(ctx, query, variables).await;
        };
        check_document(&document).map_err(|message| {
            let code =
                if message.ends_with("is not defined") { "GRAPHQL_VALIDATION_FAILED" } else { QUERY_TOO_COMPLEX };
            coded(code, message)
        })?;
        Ok(document)
    }
}

fn coded(code: &str, message: String) -> ServerError {
    let mut error = ServerError::new(message, None);
    error.extensions.get_or_insert_with(Default::default).set("code", code);
    error
}

/// What a selection set costs, as maxima over its paths and a total.
#[derive(Clone, Copy, Default)]
struct Shape {
    depth: usize,
    of_type: usize,
    lists: usize,
    fields: usize,
    /// Some field below is aliased (`a: name`).
    aliased: bool,
}

impl Shape {
    /// Siblings: the deeper of the two paths, the sum of the fields.
    fn and(self, other: Self) -> Self {
        Self {
            depth: self.depth.max(other.depth),
            of_type: self.of_type.max(other.of_type),
            lists: self.lists.max(other.lists),
            fields: self.fields.saturating_add(other.fields),
            aliased: self.aliased || other.aliased,
        }
    }
}

/// Measures selection sets, expanding each fragment once (memoised), refusing cycles.
struct Walker<'a> {
    document: &'a ExecutableDocument,
    fragments: HashMap<&'a str, Option<Shape>>,
    /// How deep the walk is (selection sets and fragments), so a chain of 9,000 fragments that
    /// each spread the next is refused instead of overflowing the stack.
    nesting: usize,
}

/// How deep selection sets and fragment spreads may nest, counted together.
pub const MAX_WALK: usize = 64;

impl<'a> Walker<'a> {
    fn selection_set(&mut self, set: &'a SelectionSet) -> Result<Shape, String> {
        self.nesting += 1;
        let shape = self.selection_set_inner(set);
        self.nesting -= 1;
        shape
    }

    fn selection_set_inner(&mut self, set: &'a SelectionSet) -> Result<Shape, String> {
        if self.nesting > MAX_WALK {
            return Err(format!("selections and fragment spreads nest more than {MAX_WALK} deep"));
        }
        let mut shape = Shape::default();
        for item in &set.items {
            let part = match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let inner = self.selection_set(&field.selection_set.node)?;
                    let name = field.name.node.as_str();
                    let aliased = field.alias.as_ref().is_some_and(|a| a.node != field.name.node);
                    Shape {
                        depth: inner.depth + 1,
                        of_type: inner.of_type + usize::from(name == "ofType"),
                        lists: inner.lists
                            + usize::from(matches!(name, "fields" | "inputFields" | "interfaces" | "possibleTypes")),
                        fields: inner.fields.saturating_add(1),
                        aliased: inner.aliased || aliased,
                    }
                }
                // Spreads and inline fragments count as selections themselves, so a doubling
                // chain that ends in nothing (or an unknown fragment) is still counted.
                Selection::InlineFragment(fragment) => {
                    let inner = self.selection_set(&fragment.node.selection_set.node)?;
                    Shape { fields: inner.fields.saturating_add(1), ..inner }
                }
                Selection::FragmentSpread(spread) => {
                    let inner = self.fragment(spread.node.fragment_name.node.as_str())?;
                    Shape { fields: inner.fields.saturating_add(1), ..inner }
                }
            };
            shape = shape.and(part);
            if shape.fields > MAX_FIELDS {
                return Err(format!("the query selects more than {MAX_FIELDS} fields once its fragments are expanded"));
            }
        }
        Ok(shape)
    }

    fn fragment(&mut self, name: &'a str) -> Result<Shape, String> {
        // Memoised: a fragment spread many times is measured once.
        match self.fragments.get(name) {
            Some(Some(shape)) => return Ok(*shape),
            Some(None) => return Err(format!("the fragment `{name}` spreads itself")),
            None => {}
        }
        let Some(definition) = self.document.fragments.get(name) else {
            return Err(format!("the fragment `{name}` is not defined"));
        };
        self.fragments.insert(name, None);
        let shape = self.selection_set(&definition.node.selection_set.node)?;
        self.fragments.insert(name, Some(shape));
        Ok(shape)
    }

    /// The root fields of a selection set, through fragments, as (field name, its selection set),
    /// each as often as it is selected. Call it only after [`selection_set`](Self::selection_set)
    /// accepted the set: that refuses cycles and bounds the expanded size, so this stays small.
    fn root_fields(&self, set: &'a SelectionSet, out: &mut Vec<(&'a str, &'a SelectionSet)>) {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    out.push((field.node.name.node.as_str(), &field.node.selection_set.node));
                }
                Selection::InlineFragment(fragment) => self.root_fields(&fragment.node.selection_set.node, out),
                Selection::FragmentSpread(spread) => {
                    if let Some(definition) = self.document.fragments.get(spread.node.fragment_name.node.as_str()) {
                        self.root_fields(&definition.node.selection_set.node, out);
                    }
                }
            }
        }
    }
}

/// Applies the depth, introspection, mutation-count and size limits to every operation of
/// `document`.
///
/// # Errors
/// A message saying which limit the document is over.
pub fn check_document(document: &ExecutableDocument) -> Result<(), String> {
    let mut walker = Walker { document, fragments: HashMap::new(), nesting: 0 };
    let mut total_fields = 0usize;
    for (_, operation) in document.operations.iter() {
        let operation = &operation.node;
        // First the size with fragments expanded, memoised per fragment: a fragment that spreads
        // another twice, thirty deep, is refused here in linear time.
        let whole = walker.selection_set(&operation.selection_set.node)?;
        total_fields = total_fields.saturating_add(whole.fields);
        if total_fields > MAX_FIELDS {
            return Err(format!("the query selects more than {MAX_FIELDS} fields once its fragments are expanded"));
        }
        let mut roots = Vec::new();
        walker.root_fields(&operation.selection_set.node, &mut roots);
        let introspection_roots = roots.iter().filter(|(name, _)| matches!(*name, "__schema" | "__type")).count();
        if operation.ty == OperationType::Query && introspection_roots > MAX_INTROSPECTION_ROOTS {
            return Err(format!(
                "a request may ask for `__schema` or `__type` at most {MAX_INTROSPECTION_ROOTS} times"
            ));
        }
        if operation.ty == OperationType::Mutation && roots.len() > MAX_ROOT_MUTATIONS {
            return Err(format!(
                "a request may run at most {MAX_ROOT_MUTATIONS} mutations; this one has {}",
                roots.len()
            ));
        }
        for (name, set) in roots {
            let inner = walker.selection_set(set)?;
            let depth = inner.depth + 1;
            let introspection = operation.ty == OperationType::Query && matches!(name, "__schema" | "__type");
            if introspection {
                if depth > MAX_INTROSPECTION_DEPTH {
                    return Err(format!("introspection may nest at most {MAX_INTROSPECTION_DEPTH} deep"));
                }
                if inner.of_type > MAX_OF_TYPE {
                    return Err(format!("introspection may chain at most {MAX_OF_TYPE} `ofType`"));
                }
                if inner.aliased {
                    return Err("introspection selections may not use aliases".into());
                }
                if inner.lists > MAX_INTROSPECTION_LISTS {
                    return Err(format!(
                        "introspection may nest `fields`, `inputFields`, `interfaces` and `possibleTypes` at most \
                         {MAX_INTROSPECTION_LISTS} deep"
                    ));
                }
            } else if depth > MAX_DEPTH {
                return Err(format!("the query nests fields {depth} deep; at most {MAX_DEPTH} are allowed"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_cost_at_least_the_floor() {
        assert_eq!(report_cost(1), REPORT_COST);
        assert_eq!(report_cost(1_000), 50_000);
    }
}
