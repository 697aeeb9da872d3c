//! Checks a data set before anything is written: every reference resolves, every enum value is
//! known, amounts and dates parse, shares sum to 10000 basis points, every record has a source.

use std::collections::HashSet;

use super::format::{self, DataSet, Period, SourceRef};
use crate::money::parse_euros;
use crate::period::{parse_partial_date, Bound};
use crate::vocab::*;

/// Returns one message per problem, each naming the record and field; empty when the set is valid.
pub fn validate(data: &DataSet) -> Vec<String> {
    let mut v = Checker { problems: Vec::new(), documents: data.documents.iter().map(|d| d.file.clone()).collect() };
    let keys = Keys::of(data);
    v.unique("region", data.regions.iter().map(|r| format!("{}:{}", r.scheme, r.code)));
    v.unique("organisation", data.organisations.iter().map(|o| o.slug.clone()));
    v.unique("programme", data.programmes.iter().map(|p| p.slug.clone()));
    v.unique("fundingScheme", data.funding_schemes.iter().map(|s| s.code.clone()));
    v.unique("funding", data.fundings.iter().map(|f| f.key.clone()));
    data.regions.iter().for_each(|r| v.region(&keys, r));
    data.organisations.iter().for_each(|o| v.organisation(&keys, o));
    data.programmes.iter().for_each(|p| v.programme(&keys, p));
    data.funding_schemes.iter().for_each(|s| v.scheme(&keys, s));
    data.fundings.iter().for_each(|f| v.funding(&keys, f));
    v.unique("observation", data.observations.iter().map(|o| o.natural_key()));
    data.observations.iter().for_each(|o| v.observation(&keys, o));
    v.unique("goal", data.goals.iter().map(|g| g.code.clone()));
    data.goals.iter().for_each(|g| v.goal(&keys, g));
    model::check(&mut v, &keys, data);
    v.problems
}

mod model;

/// The natural keys a record may refer to.
struct Keys<'d> {
    regions: HashSet<String>,
    orgs: HashSet<&'d str>,
    programmes: HashSet<&'d str>,
    schemes: HashSet<&'d str>,
}

impl<'d> Keys<'d> {
    fn of(data: &'d DataSet) -> Self {
        Self {
            regions: data.regions.iter().map(|r| format!("{}:{}", r.scheme, r.code)).collect(),
            orgs: data.organisations.iter().map(|o| o.slug.as_str()).collect(),
            programmes: data.programmes.iter().map(|p| p.slug.as_str()).collect(),
            schemes: data.funding_schemes.iter().map(|s| s.code.as_str()).collect(),
        }
    }

    /// True for `pact` and for `programme:`, `organisation:`, `scheme:` and `region:` keys in the set.
    fn subject(&self, s: &str) -> bool {
        match s.split_once(':') {
            None => s == "pact",
            Some(("programme", slug)) => self.programmes.contains(slug),
            Some(("organisation", slug)) => self.orgs.contains(slug),
            Some(("scheme", code)) => self.schemes.contains(code),
            Some(("region", key)) => self.regions.contains(key),
            _ => false,
        }
    }
}

/// One checker per record kind, each adding its problems in the order of the record's fields.
impl Checker {
    fn region(&mut self, keys: &Keys<'_>, r: &format::Region) {
        let at = format!("region {}:{}", r.scheme, r.code);
        self.known(&at, "scheme", Some(&r.scheme), |s| RegionScheme::parse(s).is_some());
        self.nonempty(&at, "name", &r.name);
        self.sources(&at, &r.sources);
        let refs = r.parent.iter().chain(&r.associated).chain(&r.same_as);
        for reference in refs {
            self.check(
                keys.regions.contains(reference),
                &at,
                "parent/associated/sameAs",
                &format!("unknown region {reference:?}"),
            );
        }
        if let Some(parent) = &r.parent {
            self.check(
                parent != &format!("{}:{}", r.scheme, r.code),
                &at,
                "parent",
                "a region cannot be its own parent",
            );
        }
    }

    fn organisation(&mut self, keys: &Keys<'_>, o: &format::Organisation) {
        let at = format!("organisation {}", o.slug);
        self.slug(&at, &o.slug);
        self.nonempty(&at, "name", &o.name);
        self.known(&at, "kind", Some(&o.kind), |s| OrganisationKind::parse(s).is_some());
        self.known(&at, "schoolLevel", o.school_level.as_ref(), |s| SchoolLevel::parse(s).is_some());
        for r in &o.home_regions {
            self.check(keys.regions.contains(r), &at, "homeRegions", &format!("unknown region {r:?}"));
        }
        self.sources(&at, &o.sources);
    }

    fn programme(&mut self, keys: &Keys<'_>, p: &format::Programme) {
        let at = format!("programme {}", p.slug);
        self.slug(&at, &p.slug);
        self.nonempty(&at, "name", &p.name);
        self.known(&at, "kind", Some(&p.kind), |s| ProgrammeKind::parse(s).is_some());
        for t in &p.target_groups {
            self.known(&at, "targetGroups", Some(t), |s| TargetGroup::parse(s).is_some());
        }
        self.period(&at, "period", p.period.as_ref());
        for r in &p.regions {
            self.check(keys.regions.contains(r), &at, "regions", &format!("unknown region {r:?}"));
        }
        if let Some(status) = &p.status {
            self.status(&at, status);
        }
        if let Some(owner) = &p.owner {
            self.check(keys.orgs.contains(owner.as_str()), &at, "owner", &format!("unknown organisation {owner:?}"));
        }
        let mut seen = HashSet::new();
        for part in &p.participants {
            let pat = format!("{at} participant {}", part.organisation);
            self.check(keys.orgs.contains(part.organisation.as_str()), &pat, "organisation", "unknown organisation");
            self.known(&pat, "role", Some(&part.role), |s| ParticipationRole::parse(s).is_some());
            self.check(seen.insert((&part.organisation, &part.role)), &pat, "role", "listed twice");
            self.period(&pat, "period", part.period.as_ref());
            self.sources(&pat, &part.sources);
        }
        self.sources(&at, &p.sources);
    }

    fn status(&mut self, at: &str, status: &format::Status) {
        self.known(at, "status.value", Some(&status.value), |s| ProgrammeStatus::parse(s).is_some());
        match &status.source {
            Some(source) => self.sources(at, std::slice::from_ref(source)),
            None => self.check(false, at, "status.source", "a status cites the lines that give it"),
        }
        self.check(
            !status.inferred || status.note.as_deref().is_some_and(|n| !n.trim().is_empty()),
            at,
            "status.note",
            "an inferred status says in its note how it was derived",
        );
    }

    fn scheme(&mut self, keys: &Keys<'_>, s: &format::FundingScheme) {
        let at = format!("fundingScheme {}", s.code);
        self.check(
            !s.code.is_empty() && s.code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'),
            &at,
            "code",
            "codes are capitals, digits and _",
        );
        self.nonempty(&at, "name", &s.name);
        self.organisations(keys, &at, [("funder", &s.funder), ("administrator", &s.administrator)]);
        self.period(&at, "period", s.period.as_ref());
        self.sources(&at, &s.sources);
        for (i, line) in s.budget_lines.iter().enumerate() {
            let lat = format!("{at} budgetLines[{i}]");
            self.amount(&lat, "amount", Some(&line.amount));
            self.known(&lat, "qualifier", line.qualifier.as_ref(), |q| AmountQualifier::parse(q).is_some());
            self.known(&lat, "basis", line.basis.as_ref(), |b| AmountBasis::parse(b).is_some());
            self.period(&lat, "period", line.period.as_ref());
            self.sources(&lat, &line.sources);
        }
    }

    fn funding(&mut self, keys: &Keys<'_>, f: &format::Funding) {
        let at = format!("funding {}", f.key);
        self.slug(&at, &f.key);
        self.check(f.scheme.is_some() || f.funder.is_some(), &at, "scheme", "a funding needs a scheme or a funder");
        if let Some(code) = &f.scheme {
            self.check(keys.schemes.contains(code.as_str()), &at, "scheme", &format!("unknown scheme {code:?}"));
        }
        self.organisations(keys, &at, [("funder", &f.funder), ("recipient", &f.recipient)]);
        if let Some(p) = &f.programme {
            self.check(keys.programmes.contains(p.as_str()), &at, "programme", &format!("unknown programme {p:?}"));
        }
        self.amount(&at, "amountAwarded", Some(&f.amount_awarded));
        self.amount(&at, "coFinancing", f.co_financing.as_ref());
        self.known(&at, "qualifier", f.qualifier.as_ref(), |q| AmountQualifier::parse(q).is_some());
        self.known(&at, "basis", f.basis.as_ref(), |b| AmountBasis::parse(b).is_some());
        self.known(&at, "status", f.status.as_ref(), |s| FundingStatus::parse(s).is_some());
        self.period(&at, "period", f.period.as_ref());
        if let Some(date) = &f.award_date {
            self.check(parse_partial_date(date, Bound::Start).is_ok(), &at, "awardDate", "not a date");
        }
        self.allocations(keys, &at, &f.allocations);
        self.sources(&at, &f.sources);
    }

    fn allocations(&mut self, keys: &Keys<'_>, at: &str, allocations: &[format::Allocation]) {
        let shares: Vec<Option<i32>> = allocations.iter().map(|a| a.share_basis_points).collect();
        for a in allocations {
            let known = keys.regions.contains(&a.region);
            self.check(known, at, "allocations.region", &format!("unknown region {:?}", a.region));
        }
        if shares.iter().any(Option::is_some) {
            let all = shares.iter().all(Option::is_some);
            let in_range = shares.iter().flatten().all(|s| (1..=10_000).contains(s));
            let sum: i64 = shares.iter().flatten().map(|s| i64::from(*s)).sum();
            self.check(
                all && in_range && sum == 10_000,
                at,
                "allocations.shareBasisPoints",
                "either every allocation has a share of 1–10000 and they sum to 10000, or none has one",
            );
        }
    }

    fn observation(&mut self, keys: &Keys<'_>, o: &format::Observation) {
        let at = format!("observation {}", o.natural_key());
        self.check(keys.subject(&o.subject), &at, "subject", &format!("unknown subject {:?}", o.subject));
        let metric_ok =
            !o.metric.is_empty() && o.metric.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        self.check(metric_ok, &at, "metric", "metrics are snake_case");
        self.check(is_decimal(&o.value), &at, "value", "a decimal number such as \"129\" or \"55.5\"");
        self.known(&at, "unit", Some(&o.unit), |u| ObservationUnit::parse(u).is_some());
        self.known(&at, "qualifier", o.qualifier.as_ref(), |q| AmountQualifier::parse(q).is_some());
        if let Some(d) = &o.date {
            self.check(parse_partial_date(d, Bound::Start).is_ok(), &at, "date", "not a date");
        }
        self.sources(&at, &o.sources);
    }

    fn goal(&mut self, keys: &Keys<'_>, g: &format::Goal) {
        let at = format!("goal {}", g.code);
        self.known(&at, "kind", Some(&g.kind), |k| GoalKind::parse(k).is_some());
        self.nonempty(&at, "name", &g.name);
        for p in &g.programmes {
            self.check(keys.programmes.contains(p.as_str()), &at, "programmes", &format!("unknown programme {p:?}"));
        }
        self.sources(&at, &g.sources);
    }

    /// Each named organisation field that is set must name an organisation of the set.
    fn organisations<const N: usize>(&mut self, keys: &Keys<'_>, at: &str, fields: [(&str, &Option<String>); N]) {
        for (field, org) in fields {
            if let Some(org) = org {
                self.check(keys.orgs.contains(org.as_str()), at, field, &format!("unknown organisation {org:?}"));
            }
        }
    }
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
