//! Who is acting: a signed-in person (with account roles) or a force system's API token.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// An account role. A person may hold several; everyone is at least `staff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountRole {
    /// Any member of the workforce (can see their own case as a victim, and their own tasks).
    Staff,
    /// A supervisor (sergeant or staff equivalent).
    Supervisor,
    /// An investigator (may be officer in the case).
    Investigator,
    /// Inspector, second-line manager.
    Inspector,
    /// Senior leadership (local command team, Senior Duty Officer, chief officers, FIM).
    SeniorLeader,
    /// Welfare (TRiM practitioner, occupational health).
    Welfare,
    /// The force's Op Hampshire lead.
    ForceLead,
    /// Analyst, scrutiny and reports (aggregate data only).
    Analyst,
    /// Administrator of people, units, tokens and accounts.
    Administrator,
}

impl AccountRole {
    /// Every role.
    pub const ALL: [AccountRole; 9] = [
        AccountRole::Staff,
        AccountRole::Supervisor,
        AccountRole::Investigator,
        AccountRole::Inspector,
        AccountRole::SeniorLeader,
        AccountRole::Welfare,
        AccountRole::ForceLead,
        AccountRole::Analyst,
        AccountRole::Administrator,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountRole::Staff => "staff",
            AccountRole::Supervisor => "supervisor",
            AccountRole::Investigator => "investigator",
            AccountRole::Inspector => "inspector",
            AccountRole::SeniorLeader => "senior_leader",
            AccountRole::Welfare => "welfare",
            AccountRole::ForceLead => "force_lead",
            AccountRole::Analyst => "analyst",
            AccountRole::Administrator => "administrator",
        }
    }

    /// Parses a stored name, or says which are valid.
    pub fn parse(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|r| r.as_str()).collect();
                format!("unknown role `{s}`; expected one of: {}", names.join(", "))
            })
    }
}

/// What an API token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    /// Read cases (crime or HR systems reconciling).
    CasesRead,
    /// Record assaults and steps (a crime system feeding Pledge).
    CasesWrite,
    /// Maintain people and units (an HR or duty system).
    PeopleWrite,
}

impl TokenScope {
    /// The stored name (`cases:read`).
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::CasesRead => "cases:read",
            TokenScope::CasesWrite => "cases:write",
            TokenScope::PeopleWrite => "people:write",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Result<Self, String> {
        [
            TokenScope::CasesRead,
            TokenScope::CasesWrite,
            TokenScope::PeopleWrite,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
        .ok_or_else(|| {
            format!("unknown scope `{s}`; expected cases:read, cases:write or people:write")
        })
    }
}

/// The acting party.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in person.
    Person {
        /// Person id.
        id: String,
        /// Account roles.
        roles: BTreeSet<AccountRole>,
        /// Their unit.
        unit: Option<String>,
        /// Their force.
        force: Option<String>,
    },
    /// A force system using an API token.
    System {
        /// The token's name.
        name: String,
        /// What it may do.
        scopes: BTreeSet<TokenScope>,
        /// The force it belongs to.
        force: Option<String>,
    },
}

impl Actor {
    /// The id written to the access log and to events' `by`.
    pub fn log_id(&self) -> String {
        match self {
            Actor::Person { id, .. } => id.clone(),
            Actor::System { name, .. } => format!("token:{name}"),
        }
    }

    /// Whether a person holds a role.
    pub fn has(&self, role: AccountRole) -> bool {
        matches!(self, Actor::Person { roles, .. } if roles.contains(&role))
    }

    /// Whether a system holds a scope.
    pub fn scoped(&self, scope: TokenScope) -> bool {
        matches!(self, Actor::System { scopes, .. } if scopes.contains(&scope))
    }

    /// The actor's force, if known.
    pub fn force(&self) -> Option<&str> {
        match self {
            Actor::Person { force, .. } | Actor::System { force, .. } => force.as_deref(),
        }
    }
}
