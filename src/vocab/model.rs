//! The closed vocabularies of the pact's model: kinds of relations, events and listed items, and
//! the Dutch topsectors (README "Relations, events, people and listed items").

vocab_enum! {
    /// How a relation's subject stands to its object ("subject PART_OF object").
    RelationKind {
        PartOf => "PART_OF", "Onderdeel van", "The subject is part of the object (a programme within a programme or pact)";
        Continues => "CONTINUES", "Zet voort", "The subject continues the object (a follow-up under a new name or period)";
        SucceededBy => "SUCCEEDED_BY", "Opgevolgd door", "The subject was succeeded by the object";
        MergedInto => "MERGED_INTO", "Opgegaan in", "The subject merged into the object";
        MemberOf => "MEMBER_OF", "Lid van", "The subject is a member of the object (a coalition, platform or council)";
        Coordinates => "COORDINATES", "Coördineert", "The subject coordinates or supports the object";
        FundedUnder => "FUNDED_UNDER", "Gefinancierd uit", "The subject was funded under the object (a scheme), amount not stated";
        CoFinancedBy => "CO_FINANCED_BY", "Medegefinancierd door", "The subject is co-financed by the object (a plan, scheme or organisation)";
        RelatedTo => "RELATED_TO", "Verbonden met", "The source links the two without saying how";
    }
}

vocab_enum! {
    /// What happened at an event.
    EventKind {
        Published => "PUBLISHED", "Gepubliceerd", "A regulation, plan or call was published";
        ApplicationOpened => "APPLICATION_OPENED", "Aanvraag geopend", "An application window opened";
        ApplicationClosed => "APPLICATION_CLOSED", "Aanvraag gesloten", "An application window closed";
        Approved => "APPROVED", "Goedgekeurd", "An application or plan was approved";
        Launched => "LAUNCHED", "Gestart", "Something was launched, opened or started";
        Ended => "ENDED", "Beëindigd", "Something ended";
        HandedOver => "HANDED_OVER", "Overhandigd", "Something was handed over or presented to someone";
        Adopted => "ADOPTED", "Vastgesteld", "An agenda, plan, motion or agreement was adopted or signed";
        Announced => "ANNOUNCED", "Bekendgemaakt", "A decision was announced (e.g. an extension or financing)";
        ReportDelivered => "REPORT_DELIVERED", "Rapport opgeleverd", "A report or advice was delivered";
        CabinetResponse => "CABINET_RESPONSE", "Kabinetsreactie", "The cabinet responded to a report";
        Other => "OTHER", "Overig", "Another dated event (the description says what)";
    }
}

vocab_enum! {
    /// What a listed item inside a record is.
    ItemKind {
        Topsector => "TOPSECTOR", "Topsector", "A topsector the record names (see `topsector`)";
        Domain => "DOMAIN", "Domein", "A domain or field the record covers";
        Priority => "PRIORITY", "Prioriteit", "A priority or focus";
        Pillar => "PILLAR", "Pijler", "A pillar or line of action";
        Objective => "OBJECTIVE", "Doelstelling", "An objective";
        Phase => "PHASE", "Fase", "A phase or step";
        SchoolType => "SCHOOL_TYPE", "Schoolsoort", "A school type the record names (see `schoolLevel`)";
        TargetGroup => "TARGET_GROUP", "Doelgroep", "A target group the record names (see `targetGroup`)";
        Eligibility => "ELIGIBILITY", "Wie komt in aanmerking", "A scheme condition: who or what is eligible";
        Applicant => "APPLICANT", "Aanvrager", "A scheme condition: who may apply";
        Requirement => "REQUIREMENT", "Minimumeis", "A scheme condition: a minimum requirement or condition";
        Extension => "EXTENSION", "Uitbreiding of verlenging", "A scheme condition: an extension of its scope or term";
    }
}

vocab_enum! {
    /// What a statement is: what a document says ought to be, is the matter, works or is planned.
    StatementKind {
        Finding => "FINDING", "Bevinding", "A problem or state of affairs the document observes";
        Recommendation => "RECOMMENDATION", "Aanbeveling", "What someone should do, as the document recommends";
        Aim => "AIM", "Doel", "What a record or the pact means to achieve";
        SuccessFactor => "SUCCESS_FACTOR", "Succesfactor", "What makes initiatives work, as the document says";
        Plan => "PLAN", "Voornemen", "Something announced for later (an evaluation, a start); not known to have happened";
    }
}

impl ItemKind {
    /// The kinds that are a scheme's conditions (`FundingScheme.conditions`).
    pub const CONDITIONS: [Self; 4] = [Self::Eligibility, Self::Applicant, Self::Requirement, Self::Extension];
}

vocab_enum! {
    /// The Dutch topsectors (the government's top sectors policy).
    Topsector {
        AgriFood => "AGRI_FOOD", "Agri & Food", "Agri & Food";
        Chemie => "CHEMIE", "Chemie", "Chemicals";
        CreatieveIndustrie => "CREATIEVE_INDUSTRIE", "Creatieve Industrie", "Creative industry";
        Energie => "ENERGIE", "Energie", "Energy";
        Htsm => "HTSM", "High Tech Systemen en Materialen", "High-tech systems and materials";
        LifeSciencesHealth => "LIFE_SCIENCES_HEALTH", "Life Sciences & Health", "Life sciences and health";
        Logistiek => "LOGISTIEK", "Logistiek", "Logistics";
        TuinbouwUitgangsmaterialen => "TUINBOUW_UITGANGSMATERIALEN", "Tuinbouw en Uitgangsmaterialen", "Horticulture and propagation materials";
        Water => "WATER", "Water & Maritiem", "Water and maritime";
    }
}
