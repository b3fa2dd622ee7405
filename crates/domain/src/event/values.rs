//! Value types carried by events: who, what kind, how bad. Each parses strictly so
//! a bad case file is refused with the field named, never half-accepted.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A person's identifier in the force's systems (collar or staff number, or an HR id).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct PersonId(String);

impl PersonId {
    /// Parses an identifier: 1 to 64 printable characters, no surrounding spaces.
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim();
        if t.is_empty() {
            return Err("a person id must not be empty".into());
        }
        let chars = t.chars().count();
        if chars > 64 {
            return Err(format!("a person id is at most 64 characters, got {chars}"));
        }
        if t.chars().any(char::is_control) {
            return Err("a person id must not contain control characters".into());
        }
        Ok(Self(t.to_owned()))
    }

    /// The identifier as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The escalation sweep's id, [`crate::notify::SWEEP_ACTOR`]: a constant that parses (a
    /// test says so), so it needs no error path.
    pub(crate) fn sweep() -> Self {
        Self(crate::notify::SWEEP_ACTOR.to_owned())
    }
}

impl TryFrom<String> for PersonId {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

impl From<PersonId> for String {
    fn from(p: PersonId) -> String {
        p.0
    }
}

impl fmt::Display for PersonId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Declares a closed vocabulary: a snake_case name per variant, parse and display.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The snake_case name used in files and the API.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the snake_case name, or says which names are valid.
            pub fn parse(s: &str) -> Result<Self, String> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!(
                        "unknown {} `{}`; expected one of: {}",
                        $crate::event::values::words_of(stringify!($name)), other,
                        [$($text),+].join(", ")
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                Self::parse(s)
            }
        }
    };
}
pub(crate) use vocabulary;

/// `InjurySeverity` -> `injury severity`, for messages.
pub(crate) fn words_of(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push(' ');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

vocabulary! {
    /// What the assaulted colleague is in the workforce.
    WorkforceRole {
        /// A police constable or other warranted officer.
        Officer = "officer",
        /// A special constable.
        SpecialConstable = "special_constable",
        /// A police community support officer.
        Pcso = "pcso",
        /// A police support volunteer.
        Volunteer = "volunteer",
        /// Police staff.
        Staff = "staff",
    }
}

vocabulary! {
    /// How badly a victim was hurt; ordered, so `serious > minor`.
    InjurySeverity {
        /// No physical injury.
        None = "none",
        /// Minor injury (first aid at most).
        Minor = "minor",
        /// Serious injury.
        Serious = "serious",
        /// Life-threatening or life-changing injury.
        Critical = "critical",
    }
}

vocabulary! {
    /// A hate crime strand (the five monitored strands).
    HateStrand {
        /// Race.
        Race = "race",
        /// Religion or belief.
        Religion = "religion",
        /// Sexual orientation.
        SexualOrientation = "sexual_orientation",
        /// Disability.
        Disability = "disability",
        /// Transgender identity.
        TransgenderIdentity = "transgender_identity",
    }
}

vocabulary! {
    /// The offence recorded.
    Offence {
        /// Common assault on an emergency worker (AEWA 2018 s1).
        CommonAssaultEmergencyWorker = "common_assault_emergency_worker",
        /// Assault on a constable, Police Act 1996 s89.
        PoliceActS89 = "police_act_s89",
        /// OAPA 1861 s38, assault with intent to resist arrest.
        OapaS38 = "oapa_s38",
        /// OAPA 1861 s47, actual bodily harm.
        OapaS47 = "oapa_s47",
        /// OAPA 1861 s20, grievous bodily harm.
        OapaS20 = "oapa_s20",
        /// OAPA 1861 s18, GBH with intent.
        OapaS18 = "oapa_s18",
        /// Another offence.
        Other = "other",
    }
}

vocabulary! {
    /// Where the assault happened.
    LocationType {
        /// Street or public place.
        Street = "street",
        /// Custody suite.
        Custody = "custody",
        /// Police vehicle.
        Vehicle = "vehicle",
        /// Police station.
        Station = "station",
        /// Railway station or train.
        Railway = "railway",
        /// Hospital.
        Hospital = "hospital",
        /// Anywhere else.
        Other = "other",
    }
}

vocabulary! {
    /// How the assault was injured into the victim.
    Mechanism {
        /// Kick.
        Kick = "kick",
        /// Punch.
        Punch = "punch",
        /// Spitting.
        Spit = "spit",
        /// Bite.
        Bite = "bite",
        /// A weapon.
        Weapon = "weapon",
        /// A vehicle.
        Vehicle = "vehicle",
        /// A corrosive substance.
        Corrosive = "corrosive",
        /// Anything else.
        Other = "other",
    }
}

vocabulary! {
    /// What the officer was doing.
    Activity {
        /// Making an arrest.
        Arrest = "arrest",
        /// In custody.
        Custody = "custody",
        /// A stop.
        Stop = "stop",
        /// Public order.
        PublicOrder = "public_order",
        /// A mental health call.
        MentalHealthCall = "mental_health_call",
        /// Transporting a detained person.
        Transport = "transport",
        /// Anything else.
        Other = "other",
    }
}

vocabulary! {
    /// Aggravating causal factors the Accident Management System captures.
    CausalFactor {
        /// Suspect drunk.
        Drunk = "drunk",
        /// Suspect under the influence of drugs.
        Drugs = "drugs",
        /// Suspect in mental health crisis.
        MentalHealthCrisis = "mental_health_crisis",
        /// Suspect hostile.
        Hostile = "hostile",
        /// Suspect resisting arrest.
        ResistingArrest = "resisting_arrest",
    }
}

vocabulary! {
    /// Officer safety equipment.
    Equipment {
        /// Body-worn video.
        BodyWornVideo = "body_worn_video",
        /// Taser.
        Taser = "taser",
        /// Spit and bite guard.
        SpitGuard = "spit_guard",
        /// Body armour.
        BodyArmour = "body_armour",
        /// Protective gloves.
        Gloves = "gloves",
        /// PAVA incapacitant spray.
        Pava = "pava",
        /// Baton.
        Baton = "baton",
        /// Handcuffs.
        Handcuffs = "handcuffs",
    }
}

vocabulary! {
    /// An answer to a context question that may not be known (OSSR, seed 004: body-worn video
    /// recording, single crewing).
    Answer {
        /// Yes.
        Yes = "yes",
        /// No.
        No = "no",
        /// Not known (also what a question never answered counts as).
        NotKnown = "not_known",
    }
}

vocabulary! {
    /// The level of senior leadership informed, lowest first.
    LeadershipLevel {
        /// Divisional or local command team.
        LocalCommandTeam = "local_command_team",
        /// Senior Duty Officer.
        SeniorDutyOfficer = "senior_duty_officer",
        /// Chief Officer Group.
        ChiefOfficerGroup = "chief_officer_group",
        /// The on-call chief officer (through the Force Incident Manager).
        OnCallChiefOfficer = "on_call_chief_officer",
    }
}

vocabulary! {
    /// Whose statement it is.
    StatementOf {
        /// The assaulted colleague.
        Victim = "victim",
        /// A witness.
        Witness = "witness",
    }
}

vocabulary! {
    /// A key decision the victim must be told of (Victims' Code right 6).
    KeyDecision {
        /// Suspect arrested.
        Arrest = "arrest",
        /// Suspect charged.
        Charge = "charge",
        /// Suspect released.
        Release = "release",
        /// Suspect bailed.
        Bail = "bail",
        /// Suspect released under investigation.
        ReleasedUnderInvestigation = "released_under_investigation",
        /// Suspect cautioned.
        Caution = "caution",
        /// No further action.
        NoFurtherAction = "no_further_action",
    }
}

vocabulary! {
    /// The health-and-safety system the force uses.
    SafetySystem {
        /// BTP's Accident Management System.
        AccidentManagementSystem = "accident_management_system",
        /// West Midlands' e-safety report.
        ESafety = "e_safety",
        /// Hampshire's injury on duty report.
        InjuryOnDuty = "injury_on_duty",
        /// Another system.
        Other = "other",
    }
}

vocabulary! {
    /// Which impact statement.
    ImpactStatement {
        /// Victim impact (personal) statement.
        Victim = "victim",
        /// Community impact statement.
        Community = "community",
        /// The chief constable's personal impact statement (WMP point 4).
        ChiefConstable = "chief_constable",
    }
}

vocabulary! {
    /// Which TRiM assessment.
    TrimStage {
        /// The initial assessment, around 72 hours after the incident.
        Initial = "initial",
        /// The follow-up assessment, about a month later.
        OneMonth = "one_month",
    }
}

vocabulary! {
    /// Which staff association.
    StaffAssociation {
        /// The Police Federation.
        Federation = "federation",
        /// UNISON.
        Unison = "unison",
        /// Unite.
        Unite = "unite",
        /// Another body.
        Other = "other",
    }
}

impl WorkforceRole {
    /// A warranted police officer: a regular officer or a special constable. The seeds'
    /// "officer" ("the assaulted officer", "a police officer who has been assaulted") means
    /// these two; PCSOs, volunteers and police staff are not officers.
    pub fn is_police_officer(self) -> bool {
        matches!(
            self,
            WorkforceRole::Officer | WorkforceRole::SpecialConstable
        )
    }
}

impl StaffAssociation {
    /// Whether this body is the appropriate one for a colleague in this workforce role
    /// (WMP point 9: "the Police Federation or the appropriate police staff union, Unison or
    /// Unite"): the Federation for police officers (special constables included), UNISON or
    /// Unite for police staff (PCSOs included). No body named by the plan represents
    /// volunteers, and `other` is appropriate for nobody: the plan names the bodies.
    pub fn represents(self, role: WorkforceRole) -> bool {
        match self {
            StaffAssociation::Federation => role.is_police_officer(),
            StaffAssociation::Unison | StaffAssociation::Unite => {
                matches!(role, WorkforceRole::Staff | WorkforceRole::Pcso)
            }
            StaffAssociation::Other => false,
        }
    }

    /// The appropriate bodies for a role, in words, for messages.
    pub fn appropriate_for(role: WorkforceRole) -> &'static str {
        match role {
            WorkforceRole::Officer | WorkforceRole::SpecialConstable => "the Police Federation",
            WorkforceRole::Staff | WorkforceRole::Pcso => "UNISON or Unite",
            WorkforceRole::Volunteer => "no body named by the plan",
        }
    }
}

vocabulary! {
    /// What kind of debrief.
    DebriefKind {
        /// A debrief of the incident.
        Incident = "incident",
        /// A use-of-force debrief (Essex).
        UseOfForce = "use_of_force",
    }
}

vocabulary! {
    /// Verdict at court.
    Verdict {
        /// Guilty (plea or verdict).
        Guilty = "guilty",
        /// Not guilty.
        NotGuilty = "not_guilty",
        /// Case discontinued.
        Discontinued = "discontinued",
    }
}

/// A Home Office outcome type, 1 to 22.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "u8", into = "u8")]
pub struct OutcomeType(u8);

impl OutcomeType {
    /// Parses an outcome type number.
    pub fn new(n: u8) -> Result<Self, String> {
        if (1..=22).contains(&n) {
            Ok(Self(n))
        } else {
            Err(format!("a Home Office outcome type is 1 to 22, got {n}"))
        }
    }
    /// The number.
    pub fn get(self) -> u8 {
        self.0
    }
    /// True for the outcomes that bring an offender to justice (charge/summons, caution,
    /// community resolution): types 1, 1A-style charge counted as 1, 2, 3, 6, 7, 8.
    pub fn is_sanction(self) -> bool {
        matches!(self.0, 1..=3 | 6..=8)
    }
}

impl TryFrom<u8> for OutcomeType {
    type Error = String;
    fn try_from(n: u8) -> Result<Self, String> {
        Self::new(n)
    }
}

impl From<OutcomeType> for u8 {
    fn from(o: OutcomeType) -> u8 {
        o.0
    }
}

/// One assaulted colleague.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Victim {
    /// Who.
    pub person: PersonId,
    /// Their workforce role.
    pub workforce_role: WorkforceRole,
    /// On duty at the time.
    #[serde(default = "yes")]
    pub on_duty: bool,
    /// Years of service, if known.
    #[serde(default)]
    pub years_of_service: Option<u16>,
    /// Injury severity.
    pub injury: InjurySeverity,
    /// Taken to hospital.
    #[serde(default)]
    pub hospitalised: bool,
    /// A RIDDOR "specified injury" (fracture, amputation, loss of sight, ...).
    #[serde(default)]
    pub specified_injury: bool,
    /// Body parts injured, free words.
    #[serde(default)]
    pub body_parts: Vec<String>,
    /// How they were hurt.
    #[serde(default)]
    pub mechanisms: Vec<Mechanism>,
    /// The victim qualifies for enhanced rights under the Victims' Code for a reason other
    /// than hate crime (e.g. vulnerable or intimidated, persistently targeted).
    #[serde(default)]
    pub enhanced_rights: bool,
    /// Assaults on this colleague recorded before this one (Essex: flagging and tracking
    /// repeat victims); none recorded when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_assaults: Option<u16>,
}

fn yes() -> bool {
    true
}

/// A suspect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Suspect {
    /// A description or name; may be empty when unknown.
    #[serde(default)]
    pub description: String,
    /// Whether the suspect has been identified.
    #[serde(default)]
    pub identified: bool,
}

/// What was going on: activity, causal factors, equipment, crewing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Circumstances {
    /// What the officer was doing.
    #[serde(default)]
    pub activity: Option<Activity>,
    /// Aggravating causal factors.
    #[serde(default)]
    pub causal_factors: Vec<CausalFactor>,
    /// Equipment carried.
    #[serde(default)]
    pub equipment_carried: Vec<Equipment>,
    /// Equipment used.
    #[serde(default)]
    pub equipment_used: Vec<Equipment>,
    /// Body-worn video was on and recording.
    #[serde(default)]
    pub body_worn_video_recording: bool,
    /// Single-crewed at the time.
    #[serde(default)]
    pub single_crewed: bool,
    /// Force was used by officers (triggers the use-of-force debrief).
    #[serde(default)]
    pub force_used: bool,
    /// Date of the victim's last officer safety training.
    #[serde(default)]
    pub last_safety_training: Option<jiff::civil::Date>,
}

/// Which plan version a case is held to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PlanRef {
    /// The plan id, e.g. `op-hampshire`.
    pub id: String,
    /// The plan version.
    pub version: u32,
}
