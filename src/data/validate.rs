//! Checks a data set before anything is written: every reference resolves, every enum value is
//! known, amounts and dates parse, shares sum to 10000 basis points, every record has a source.

use std::collections::HashSet;

use super::format::{DataSet, Period, SourceRef};
use crate::money::parse_euros;
use crate::period::{parse_partial_date, Bound};
use crate::vocab::*;

/// Returns one message per problem, each naming the record and field; empty when the set is valid.
pub fn validate(data: &DataSet) -> Vec<String> {
    let mut v = Checker { problems: Vec::new(), documents: data.documents.iter().map(|d| d.file.clone()).collect() };
    let regions: HashSet<String> = data.regions.iter().map(|r| format!("{}:{}", r.scheme, r.code)).collect();
    let orgs: HashSet<&str> = data.organisations.iter().map(|o| o.slug.as_str()).collect();
    let programmes: HashSet<&str> = data.programmes.iter().map(|p| p.slug.as_str()).collect();
    let schemes: HashSet<&str> = data.funding_schemes.iter().map(|s| s.code.as_str()).collect();

    v.unique("region", data.regions.iter().map(|r| format!("{}:{}", r.scheme, r.code)));
    v.unique("organisation", data.organisations.iter().map(|o| o.slug.clone()));
    v.unique("programme", data.programmes.iter().map(|p| p.slug.clone()));
    v.unique("fundingScheme", data.funding_schemes.iter().map(|s| s.code.clone()));
    v.unique("funding", data.fundings.iter().map(|f| f.key.clone()));

    for r in &data.regions {
        let at = format!("region {}:{}", r.scheme, r.code);
        v.known(&at, "scheme", Some(&r.scheme), |s| RegionScheme::parse(s).is_some());
        v.nonempty(&at, "name", &r.name);
        v.sources(&at, &r.sources);
        let refs = r.parent.iter().chain(&r.associated).chain(&r.same_as);
        for reference in refs {
            v.check(
                regions.contains(reference),
                &at,
                "parent/associated/sameAs",
                &format!("unknown region {reference:?}"),
            );
        }
        if let Some(parent) = &r.parent {
            v.check(parent != &format!("{}:{}", r.scheme, r.code), &at, "parent", "a region cannot be its own parent");
        }
    }
    for o in &data.organisations {
        let at = format!("organisation {}", o.slug);
        v.slug(&at, &o.slug);
        v.nonempty(&at, "name", &o.name);
        v.known(&at, "kind", Some(&o.kind), |s| OrganisationKind::parse(s).is_some());
        v.known(&at, "schoolLevel", o.school_level.as_ref(), |s| SchoolLevel::parse(s).is_some());
        for r in &o.home_regions {
            v.check(regions.contains(r), &at, "homeRegions", &format!("unknown region {r:?}"));
        }
        v.sources(&at, &o.sources);
    }
    for p in &data.programmes {
        let at = format!("programme {}", p.slug);
        v.slug(&at, &p.slug);
        v.nonempty(&at, "name", &p.name);
        v.known(&at, "kind", Some(&p.kind), |s| ProgrammeKind::parse(s).is_some());
        for t in &p.target_groups {
            v.known(&at, "targetGroups", Some(t), |s| TargetGroup::parse(s).is_some());
        }
        v.period(&at, "period", p.period.as_ref());
        for r in &p.regions {
            v.check(regions.contains(r), &at, "regions", &format!("unknown region {r:?}"));
        }
        if let Some(status) = &p.status {
            v.known(&at, "status.value", Some(&status.value), |s| ProgrammeStatus::parse(s).is_some());
            match &status.source {
                Some(source) => v.sources(&at, std::slice::from_ref(source)),
                None => v.check(false, &at, "status.source", "a status cites the lines that give it"),
            }
            v.check(
                !status.inferred || status.note.as_deref().is_some_and(|n| !n.trim().is_empty()),
                &at,
                "status.note",
                "an inferred status says in its note how it was derived",
            );
        }
        if let Some(owner) = &p.owner {
            v.check(orgs.contains(owner.as_str()), &at, "owner", &format!("unknown organisation {owner:?}"));
        }
        let mut seen = HashSet::new();
        for part in &p.participants {
            let pat = format!("{at} participant {}", part.organisation);
            v.check(orgs.contains(part.organisation.as_str()), &pat, "organisation", "unknown organisation");
            v.known(&pat, "role", Some(&part.role), |s| ParticipationRole::parse(s).is_some());
            v.check(seen.insert((&part.organisation, &part.role)), &pat, "role", "listed twice");
            v.sources(&pat, &part.sources);
        }
        v.sources(&at, &p.sources);
    }
    for s in &data.funding_schemes {
        let at = format!("fundingScheme {}", s.code);
        v.check(
            !s.code.is_empty() && s.code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'),
            &at,
            "code",
            "codes are capitals, digits and _",
        );
        v.nonempty(&at, "name", &s.name);
        for (field, org) in [("funder", &s.funder), ("administrator", &s.administrator)] {
            if let Some(org) = org {
                v.check(orgs.contains(org.as_str()), &at, field, &format!("unknown organisation {org:?}"));
            }
        }
        v.period(&at, "period", s.period.as_ref());
        v.sources(&at, &s.sources);
        for (i, line) in s.budget_lines.iter().enumerate() {
            let lat = format!("{at} budgetLines[{i}]");
            v.amount(&lat, "amount", Some(&line.amount));
            v.known(&lat, "qualifier", line.qualifier.as_ref(), |q| AmountQualifier::parse(q).is_some());
            v.known(&lat, "basis", line.basis.as_ref(), |b| AmountBasis::parse(b).is_some());
            v.period(&lat, "period", line.period.as_ref());
            v.sources(&lat, &line.sources);
        }
    }
    for f in &data.fundings {
        let at = format!("funding {}", f.key);
        v.slug(&at, &f.key);
        v.check(f.scheme.is_some() || f.funder.is_some(), &at, "scheme", "a funding needs a scheme or a funder");
        if let Some(code) = &f.scheme {
            v.check(schemes.contains(code.as_str()), &at, "scheme", &format!("unknown scheme {code:?}"));
        }
        for (field, org) in [("funder", &f.funder), ("recipient", &f.recipient)] {
            if let Some(org) = org {
                v.check(orgs.contains(org.as_str()), &at, field, &format!("unknown organisation {org:?}"));
            }
        }
        if let Some(p) = &f.programme {
            v.check(programmes.contains(p.as_str()), &at, "programme", &format!("unknown programme {p:?}"));
        }
        v.amount(&at, "amountAwarded", Some(&f.amount_awarded));
        v.amount(&at, "coFinancing", f.co_financing.as_ref());
        v.known(&at, "qualifier", f.qualifier.as_ref(), |q| AmountQualifier::parse(q).is_some());
        v.known(&at, "basis", f.basis.as_ref(), |b| AmountBasis::parse(b).is_some());
        v.known(&at, "status", f.status.as_ref(), |s| FundingStatus::parse(s).is_some());
        v.period(&at, "period", f.period.as_ref());
        if let Some(date) = &f.award_date {
            v.check(parse_partial_date(date, Bound::Start).is_ok(), &at, "awardDate", "not a date");
        }
        let shares: Vec<Option<i32>> = f.allocations.iter().map(|a| a.share_basis_points).collect();
        for a in &f.allocations {
            v.check(regions.contains(&a.region), &at, "allocations.region", &format!("unknown region {:?}", a.region));
        }
        if shares.iter().any(Option::is_some) {
            let all = shares.iter().all(Option::is_some);
            let in_range = shares.iter().flatten().all(|s| (1..=10_000).contains(s));
            let sum: i64 = shares.iter().flatten().map(|s| i64::from(*s)).sum();
            v.check(
                all && in_range && sum == 10_000,
                &at,
                "allocations.shareBasisPoints",
                "either every allocation has a share of 1–10000 and they sum to 10000, or none has one",
            );
        }
        v.sources(&at, &f.sources);
    }
    let subjects = |s: &str| -> bool {
        match s.split_once(':') {
            None => s == "pact",
            Some(("programme", slug)) => programmes.contains(slug),
            Some(("organisation", slug)) => orgs.contains(slug),
            Some(("scheme", code)) => schemes.contains(code),
            Some(("region", key)) => regions.contains(key),
            _ => false,
        }
    };
    v.unique("observation", data.observations.iter().map(|o| o.natural_key()));
    for o in &data.observations {
        let at = format!("observation {}", o.natural_key());
        v.check(subjects(&o.subject), &at, "subject", &format!("unknown subject {:?}", o.subject));
        let metric_ok =
            !o.metric.is_empty() && o.metric.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        v.check(metric_ok, &at, "metric", "metrics are snake_case");
        v.check(is_decimal(&o.value), &at, "value", "a decimal number such as \"129\" or \"55.5\"");
        v.known(&at, "unit", Some(&o.unit), |u| ObservationUnit::parse(u).is_some());
        v.known(&at, "qualifier", o.qualifier.as_ref(), |q| AmountQualifier::parse(q).is_some());
        if let Some(d) = &o.date {
            v.check(parse_partial_date(d, Bound::Start).is_ok(), &at, "date", "not a date");
        }
        v.sources(&at, &o.sources);
    }
    v.unique("goal", data.goals.iter().map(|g| g.code.clone()));
    for g in &data.goals {
        let at = format!("goal {}", g.code);
        v.known(&at, "kind", Some(&g.kind), |k| GoalKind::parse(k).is_some());
        v.nonempty(&at, "name", &g.name);
        for p in &g.programmes {
            v.check(programmes.contains(p.as_str()), &at, "programmes", &format!("unknown programme {p:?}"));
        }
        v.sources(&at, &g.sources);
    }
    v.problems
}

/// Digits with an optional decimal point: `"129"`, `"55.5"`.
pub(crate) fn is_decimal(s: &str) -> bool {
    let (whole, frac) = s.split_once('.').unwrap_or((s, "0"));
    !whole.is_empty()
        && !frac.is_empty()
        && whole.chars().all(|c| c.is_ascii_digit())
        && frac.chars().all(|c| c.is_ascii_digit())
}

struct Checker {
    problems: Vec<String>,
    documents: HashSet<String>,
}

impl Checker {
    fn check(&mut self, ok: bool, at: &str, field: &str, message: &str) {
        if !ok {
            self.problems.push(format!("{at}: field `{field}`: {message}"));
        }
    }

    fn nonempty(&mut self, at: &str, field: &str, value: &str) {
        self.check(!value.trim().is_empty(), at, field, "must not be empty");
    }

    fn slug(&mut self, at: &str, slug: &str) {
        let ok = !slug.is_empty() && slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        self.check(ok, at, "slug", "slugs are lowercase ASCII letters, digits and -");
    }

    fn known(&mut self, at: &str, field: &str, value: Option<&String>, ok: impl Fn(&str) -> bool) {
        if let Some(value) = value {
            self.check(ok(value), at, field, &format!("unknown value {value:?}"));
        }
    }

    fn amount(&mut self, at: &str, field: &str, value: Option<&String>) {
        if let Some(value) = value {
            if let Err(e) = parse_euros(value) {
                self.check(false, at, field, &e);
            }
        }
    }

    fn period(&mut self, at: &str, field: &str, period: Option<&Period>) {
        let Some(p) = period else { return };
        let start = p.start.as_deref().map(|s| parse_partial_date(s, Bound::Start));
        let end = p.end.as_deref().map(|s| parse_partial_date(s, Bound::End));
        for r in [&start, &end].into_iter().flatten() {
            if let Err(e) = r {
                self.check(false, at, field, e);
            }
        }
        if let (Some(Ok((s, _))), Some(Ok((e, _)))) = (&start, &end) {
            self.check(s <= e, at, field, "ends before it starts");
        }
    }

    fn sources(&mut self, at: &str, sources: &[String]) {
        self.check(!sources.is_empty(), at, "sources", "every record needs at least one source");
        for s in sources {
            match SourceRef::parse(s) {
                Ok(r) => {
                    let known = self.documents.contains(&r.document);
                    self.check(known, at, "sources", &format!("{s:?} cites a document not listed in `documents`"));
                }
                Err(e) => self.check(false, at, "sources", &e),
            }
        }
    }

    fn unique(&mut self, what: &str, keys: impl Iterator<Item = String>) {
        let mut seen = HashSet::new();
        for k in keys {
            if !seen.insert(k.clone()) {
                self.problems.push(format!("{what} {k}: defined twice"));
            }
        }
    }
}
