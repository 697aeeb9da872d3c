//! Puts response fields back in the order the query asked for them.
//!
//! async-graphql 7.2 resolves the fields of a query in parallel and inserts each result when it
//! completes, so sibling fields can come back in any order; the GraphQL spec asks for selection
//! order. This walks the query's selection sets beside the response and reorders each object's
//! keys by the first appearance of their response key (fragments are flattened in place; type
//! conditions do not matter because only keys present in the response are ordered).

use std::collections::HashMap;

use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::{Name, Value};

/// Reorders `data` for the operation `operation_name` of `query`; leaves it as is when the query
/// does not parse (then there is no data anyway).
pub fn reorder(query: &str, operation_name: Option<&str>, data: &mut Value) {
    let Ok(doc) = async_graphql::parser::parse_query(query) else { return };
    let operation = doc
        .operations
        .iter()
        .find(|(name, _)| operation_name.is_none() || name.map(|n| n.as_str()) == operation_name)
        .map(|(_, op)| op);
    let Some(op) = operation else { return };
    if op.node.ty == OperationType::Subscription {
        return;
    }
    let sets = [&op.node.selection_set.node];
    apply(&doc, &sets, data, 0);
}

fn apply(doc: &ExecutableDocument, sets: &[&SelectionSet], value: &mut Value, depth: usize) {
    if depth > 64 {
        return;
    }
    match value {
        Value::List(items) => {
            for item in items {
                apply(doc, sets, item, depth + 1);
            }
        }
        Value::Object(map) => {
            let mut order: Vec<Name> = Vec::new();
            let mut children: HashMap<Name, Vec<&SelectionSet>> = HashMap::new();
            for set in sets {
                collect(doc, set, &mut order, &mut children, 0);
            }
            // `collect` keeps first appearances only (by `children`, a map: linear in the keys).
            let mut sorted = async_graphql::indexmap::IndexMap::with_capacity(map.len());
            for key in &order {
                if let Some((k, mut v)) = map.shift_remove_entry(key) {
                    if let Some(child_sets) = children.get(key) {
                        apply(doc, child_sets, &mut v, depth + 1);
                    }
                    sorted.insert(k, v);
                }
            }
            // Anything not found in the query (there should be none) keeps its place at the end.
            sorted.extend(map.drain(..));
            *map = sorted;
        }
        _ => {}
    }
}

fn collect<'d>(
    doc: &'d ExecutableDocument,
    set: &'d SelectionSet,
    order: &mut Vec<Name>,
    children: &mut HashMap<Name, Vec<&'d SelectionSet>>,
    depth: usize,
) {
    if depth > 32 {
        return;
    }
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                let key = field.node.response_key().node.clone();
                let entry = children.entry(key.clone()).or_insert_with(|| {
                    order.push(key);
                    Vec::new()
                });
                entry.push(&field.node.selection_set.node);
            }
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = doc.fragments.get(&spread.node.fragment_name.node) {
                    collect(doc, &fragment.node.selection_set.node, order, children, depth + 1);
                }
            }
            Selection::InlineFragment(inline) => {
                collect(doc, &inline.node.selection_set.node, order, children, depth + 1)
            }
        }
    }
}
