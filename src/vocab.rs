//! Every enumerated term of the model, with its stored text and its Dutch and English labels.
//! One macro defines each enum so the GraphQL enum, the database text and the `vocabulary` query
//! can never disagree.

/// Defines an enum whose GraphQL name equals its stored text, with labels.
macro_rules! vocab_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $db:literal, $nl:literal, $en:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, async_graphql::Enum)]
        pub enum $name {
            $(
                #[doc = $en]
                #[graphql(name = $db)]
                $variant,
            )+
        }

        impl $name {
            /// Every value with its stored text, Dutch label and English label.
            pub const ALL: &'static [(Self, &'static str, &'static str, &'static str)] =
                &[$((Self::$variant, $db, $nl, $en)),+];

            /// The stored text (also the GraphQL name).
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $db),+ }
            }

            /// Reads stored or input text; `None` for unknown text.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($db => Some(Self::$variant),)+ _ => None }
            }
        }
    };
}

mod model;
pub use model::{EventKind, ItemKind, RelationKind, StatementKind, Topsector};

vocab_enum! {
    /// A way of dividing the Netherlands into regions.
    RegionScheme {
        Landsdeel => "LANDSDEEL", "Landsdeel", "Landsdeel (one of the pact's five parts of the country)";
        Province => "PROVINCE", "Provincie", "Province";
        Subregion => "SUBREGION", "Subregio", "Subregion of a landsdeel";
        Arbeidsmarktregio => "ARBEIDSMARKTREGIO", "Arbeidsmarktregio", "Labour-market region (reserved)";
    }
}

vocab_enum! {
    /// Which placements a funding total, the funding filter's `region` and a region's fundings count:
    /// what the documents state of the funding itself, or that and its programme's regions.
    Placement {
        Stated => "STATED", "Vermeld", "Only where the funding itself is placed: its own allocations";
        StatedAndProgramme => "STATED_AND_PROGRAMME", "Vermeld of via programma", "Its own allocations, else its programme's regions";
    }
}

#[expect(clippy::derivable_impls, reason = "vocab_enum! puts no attributes on variants")]
impl Default for Placement {
    fn default() -> Self {
        Self::StatedAndProgramme
    }
}

vocab_enum! {
    /// How a funding's amount was placed in a region (README "Funding per region").
    PlacedBy {
        Shares => "SHARES", "Verdeeld naar aandeel", "Its own allocations with shares, split to the cent";
        Allocations => "ALLOCATIONS", "Eigen regio's", "Its own allocations without shares";
        Programme => "PROGRAMME", "Via programma", "Its programme's regions (it has no allocations of its own)";
        Nothing => "NONE", "Niet geplaatst", "Nothing to place it by";
    }
}

vocab_enum! {
    /// What the columns of a funding cross-table (`fundingMatrix`) are.
    FundingDimension {
        Scheme => "SCHEME", "Regeling", "Per funding scheme (fundings outside a scheme form one column)";
        Year => "YEAR", "Jaar", "Per funding year: the award year, else the period's start year, else unknown";
        ProgrammeKind => "PROGRAMME_KIND", "Soort programma", "Per kind of the funded programme (fundings without a programme form one column)";
        TargetGroup => "TARGET_GROUP", "Doelgroep", "Per target group of the funded programme: a funding counts in each of its programme's groups";
    }
}

vocab_enum! {
    /// Which amount a funding total sums.
    FundingMeasure {
        Awarded => "AWARDED", "Toegekend", "The amount awarded";
        CoFinancing => "CO_FINANCING", "Cofinanciering", "The co-financing (a funding without a co-financing figure counts as 0)";
        Total => "TOTAL", "Totaal", "The amount awarded plus the co-financing";
    }
}

/// Where a placement row counts a funding's amount at a level (stored text of
/// `funding_placement.bucket`, written by `crate::write::placement`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    /// In the region the row names.
    Region,
    /// Its named regions fall in more than one region at the level.
    Unsplit,
    /// A named region has no ancestor-or-self at the level.
    OutsideLevel,
    /// Nothing to place it by.
    Unallocated,
}

impl Bucket {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Region => "REGION",
            Self::Unsplit => "UNSPLIT",
            Self::OutsideLevel => "OUTSIDE_LEVEL",
            Self::Unallocated => "UNALLOCATED",
        }
    }

    /// Reads stored text.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Region, Self::Unsplit, Self::OutsideLevel, Self::Unallocated].into_iter().find(|b| b.as_str() == text)
    }
}

vocab_enum! {
    /// What kind of stakeholder an organisation is.
    OrganisationKind {
        Ministry => "MINISTRY", "Ministerie", "Ministry";
        Agency => "AGENCY", "Uitvoeringsorganisatie", "Executive agency";
        Province => "PROVINCE", "Provincie", "Province";
        Municipality => "MUNICIPALITY", "Gemeente", "Municipality";
        School => "SCHOOL", "Onderwijsinstelling", "School or educational institution";
        EmployerOrganisation => "EMPLOYER_ORGANISATION", "Branche- of werkgeversorganisatie", "Branch or employers' organisation";
        TradeUnion => "TRADE_UNION", "Vakbond", "Trade union";
        Company => "COMPANY", "Bedrijf", "Company";
        RegionalPlatform => "REGIONAL_PLATFORM", "Regionaal platform", "Regional platform";
        Foundation => "FOUNDATION", "Stichting", "Foundation";
        Other => "OTHER", "Overig", "Other";
    }
}

vocab_enum! {
    /// The level of education a school offers.
    SchoolLevel {
        Po => "PO", "Primair onderwijs", "Primary education";
        Vo => "VO", "Voortgezet onderwijs", "Secondary education";
        Mbo => "MBO", "Middelbaar beroepsonderwijs", "Secondary vocational education";
        Hbo => "HBO", "Hoger beroepsonderwijs", "Higher professional education";
        Wo => "WO", "Wetenschappelijk onderwijs", "University education";
    }
}

vocab_enum! {
    /// What kind of undertaking a programme is.
    ProgrammeKind {
        Initiative => "INITIATIVE", "Initiatief", "Initiative";
        Pps => "PPS", "Publiek-private samenwerking", "Public-private partnership";
        Network => "NETWORK", "Netwerk", "Network";
        PactAction => "PACT_ACTION", "Techniekpact-actie", "Action of the Techniekpact";
        Project => "PROJECT", "Project", "Project";
    }
}

vocab_enum! {
    /// Who a programme is for.
    TargetGroup {
        Po => "PO", "Primair onderwijs", "Primary education pupils";
        Vo => "VO", "Voortgezet onderwijs", "Secondary education pupils";
        Vmbo => "VMBO", "Vmbo", "Pre-vocational secondary pupils";
        Mbo => "MBO", "Mbo", "Vocational (mbo) students";
        Hbo => "HBO", "Hbo", "Higher professional (hbo) students";
        Wo => "WO", "Wo", "University students";
        Workers => "WORKERS", "Werkenden", "People in work";
        JobSeekers => "JOB_SEEKERS", "Werkzoekenden", "Job seekers";
        Teachers => "TEACHERS", "Docenten", "Teachers";
    }
}

vocab_enum! {
    /// The progress a report gives for a programme or pact action.
    ProgrammeStatus {
        Completed => "COMPLETED", "Afgerond", "Completed";
        OnSchedule => "ON_SCHEDULE", "Op schema", "On schedule (not yet completed)";
        Delayed => "DELAYED", "Vertraagd", "Delayed";
    }
}

vocab_enum! {
    /// An organisation's role in a programme.
    ParticipationRole {
        Lead => "LEAD", "Trekker", "Lead or initiator";
        Partner => "PARTNER", "Partner", "Partner";
        Funder => "FUNDER", "Financier", "Funder";
        Implementer => "IMPLEMENTER", "Uitvoerder", "Implementer";
        Participant => "PARTICIPANT", "Deelnemer", "Participant (the source does not say which role)";
    }
}

vocab_enum! {
    /// Whether a participation is confirmed.
    ParticipationStatus {
        Accepted => "ACCEPTED", "Bevestigd", "Accepted (public)";
        Proposed => "PROPOSED", "Voorgesteld", "Proposed by the programme's owner, not yet accepted";
    }
}

vocab_enum! {
    /// Where a funding stands.
    FundingStatus {
        Planned => "PLANNED", "Gepland", "Planned or reserved";
        Awarded => "AWARDED", "Toegekend", "Awarded";
        Paid => "PAID", "Uitbetaald", "Paid out";
    }
}

vocab_enum! {
    /// How exact a figure is in its source; a field of this type is null where the source leaves it open.
    AmountQualifier {
        Exact => "EXACT", "Zoals vermeld", "As stated (no \"circa\", \"ruim\", \"bijna\" or the like)";
        Approximate => "APPROXIMATE", "Circa", "Approximately (\"circa\", \"ongeveer\")";
        AtLeast => "AT_LEAST", "Ruim", "At least (\"ruim\", \"meer dan\")";
        AtMost => "AT_MOST", "Bijna", "At most (\"bijna\", \"maximaal\")";
    }
}

vocab_enum! {
    /// What a money figure counts; a field of this type is null where the source leaves it open.
    AmountBasis {
        Total => "TOTAL", "Totaal", "Total for the period (\"in totaal\", or an amount for one year)";
        PerYear => "PER_YEAR", "Per jaar", "Per year (\"per jaar\", \"jaarlijks\", \"structureel\")";
        PerItem => "PER_ITEM", "Per stuk", "Per item (\"per centre\", \"iedere\")";
    }
}

vocab_enum! {
    /// What an observation's value counts.
    ObservationUnit {
        Count => "COUNT", "Aantal", "A count";
        Eur => "EUR", "Euro", "An amount in euros";
        Percent => "PERCENT", "Procent", "A percentage (0–100)";
    }
}

vocab_enum! {
    /// Whether a pact objective is one of the 2017 goals or one of the 2019 themes.
    GoalKind {
        Goal => "GOAL", "Doel", "A goal of the pact (2017 report)";
        Theme => "THEME", "Thema", "A main theme of the pact (2019 report)";
    }
}

vocab_enum! {
    /// How exact a date is.
    DatePrecision {
        Year => "YEAR", "Jaar", "Only the year is known";
        Month => "MONTH", "Maand", "Year and month are known";
        Day => "DAY", "Dag", "The exact day is known";
    }
}

vocab_enum! {
    /// An ISO 4217 currency code. All amounts in this API are in euros.
    CurrencyCode {
        Eur => "EUR", "Euro", "Euro";
    }
}

/// One labelled value for the `vocabulary` query: (enum name, value, Dutch label, English label).
pub type VocabularyRow = (&'static str, &'static str, &'static str, &'static str);

/// Every enum value of the model, in schema order.
pub fn all_terms() -> Vec<VocabularyRow> {
    fn rows<T>(
        name: &'static str,
        all: &'static [(T, &'static str, &'static str, &'static str)],
    ) -> Vec<VocabularyRow> {
        all.iter().map(|(_, v, nl, en)| (name, *v, *nl, *en)).collect()
    }
    [
        rows("RegionScheme", RegionScheme::ALL),
        rows("Placement", Placement::ALL),
        rows("PlacedBy", PlacedBy::ALL),
        rows("FundingDimension", FundingDimension::ALL),
        rows("FundingMeasure", FundingMeasure::ALL),
        rows("OrganisationKind", OrganisationKind::ALL),
        rows("SchoolLevel", SchoolLevel::ALL),
        rows("ProgrammeKind", ProgrammeKind::ALL),
        rows("TargetGroup", TargetGroup::ALL),
        rows("ProgrammeStatus", ProgrammeStatus::ALL),
        rows("ParticipationRole", ParticipationRole::ALL),
        rows("ParticipationStatus", ParticipationStatus::ALL),
        rows("FundingStatus", FundingStatus::ALL),
        rows("AmountQualifier", AmountQualifier::ALL),
        rows("AmountBasis", AmountBasis::ALL),
        rows("DatePrecision", DatePrecision::ALL),
        rows("ObservationUnit", ObservationUnit::ALL),
        rows("GoalKind", GoalKind::ALL),
        rows("CurrencyCode", CurrencyCode::ALL),
        rows("RelationKind", RelationKind::ALL),
        rows("EventKind", EventKind::ALL),
        rows("ItemKind", ItemKind::ALL),
        rows("StatementKind", StatementKind::ALL),
        rows("Topsector", Topsector::ALL),
    ]
    .concat()
}
