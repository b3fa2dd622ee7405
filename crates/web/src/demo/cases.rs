//! Demo cases at every stage of the plans, recorded through the application services (so
//! every rule of the plan applies to the demo data as to real data). Times are relative to
//! the moment the demo starts, so clocks are running: some steps on time, some late, some
//! overdue, some not yet due.

use super::force::FORCE;
use anyhow::Context;
use jiff::{SignedDuration, Timestamp};
use pledge_app::{AccountRole, Actor, App, NewAssault};
use pledge_domain::EventKind;
use pledge_store::{AnyStore, CaseId};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// A demo actor acting in their own right.
pub fn actor(id: &str, roles: &[AccountRole], unit: &str) -> Actor {
    Actor::Person {
        id: id.into(),
        roles: roles.iter().copied().collect::<BTreeSet<_>>(),
        unit: Some(unit.into()),
        force: Some(FORCE.into()),
    }
}

struct Demo<'a> {
    app: &'a App<AnyStore>,
    now: Timestamp,
}

impl Demo<'_> {
    fn at(&self, hours_ago: f64) -> Timestamp {
        self.now - SignedDuration::from_secs_f64(hours_ago * 3600.0)
    }

    async fn open(
        &self,
        by: &Actor,
        id: &str,
        hours_ago: f64,
        plan: Option<(&str, u32)>,
        mut report: Value,
    ) -> anyhow::Result<CaseId> {
        let reported = self.at(hours_ago);
        let obj = report
            .as_object_mut()
            .context("a demo report is a JSON object")?;
        obj.insert("type".into(), json!("assault_reported"));
        obj.insert("force".into(), json!(FORCE));
        obj.insert("jurisdiction".into(), json!("england_and_wales"));
        // Cases of the Northern Response team are supervised by its sergeant unless named.
        obj.entry("supervisor").or_insert(json!("PS-2231"));
        obj.insert(
            "occurred_at".into(),
            json!((reported - SignedDuration::from_mins(20)).to_string()),
        );
        let (plan_id, version) = plan.unwrap_or(("op-hampshire", 1));
        obj.insert("plan".into(), json!({"id": plan_id, "version": version}));
        let kind: EventKind =
            serde_json::from_value(report).with_context(|| format!("demo case {id}"))?;
        let case_id = CaseId::parse(id).map_err(anyhow::Error::msg)?;
        self.app
            .record_assault(
                by,
                NewAssault {
                    case_id: Some(case_id.clone()),
                    report: kind,
                    at: Some(reported),
                    plan_in_force: plan.is_none(),
                    answers: Vec::new(),
                },
                self.now,
            )
            .await
            .with_context(|| format!("recording demo case {id}"))?;
        Ok(case_id)
    }

    async fn step(
        &self,
        by: &Actor,
        case: &CaseId,
        hours_ago: f64,
        kind: &str,
        fields: Value,
    ) -> anyhow::Result<()> {
        let mut fields = fields;
        if let Some(o) = fields.as_object_mut() {
            o.insert("type".into(), json!(kind));
        }
        let name = kind;
        let kind: EventKind = serde_json::from_value(fields)
            .with_context(|| format!("demo step {name} in {case}"))?;
        self.app
            .record_step(by, case, None, Some(self.at(hours_ago)), kind, self.now)
            .await
            .with_context(|| format!("recording the demo step {name} in {case}"))?;
        Ok(())
    }
}

/// Records the demo cases.
pub async fn record(app: &App<AnyStore>, now: Timestamp) -> anyhow::Result<usize> {
    use AccountRole::*;
    let d = Demo { app, now };
    let sgt = actor("PS-2231", &[Staff, Supervisor], "north-response");
    let sgt_south = actor("PS-2570", &[Staff, Supervisor], "south-response");
    let dc = actor("DC-3020", &[Staff, Investigator], "north-cid");
    let welfare = actor("TRIM-07", &[Staff, Welfare], "force-hq");
    let grace = actor("PC-4471", &[Staff], "north-response");

    // 1. Hospitalised officer, three hours ago: the on-call chief officer was told through the
    //    FIM on time; the investigator is assigned; welfare and the H&S report are still to do.
    let c = d
        .open(&sgt, "WX-2026-0101", 3.0, None, json!({
            "unit": "north-response", "place": "Market Street", "location_type": "street",
            "how_reported": "radio",
            "victims": [{"person": "PC-4410", "workforce_role": "officer", "years_of_service": 3,
                "injury": "serious", "hospitalised": true, "specified_injury": true,
                "body_parts": ["face", "left wrist"], "mechanisms": ["punch", "kick"]}],
            "offence": "oapa_s47",
            "suspects": [{"description": "male, 30s", "identified": true}],
            "circumstances": {"activity": "arrest", "causal_factors": ["drunk", "resisting_arrest"],
                "equipment_carried": ["body_worn_video", "body_armour", "pava"],
                "equipment_used": ["body_worn_video"], "body_worn_video_recording": true,
                "single_crewed": false, "force_used": true},
            "summary": "Punched and kicked while arresting a man for a public order offence; \
                        taken to hospital with a suspected fractured wrist."
        }))
        .await?;
    d.step(
        &sgt,
        &c,
        2.9,
        "arrest_made",
        json!({"suspect": "male, 30s"}),
    )
    .await?;
    d.step(
        &sgt,
        &c,
        2.6,
        "senior_leadership_informed",
        json!({"level": "senior_duty_officer", "who": "Supt on call"}),
    )
    .await?;
    d.step(
        &sgt,
        &c,
        2.4,
        "fim_notified",
        json!({"on_call_chief_officer_told": true}),
    )
    .await?;
    d.step(&sgt, &c, 1.5, "oic_assigned", json!({"officer": "DC-3020"}))
        .await?;

    // 2. A hate crime, nine days ago, under the West Midlands ten point plan (TRM, leaflet,
    //    Federation): charged; the victim was told of the charge late.
    let c = d
        .open(&sgt, "WX-2026-0088", 9.0 * 24.0, Some(("west-midlands", 1)), json!({
            "unit": "north-response", "place": "Custody suite, Northgate", "location_type": "custody",
            "victims": [{"person": "PC-4471", "workforce_role": "officer", "years_of_service": 6,
                "injury": "minor", "hospitalised": false, "mechanisms": ["spit"]}],
            "offence": "common_assault_emergency_worker",
            "hate_crime": ["race"],
            "suspects": [{"description": "female, 40s", "identified": true}],
            "circumstances": {"activity": "custody", "causal_factors": ["hostile"],
                "equipment_carried": ["body_worn_video", "spit_guard"], "force_used": false},
            "summary": "Spat at and racially abused while booking a detainee into custody."
        }))
        .await?;
    d.step(
        &sgt,
        &c,
        215.0,
        "arrest_made",
        json!({"suspect": "female, 40s"}),
    )
    .await?;
    d.step(
        &sgt,
        &c,
        214.0,
        "senior_leadership_informed",
        json!({"level": "local_command_team"}),
    )
    .await?;
    d.step(
        &sgt,
        &c,
        212.0,
        "oic_assigned",
        json!({"officer": "DC-3020"}),
    )
    .await?;
    d.step(
        &sgt,
        &c,
        210.0,
        "crime_recorded",
        json!({"crime_reference": "WX/26/08812", "safety_reference": "ES-2026-311"}),
    )
    .await?;
    d.step(&sgt, &c, 205.0, "welfare_meeting_held", json!({}))
        .await?;
    d.step(&sgt, &c, 204.0, "leaflet_given", json!({})).await?;
    d.step(
        &sgt,
        &c,
        200.0,
        "staff_association_notified",
        json!({"body": "federation", "consent": true}),
    )
    .await?;
    d.step(
        &dc,
        &c,
        190.0,
        "statement_taken",
        json!({"of": "victim", "giver": "PC-4471", "taken_by": "DC-3020"}),
    )
    .await?;
    d.step(&dc, &c, 150.0, "key_decision_made", json!({"decision": "charge", "detail": "charged with racially aggravated assault on an emergency worker"})).await?;
    d.step(
        &dc,
        &c,
        150.0,
        "charged",
        json!({"offences": ["common_assault_emergency_worker"]}),
    )
    .await?;
    d.step(
        &dc,
        &c,
        60.0,
        "victim_updated",
        json!({"how": "phone", "note": "told of the charge and the first hearing date"}),
    )
    .await?;
    d.step(
        &grace,
        &c,
        59.0,
        "update_frequency_chosen",
        json!({"every_days": 14}),
    )
    .await?;

    // 3. A PCSO assaulted, no arrest: the suspect ran; reason recorded. Three weeks old,
    //    several steps now overdue.
    let c = d
        .open(
            &sgt_south,
            "WX-2026-0064",
            21.0 * 24.0,
            None,
            json!({
                "unit": "south-response", "supervisor": "PS-2570", "place": "Riverside Park",
                "location_type": "street",
                "victims": [{"person": "PCSO-6120", "workforce_role": "pcso", "years_of_service": 1,
                    "injury": "minor", "hospitalised": false, "mechanisms": ["punch"]}],
                "offence": "common_assault_emergency_worker",
                "suspects": [{"description": "youth, hooded", "identified": false}],
                "circumstances": {"activity": "stop", "causal_factors": ["drugs"],
                    "equipment_carried": ["body_worn_video"], "body_worn_video_recording": false,
                    "single_crewed": true, "force_used": false},
                "summary": "Punched when approaching a group; the suspect ran off."
            }),
        )
        .await?;
    d.step(
        &sgt_south,
        &c,
        500.0,
        "no_arrest_recorded",
        json!({"reason": "the suspect ran and was not identified"}),
    )
    .await?;
    d.step(
        &sgt_south,
        &c,
        470.0,
        "senior_leadership_informed",
        json!({"level": "local_command_team"}),
    )
    .await?;
    d.step(&sgt_south, &c, 380.0, "welfare_meeting_held", json!({}))
        .await?;

    // 4. A case finished properly: the victim's view heard before the outcome, closed.
    let c = d
        .open(&sgt, "WX-2026-0012", 70.0 * 24.0, None, json!({
            "unit": "north-response", "place": "Northgate railway station", "location_type": "railway",
            "victims": [{"person": "PC-4410", "workforce_role": "officer", "years_of_service": 3,
                "injury": "minor", "hospitalised": false, "mechanisms": ["bite"]}],
            "offence": "common_assault_emergency_worker",
            "suspects": [{"description": "male, 20s", "identified": true}],
            "circumstances": {"activity": "arrest", "causal_factors": ["drunk"],
                "equipment_carried": ["body_worn_video"], "body_worn_video_recording": true,
                "force_used": true},
            "summary": "Bitten on the forearm during an arrest on the platform."
        }))
        .await?;
    let h = 70.0 * 24.0;
    d.step(
        &sgt,
        &c,
        h - 0.2,
        "arrest_made",
        json!({"suspect": "male, 20s"}),
    )
    .await?;
    d.step(
        &sgt,
        &c,
        h - 1.0,
        "senior_leadership_informed",
        json!({"level": "local_command_team"}),
    )
    .await?;
    d.step(
        &sgt,
        &c,
        h - 3.0,
        "oic_assigned",
        json!({"officer": "DC-3020"}),
    )
    .await?;
    d.step(
        &sgt,
        &c,
        h - 4.0,
        "crime_recorded",
        json!({"crime_reference": "WX/26/01200", "safety_reference": "IOD-2026-0102"}),
    )
    .await?;
    d.step(&sgt, &c, h - 6.0, "welfare_meeting_held", json!({}))
        .await?;
    d.step(
        &sgt,
        &c,
        h - 8.0,
        "support_referral_made",
        json!({"service": "Police Care UK"}),
    )
    .await?;
    d.step(
        &sgt,
        &c,
        h - 10.0,
        "trim_referral_considered",
        json!({"referred": true}),
    )
    .await?;
    d.step(
        &welfare,
        &c,
        h - 70.0,
        "trim_assessment_held",
        json!({"stage": "initial"}),
    )
    .await?;
    d.step(&sgt, &c, h - 30.0, "safety_report_completed", json!({"system": "injury_on_duty", "reference": "IOD-2026-0102", "causal_factors": ["drunk"], "victim_contributed": true})).await?;
    d.step(
        &dc,
        &c,
        h - 26.0,
        "statement_taken",
        json!({"of": "victim", "giver": "PC-4410", "taken_by": "DC-3020"}),
    )
    .await?;
    d.step(
        &dc,
        &c,
        h - 28.0,
        "key_decision_made",
        json!({"decision": "charge", "detail": "charged with assault on an emergency worker"}),
    )
    .await?;
    d.step(
        &dc,
        &c,
        h - 28.0,
        "charged",
        json!({"offences": ["common_assault_emergency_worker"]}),
    )
    .await?;
    d.step(
        &dc,
        &c,
        h - 30.0,
        "victim_updated",
        json!({"how": "in person", "note": "told of the charge"}),
    )
    .await?;
    d.step(
        &dc,
        &c,
        h - 100.0,
        "investigation_plan_completed",
        json!({"evidence": ["body_worn_video", "cctv", "injury_photographs"]}),
    )
    .await?;
    d.step(&dc, &c, h - 110.0, "vps_offered", json!({"accepted": true}))
        .await?;
    d.step(
        &welfare,
        &c,
        h - 672.0,
        "trim_assessment_held",
        json!({"stage": "one_month"}),
    )
    .await?;
    d.step(
        &dc,
        &c,
        h - 600.0,
        "victim_updated",
        json!({"how": "phone", "note": "hearing date set"}),
    )
    .await?;
    d.step(
        &dc,
        &c,
        h - 620.0,
        "victim_view_recorded",
        json!({"view": "content with a guilty plea and compensation"}),
    )
    .await?;
    d.step(
        &sgt,
        &c,
        h - 300.0,
        "debrief_held",
        json!({"kind": "use_of_force"}),
    )
    .await?;
    d.step(&sgt, &c, h - 400.0, "lesson_captured", json!({"reference": "LXC-2026-044", "summary": "Spit and bite guards to be carried on station patrols"})).await?;
    d.step(
        &dc,
        &c,
        h - 1000.0,
        "outcome_finalised",
        json!({"outcome_type": 1}),
    )
    .await?;
    d.step(
        &dc,
        &c,
        h - 1000.0,
        "verdict_given",
        json!({"verdict": "guilty"}),
    )
    .await?;
    d.step(
        &dc,
        &c,
        h - 1010.0,
        "victim_updated",
        json!({"how": "phone", "note": "guilty plea; sentence passed"}),
    )
    .await?;

    // 5. Just reported, nothing done yet: every clock running.
    d.open(
        &sgt,
        "WX-2026-0107",
        0.4,
        None,
        json!({
            "unit": "north-response", "place": "Station Road", "location_type": "vehicle",
            "victims": [{"person": "PC-4471", "workforce_role": "officer", "years_of_service": 6,
                "injury": "none", "hospitalised": false, "mechanisms": ["kick"]}],
            "offence": "common_assault_emergency_worker",
            "suspects": [{"description": "male, 50s", "identified": true}],
            "circumstances": {"activity": "transport", "causal_factors": ["mental_health_crisis"],
                "equipment_carried": ["body_worn_video"], "force_used": false},
            "summary": "Kicked while transporting a detainee to custody."
        }),
    )
    .await?;
    Ok(5)
}
