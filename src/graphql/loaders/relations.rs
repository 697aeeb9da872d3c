//! Relations keyed by a parent id: one read-layer query per batch of parents.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;

use super::DbLoader;
use crate::db::models::*;
use crate::error::AppError;
use crate::ids::{FundingId, FundingSchemeId, OrganisationId, ProgrammeId, RegionId};
use crate::read;

list_loader!(
    /// A programme's participations.
    ParticipationsOfProgramme(ProgrammeId) => ParticipationRow, read::programmes::participations_of
);
list_loader!(
    /// An organisation's participations.
    ParticipationsOfOrganisation(OrganisationId) => ParticipationRow, read::organisations::participations_of
);
list_loader!(
    /// A programme's target groups (stored text).
    TargetGroupsOfProgramme(ProgrammeId) => String, read::programmes::target_groups_of
);
list_loader!(
    /// The regions a programme names.
    RegionsOfProgramme(ProgrammeId) => RegionRow, read::programmes::regions_of
);
list_loader!(
    /// An organisation's home regions.
    HomeRegionsOfOrganisation(OrganisationId) => RegionRow, read::organisations::home_regions_of
);
list_loader!(
    /// A region's direct formal children.
    ChildrenOfRegion(RegionId) => RegionRow, read::regions::children_of
);
list_loader!(
    /// A region's formal ancestors, nearest first.
    AncestorsOfRegion(RegionId) => RegionRow, read::regions::ancestors_of
);
list_loader!(
    /// A region's links (associations and same-name records), both directions, with the link kind.
    LinksOfRegion(RegionId) => (String, RegionRow), read::regions::links_of
);
list_loader!(
    /// Schemes an organisation funds or administers.
    SchemesOfOrganisation(OrganisationId) => FundingSchemeRow, read::organisations::schemes_of
);
list_loader!(
    /// A scheme's budget lines, oldest period first.
    BudgetLinesOfScheme(FundingSchemeId) => BudgetLineRow, read::schemes::budget_lines_of
);
list_loader!(
    /// A funding's region allocations.
    AllocationsOfFunding(FundingId) => AllocationRow, read::fundings::allocations_of
);
list_loader!(
    /// The goals and themes a programme serves.
    GoalsOfProgramme(ProgrammeId) => GoalRow, read::programmes::goals_of
);
list_loader!(
    /// The programmes serving a goal or theme.
    ProgrammesOfGoal(i64) => ProgrammeRow, read::programmes::of_goals
);
