//! The organisation: forces (with the plan each uses), units in a chain of command sized by
//! headcount, the people cases name, TRM meeting calendars and headcounts per unit, date and workforce role.

use crate::pick::{Weighted, mix};
use crate::{Error, Result};
use jiff::Timestamp;
use pledge_domain::calendar::{Calendar, Jurisdiction};
use pledge_domain::event::values::{PersonId, WorkforceRole};
use pledge_store::{Headcount, MeetingDate, Person, Unit};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A force as the generator knows it: name, short code, the plan it uses and its approximate
/// officer headcount (England and Wales, 2024, rounded).
#[derive(Debug, Clone, Copy)]
pub struct ForceSpec {
    /// The force's name (the `force` of its cases).
    pub name: &'static str,
    /// A short code: prefixes its case ids, unit ids and person ids.
    pub code: &'static str,
    /// The built-in plan its cases are held to.
    pub plan: &'static str,
    /// Police officers (full-time equivalent, approximate).
    pub officers: u32,
    /// Division names; empty for generic compass-point names.
    pub divisions: &'static [&'static str],
}

const GENERIC: &[&str] = &[];

/// The 43 territorial forces of England and Wales and British Transport Police. West
/// Midlands uses its ten point plan, BTP its seven point pledge, every other force the
/// Operation Hampshire minimum standard.
pub const FORCES: &[ForceSpec] = &[
    f("Avon and Somerset Constabulary", "ASC", 3_100),
    f("Bedfordshire Police", "BED", 1_400),
    f("Cambridgeshire Constabulary", "CAM", 1_700),
    f("Cheshire Constabulary", "CHE", 2_300),
    f("City of London Police", "COL", 1_000),
    f("Cleveland Police", "CLE", 1_500),
    f("Cumbria Constabulary", "CUM", 1_300),
    f("Derbyshire Constabulary", "DER", 2_000),
    f("Devon and Cornwall Police", "DC", 3_700),
    f("Dorset Police", "DOR", 1_400),
    f("Durham Constabulary", "DUR", 1_300),
    f("Dyfed-Powys Police", "DP", 1_300),
    f("Essex Police", "ESX", 3_800),
    f("Gloucestershire Constabulary", "GLO", 1_300),
    f("Greater Manchester Police", "GMP", 8_000),
    f("Gwent Police", "GWE", 1_500),
    ForceSpec {
        name: "Hampshire and Isle of Wight Constabulary",
        code: "HIOW",
        plan: "op-hampshire",
        officers: 3_700,
        divisions: &[
            "Southampton",
            "Portsmouth",
            "Basingstoke and Deane",
            "Winchester and Test Valley",
            "New Forest",
            "Isle of Wight",
            "Eastleigh",
        ],
    },
    f("Hertfordshire Constabulary", "HER", 2_200),
    f("Humberside Police", "HUM", 2_200),
    f("Kent Police", "KEN", 4_100),
    f("Lancashire Constabulary", "LAN", 3_400),
    f("Leicestershire Police", "LEI", 2_300),
    f("Lincolnshire Police", "LIN", 1_200),
    f("Merseyside Police", "MER", 4_000),
    ForceSpec {
        name: "Metropolitan Police Service",
        code: "MPS",
        plan: "op-hampshire",
        officers: 34_000,
        divisions: &[
            "Central East",
            "Central North",
            "Central South",
            "Central West",
            "East Area",
            "North Area",
            "North East",
            "North West",
            "South Area",
            "South East",
            "South West",
            "West Area",
            "Met Detention",
            "Roads and Transport",
        ],
    },
    f("Norfolk Constabulary", "NOR", 1_800),
    f("North Wales Police", "NWP", 1_600),
    f("North Yorkshire Police", "NYP", 1_600),
    f("Northamptonshire Police", "NTH", 1_500),
    f("Northumbria Police", "NUM", 3_700),
    f("Nottinghamshire Police", "NOT", 2_400),
    f("South Wales Police", "SWP", 3_500),
    f("South Yorkshire Police", "SYP", 3_000),
    f("Staffordshire Police", "STA", 1_900),
    f("Suffolk Constabulary", "SUF", 1_400),
    f("Surrey Police", "SUR", 2_200),
    f("Sussex Police", "SUS", 3_200),
    f("Thames Valley Police", "TVP", 5_000),
    f("Warwickshire Police", "WAR", 1_100),
    f("West Mercia Police", "WMC", 2_500),
    ForceSpec {
        name: "West Midlands Police",
        code: "WMP",
        plan: "west-midlands",
        officers: 8_000,
        divisions: &[
            "Birmingham East",
            "Birmingham West",
            "Coventry",
            "Dudley",
            "Sandwell",
            "Solihull",
            "Walsall",
            "Wolverhampton",
        ],
    },
    f("West Yorkshire Police", "WYP", 6_000),
    f("Wiltshire Police", "WIL", 1_100),
    ForceSpec {
        name: "British Transport Police",
        code: "BTP",
        plan: "btp",
        officers: 3_100,
        divisions: &[
            "London North",
            "London South",
            "London Underground",
            "Wales and Western",
            "Midlands",
            "North West",
            "North East",
            "Scotland",
        ],
    },
];

const fn f(name: &'static str, code: &'static str, officers: u32) -> ForceSpec {
    ForceSpec {
        name,
        code,
        plan: "op-hampshire",
        officers,
        divisions: GENERIC,
    }
}

const COMPASS: &[&str] = &[
    "North",
    "South",
    "East",
    "West",
    "Central",
    "North East",
    "North West",
    "South East",
    "South West",
    "City",
    "Coast",
    "Rural",
];

/// The index of a force by code (case-insensitive).
pub fn force_index(code: &str) -> Option<usize> {
    FORCES
        .iter()
        .position(|f| f.code.eq_ignore_ascii_case(code))
}

/// Victim roles and how often each is the victim (officers most often).
pub(crate) const VICTIM_ROLES: [(WorkforceRole, f64); 5] = [
    (WorkforceRole::Officer, 0.86),
    (WorkforceRole::SpecialConstable, 0.03),
    (WorkforceRole::Pcso, 0.04),
    (WorkforceRole::Staff, 0.06),
    (WorkforceRole::Volunteer, 0.01),
];

/// People who can be picked as victims of one role, with their exposure (some colleagues are
/// assaulted far more often than others: repeat victims).
#[derive(Debug, Clone, Default)]
pub(crate) struct Pool {
    pub people: Vec<u32>,
    pub exposure: Weighted,
}

impl Pool {
    pub fn pick(&self, rng: &mut ChaCha8Rng) -> Option<u32> {
        self.exposure.pick(rng).map(|i| self.people[i])
    }
}

/// A division (the unit cases are recorded against).
#[derive(Debug, Clone)]
pub(crate) struct Division {
    /// Index into [`Org::units`].
    pub unit: usize,
    pub jurisdiction: Jurisdiction,
    /// Chief inspector (local command team).
    pub chief_inspector: u32,
    pub inspectors: Vec<u32>,
    pub sergeants: Vec<u32>,
    pub detectives: Vec<u32>,
    /// Victim pools, in the order of [`VICTIM_ROLES`].
    pub pools: [Pool; 5],
    /// TRM meeting times (unix seconds), for plans with a TRM calendar.
    pub trm: Vec<i64>,
}

/// A force in the generated organisation.
#[derive(Debug, Clone)]
pub(crate) struct ForceOrg {
    pub spec: ForceSpec,
    pub divisions: Vec<Division>,
    /// Which division a case falls in (headcount times how busy the area is).
    pub division_weights: Weighted,
    /// Force-wide roles.
    pub health_and_safety: u32,
    pub trim: Vec<u32>,
    pub lessons: u32,
    pub justice: u32,
    pub lead: u32,
    pub senior_duty_officer: u32,
    /// How well the force keeps its promises (added to on-time probabilities).
    pub quality: f64,
}

/// The organisation data the generator stores and draws cases from.
#[derive(Debug, Clone)]
pub struct Org {
    /// Units: a headquarters per force (top of its chain of command) and its divisions.
    pub units: Vec<Unit>,
    /// People: command teams, supervisors, investigators, force-wide roles and the
    /// colleagues who may be assaulted.
    pub people: Vec<Person>,
    /// Headcount per unit and year (officers, specials, PCSOs and staff).
    pub headcounts: Vec<Headcount>,
    /// TRM meeting dates of the units whose plan has a TRM calendar.
    pub meetings: Vec<MeetingDate>,
    pub(crate) ids: Vec<PersonId>,
    /// Each person's line manager (index into `people`).
    pub(crate) managers: Vec<Option<u32>>,
    pub(crate) forces: Vec<ForceOrg>,
}

const FIRST: &[&str] = &[
    "Aisha",
    "Alex",
    "Amir",
    "Amy",
    "Ben",
    "Charlotte",
    "Chloe",
    "Daniel",
    "David",
    "Ella",
    "Emma",
    "Fatima",
    "Gareth",
    "Grace",
    "Hannah",
    "Harry",
    "Imran",
    "Jack",
    "James",
    "Jade",
    "Jasmine",
    "Joe",
    "Kate",
    "Kieran",
    "Laura",
    "Liam",
    "Lucy",
    "Mark",
    "Megan",
    "Michael",
    "Mohammed",
    "Natalie",
    "Oliver",
    "Priya",
    "Rachel",
    "Rhys",
    "Ryan",
    "Sam",
    "Sarah",
    "Sophie",
    "Tom",
    "Zoe",
];
const LAST: &[&str] = &[
    "Ahmed",
    "Ali",
    "Allen",
    "Baker",
    "Bell",
    "Brown",
    "Campbell",
    "Clarke",
    "Cooper",
    "Davies",
    "Edwards",
    "Evans",
    "Green",
    "Griffiths",
    "Hall",
    "Harris",
    "Hughes",
    "Hussain",
    "Jackson",
    "James",
    "Johnson",
    "Jones",
    "Kaur",
    "Khan",
    "King",
    "Lewis",
    "Martin",
    "Morgan",
    "Morris",
    "Murphy",
    "Patel",
    "Phillips",
    "Roberts",
    "Robinson",
    "Scott",
    "Singh",
    "Smith",
    "Taylor",
    "Thomas",
    "Thompson",
    "Turner",
    "Walker",
    "Ward",
    "Watson",
    "White",
    "Williams",
    "Wilson",
    "Wood",
    "Wright",
    "Young",
];

/// Workforce headcount relative to 2021 (the Police Uplift Programme grew officer numbers
/// from 2020 to 2023).
fn year_factor(year: i16) -> f64 {
    match year {
        ..=2016 => 0.92,
        2017 => 0.91,
        2018 => 0.92,
        2019 => 0.94,
        2020 => 0.97,
        2021 => 1.0,
        2022 => 1.04,
        2023 | 2024 => 1.05,
        _ => 1.04,
    }
}

struct Builder {
    rng: ChaCha8Rng,
    org: Org,
}

impl Builder {
    fn person(
        &mut self,
        id: String,
        role: WorkforceRole,
        unit: usize,
        line_manager: Option<u32>,
        code: &str,
    ) -> Result<u32> {
        let first = FIRST[self.rng.random_range(0..FIRST.len())];
        let last = LAST[self.rng.random_range(0..LAST.len())];
        let association = match role {
            WorkforceRole::Officer => Some("federation"),
            WorkforceRole::Staff | WorkforceRole::Pcso => Some(if self.rng.random_bool(0.75) {
                "unison"
            } else {
                "unite"
            }),
            _ => None,
        };
        let pid = PersonId::parse(&id).map_err(Error::Config)?;
        let n = u32::try_from(self.org.people.len())
            .map_err(|_| Error::Config("too many people".into()))?;
        self.org.people.push(Person {
            email: Some(format!(
                "{}@{}.police.example",
                id.to_ascii_lowercase(),
                code.to_ascii_lowercase()
            )),
            name: format!("{first} {last}"),
            id,
            workforce_role: Some(role.as_str().to_owned()),
            unit: Some(self.org.units[unit].id.clone()),
            line_manager: line_manager.map(|m| self.org.people[m as usize].id.clone()),
            staff_association: association.map(str::to_owned),
        });
        self.org.ids.push(pid);
        self.org.managers.push(line_manager);
        Ok(n)
    }
}

/// Monday-based fortnightly TRM meetings (Tuesdays 10:00 London time) between two instants.
fn trm_dates(
    calendar: &Calendar,
    from: Timestamp,
    to: Timestamp,
    offset_days: i64,
) -> Vec<Timestamp> {
    let mut out = Vec::new();
    // 1970-01-06 was a Tuesday.
    let first_tuesday = 5 + offset_days;
    let from_day = from.as_second().div_euclid(86_400);
    let mut day = from_day - (from_day - first_tuesday).rem_euclid(14);
    let end = to.as_second().div_euclid(86_400) + 28;
    while day <= end {
        if let Ok(t) = Timestamp::from_second(day * 86_400) {
            let date = calendar.local_date(t);
            let midnight = calendar.local_midnight(date);
            if let Ok(at) = Timestamp::from_second(midnight.as_second() + 10 * 3_600) {
                out.push(at);
            }
        }
        day += 14;
    }
    out
}

/// Builds the organisation for the chosen forces over the years `[from, to]`.
pub(crate) fn build(
    seed: u64,
    forces: &[usize],
    from: Timestamp,
    to: Timestamp,
    calendar: &Calendar,
    trm_plans: &[&str],
) -> Result<Org> {
    let mut b = Builder {
        rng: ChaCha8Rng::seed_from_u64(mix(seed, 0x6f72_6721)),
        org: Org {
            units: Vec::new(),
            people: Vec::new(),
            headcounts: Vec::new(),
            meetings: Vec::new(),
            ids: Vec::new(),
            managers: Vec::new(),
            forces: Vec::new(),
        },
    };
    let first_year = calendar.local_date(from).year();
    let last_year = calendar.local_date(to).year();
    for &fi in forces {
        let spec = FORCES[fi];
        let code = spec.code;
        let slug = code.to_ascii_lowercase();
        let hq = b.org.units.len();
        b.org.units.push(Unit {
            id: format!("{slug}-hq"),
            name: format!("{} headquarters", spec.name),
            force: spec.name.to_owned(),
            parent: None,
        });
        let n_div = if spec.divisions.is_empty() {
            (spec.officers as usize / 600).clamp(3, COMPASS.len())
        } else {
            spec.divisions.len()
        };
        let names: Vec<String> = (0..n_div)
            .map(|i| {
                spec.divisions
                    .get(i)
                    .map(|s| (*s).to_owned())
                    .unwrap_or_else(|| COMPASS[i].to_owned())
            })
            .collect();
        let shares: Vec<f64> = (0..n_div).map(|_| b.rng.random_range(0.6..1.4)).collect();
        let total_share: f64 = shares.iter().sum();
        let mut seq = 1000u32;
        let mut next_id = |b: &mut Builder, rank: &str| {
            seq += b.rng.random_range(1..4);
            format!("{code}-{rank}-{seq}")
        };
        // Force-wide roles, at headquarters.
        let chief = {
            let id = next_id(&mut b, "CSUPT");
            b.person(id, WorkforceRole::Officer, hq, None, code)?
        };
        let lead = {
            let id = next_id(&mut b, "OHL");
            b.person(id, WorkforceRole::Officer, hq, Some(chief), code)?
        };
        let senior_duty_officer = {
            let id = next_id(&mut b, "SDO");
            b.person(id, WorkforceRole::Officer, hq, Some(chief), code)?
        };
        let health_and_safety = {
            let id = next_id(&mut b, "HS");
            b.person(id, WorkforceRole::Staff, hq, Some(chief), code)?
        };
        let lessons = {
            let id = next_id(&mut b, "LXC");
            b.person(id, WorkforceRole::Staff, hq, Some(chief), code)?
        };
        let justice = {
            let id = next_id(&mut b, "CJU");
            b.person(id, WorkforceRole::Staff, hq, Some(chief), code)?
        };
        let mut trim = Vec::new();
        for _ in 0..(spec.officers / 1500).clamp(1, 8) {
            let id = next_id(&mut b, "TRIM");
            trim.push(b.person(id, WorkforceRole::Staff, hq, Some(chief), code)?);
        }
        let mut divisions = Vec::new();
        let mut weights = Vec::new();
        let jurisdiction_of = |name: &str| {
            if name == "Scotland" {
                Jurisdiction::Scotland
            } else {
                Jurisdiction::EnglandAndWales
            }
        };
        for (i, name) in names.iter().enumerate() {
            let officers = (f64::from(spec.officers) * 0.9 * shares[i] / total_share).round();
            let unit = b.org.units.len();
            b.org.units.push(Unit {
                id: format!("{slug}-{}", name.to_ascii_lowercase().replace(' ', "-")),
                name: name.clone(),
                force: spec.name.to_owned(),
                parent: Some(b.org.units[hq].id.clone()),
            });
            let staff = officers * 0.55;
            let pcsos = officers * 0.06;
            let specials = officers * 0.05;
            let volunteers = officers * 0.02;
            for year in first_year..=last_year {
                let f = year_factor(year);
                for (role, n) in [
                    ("officer", officers),
                    ("staff", staff),
                    ("pcso", pcsos),
                    ("special_constable", specials),
                    ("volunteer", volunteers),
                ] {
                    b.org.headcounts.push(headcount(
                        spec.name,
                        &b.org.units[unit].id,
                        year,
                        role,
                        n * f,
                    ));
                }
            }
            let id = next_id(&mut b, "CI");
            let chief_inspector = b.person(id, WorkforceRole::Officer, unit, Some(chief), code)?;
            let mut inspectors = Vec::new();
            for _ in 0..((officers / 400.0) as usize).clamp(1, 10) {
                let id = next_id(&mut b, "INSP");
                inspectors.push(b.person(
                    id,
                    WorkforceRole::Officer,
                    unit,
                    Some(chief_inspector),
                    code,
                )?);
            }
            let mut sergeants = Vec::new();
            for k in 0..((officers / 100.0) as usize).clamp(3, 40) {
                let id = next_id(&mut b, "PS");
                let m = inspectors[k % inspectors.len()];
                sergeants.push(b.person(id, WorkforceRole::Officer, unit, Some(m), code)?);
            }
            let mut detectives = Vec::new();
            for k in 0..((officers / 80.0) as usize).clamp(3, 50) {
                let id = next_id(&mut b, "DC");
                let m = sergeants[k % sergeants.len()];
                detectives.push(b.person(id, WorkforceRole::Officer, unit, Some(m), code)?);
            }
            let mut pools: [Pool; 5] = Default::default();
            let sizes = [
                (officers * 0.2).max(20.0),
                (specials * 0.3).max(2.0),
                (pcsos * 0.3).max(2.0),
                (staff * 0.05).max(3.0),
                volunteers.max(1.0),
            ];
            for (r, (role, _)) in VICTIM_ROLES.iter().enumerate() {
                let rank = match role {
                    WorkforceRole::Officer => "PC",
                    WorkforceRole::SpecialConstable => "SC",
                    WorkforceRole::Pcso => "PCSO",
                    WorkforceRole::Staff => "STF",
                    WorkforceRole::Volunteer => "VOL",
                };
                let mut exposure = Vec::new();
                for _ in 0..sizes[r].round() as usize {
                    let id = next_id(&mut b, rank);
                    let m = sergeants[b.rng.random_range(0..sergeants.len())];
                    let p = b.person(id, *role, unit, Some(m), code)?;
                    pools[r].people.push(p);
                    // Pareto-like exposure: a few colleagues are assaulted again and again.
                    let u: f64 = b.rng.random_range(0.0..1.0);
                    exposure.push((1.0 - u).powf(-1.0 / 2.2).min(25.0));
                }
                pools[r].exposure = Weighted::new(&exposure);
            }
            let mut trm = Vec::new();
            if trm_plans.contains(&spec.plan) {
                let offset = b.rng.random_range(0..14);
                for at in trm_dates(calendar, from, to, offset) {
                    trm.push(at.as_second());
                    b.org.meetings.push(MeetingDate {
                        calendar: "trm".to_owned(),
                        unit: b.org.units[unit].id.clone(),
                        at,
                    });
                }
            }
            weights.push(officers * b.rng.random_range(0.7..1.5));
            divisions.push(Division {
                unit,
                jurisdiction: jurisdiction_of(name),
                chief_inspector,
                inspectors,
                sergeants,
                detectives,
                pools,
                trm,
            });
        }
        let hq_head = f64::from(spec.officers) * 0.1 * 2.0;
        for year in first_year..=last_year {
            let f = year_factor(year);
            // Headquarters: as many staff as officers.
            for role in ["officer", "staff"] {
                b.org.headcounts.push(headcount(
                    spec.name,
                    &b.org.units[hq].id,
                    year,
                    role,
                    hq_head / 2.0 * f,
                ));
            }
        }
        let quality = b.rng.random_range(-0.08..0.06);
        b.org.forces.push(ForceOrg {
            spec,
            divisions,
            division_weights: Weighted::new(&weights),
            health_and_safety,
            trim,
            lessons,
            justice,
            lead,
            senior_duty_officer,
            quality,
        });
    }
    Ok(b.org)
}

/// A unit's headcount of a role from 1 April of a year (the start of the police year).
fn headcount(force: &str, unit: &str, year: i16, role: &str, n: f64) -> Headcount {
    Headcount {
        force: force.to_owned(),
        unit: unit.to_owned(),
        on: jiff::civil::date(year, 4, 1),
        role: role.to_owned(),
        count: n.round() as u32,
    }
}
