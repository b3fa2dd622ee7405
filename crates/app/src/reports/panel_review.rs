//! The scrutiny panel's reviews (OSSR recommendation 23(i); a plan's `[[review]]`): recording
//! a panel meeting with the pack it considered, and where the force's review stands. The
//! periods and their states are the domain's (`pledge_domain::evaluate::review_periods`);
//! every decision is the policy's ([`ReportAction`]).

use super::{Bucket, DEFAULT_THRESHOLD, PackRequest, build};
use crate::actor::Actor;
use crate::app::App;
use crate::error::{AppError, AppResult};
use crate::policy::{ReportAction, decide_report};
use jiff::Timestamp;
use jiff::civil::Date;
use pledge_domain::evaluate::{PanelMeeting, ReviewStanding, period_start, review_standing};
use pledge_domain::plan::ForceReview;
use pledge_store::{PanelReview, Store};
use sha2::{Digest, Sha256};

/// A chair's name is at most this long.
pub const MAX_CHAIR_CHARS: usize = 200;
/// The panel's actions are at most this long.
pub const MAX_ACTIONS_CHARS: usize = 10_000;

/// A panel meeting to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPanelReview {
    /// The day the panel met.
    pub met_on: Date,
    /// The unit whose pack it considered; `None`: the whole force's.
    pub pack_unit: Option<String>,
    /// The pack's first day.
    pub pack_from: Date,
    /// The pack's last day.
    pub pack_to: Date,
    /// Who chaired, by name.
    pub chair: String,
    /// The panel's actions (free text; never published in a pack).
    pub actions: String,
}

/// Where the force's panel review stands, and the meetings recorded.
#[derive(Debug, Clone)]
pub struct PanelReviews {
    /// The review the plan in force asks for (`None`: the plan asks for none).
    pub review: Option<ForceReview>,
    /// Its standing today (`None` when the plan asks for none).
    pub standing: Option<ReviewStanding>,
    /// Every recorded meeting, oldest first; `actions` is empty unless `actions_shown`.
    pub meetings: Vec<PanelReview>,
    /// Whether the reader may read the panel's actions.
    pub actions_shown: bool,
}

impl PanelReviews {
    /// The meetings that considered exactly this pack (the force's or a unit's, this period).
    pub fn considered(&self, unit: Option<&str>, from: Date, to: Date) -> Vec<&PanelReview> {
        self.meetings
            .iter()
            .filter(|m| m.pack_unit.as_deref() == unit && m.pack_from == from && m.pack_to == to)
            .collect()
    }

    /// The latest meeting, by the day it met.
    pub fn last(&self) -> Option<&PanelReview> {
        self.standing
            .as_ref()
            .and_then(|s| s.last_meeting)
            .and_then(|i| self.meetings.get(i))
            .or_else(|| self.meetings.iter().max_by_key(|m| m.met_on))
    }
}

/// The SHA-256 (hex) of a pack's figures: its tables as JSON, without the time it was made,
/// so the same pack made again gives the same hash.
pub fn pack_hash(pack: &super::Pack) -> AppResult<String> {
    let json = serde_json::to_vec(&pack.tables)
        .map_err(|e| AppError::Internal(format!("the pack's figures could not be hashed: {e}")))?;
    Ok(hex::encode(Sha256::digest(&json)))
}

fn meeting(r: &PanelReview) -> PanelMeeting {
    PanelMeeting {
        met_on: r.met_on,
        pack_from: r.pack_from,
        pack_to: r.pack_to,
        force_wide: r.pack_unit.is_none(),
    }
}

impl<S: Store> App<S> {
    /// Records a panel meeting for the actor's force (the Op Hampshire lead; an
    /// administrator). The pack it considered is made again now, in the panel version, and
    /// the hash of its figures kept, so the record proves what was shown. Append-only.
    pub async fn record_panel_review(
        &self,
        actor: &Actor,
        new: NewPanelReview,
        now: Timestamp,
    ) -> AppResult<PanelReview> {
        let force = actor
            .force()
            .filter(|f| decide_report(actor, ReportAction::RecordPanelReview, f))
            .ok_or_else(|| AppError::Forbidden("record the scrutiny panel's reviews".into()))?
            .to_owned();
        let in_force = self.plan_in_force(&force, now).await?;
        let lib = self.plans();
        let review = lib
            .get(&in_force.id, in_force.version)
            .and_then(|p| p.reviews.first())
            .ok_or_else(|| {
                AppError::invalid(
                    "review",
                    format!(
                        "the plan in force ({}@{}) asks for no scrutiny panel review",
                        in_force.id, in_force.version
                    ),
                )
            })?
            .clone();
        let chair = new.chair.trim().to_owned();
        if chair.is_empty() {
            return Err(AppError::invalid("chair", "say who chaired the panel"));
        }
        if chair.chars().count() > MAX_CHAIR_CHARS {
            return Err(AppError::invalid(
                "chair",
                format!("a name is at most {MAX_CHAIR_CHARS} characters"),
            ));
        }
        if new.actions.chars().count() > MAX_ACTIONS_CHARS {
            return Err(AppError::invalid(
                "actions",
                format!("the actions are at most {MAX_ACTIONS_CHARS} characters"),
            ));
        }
        let today = self.today(now);
        let candidate = PanelMeeting {
            met_on: new.met_on,
            pack_from: new.pack_from,
            pack_to: new.pack_to,
            force_wide: new.pack_unit.is_none(),
        };
        candidate
            .check(today)
            .map_err(|(field, message)| AppError::invalid(field, message))?;
        let pack = build(
            &self.store,
            &self.calendar,
            &PackRequest {
                force: force.clone(),
                unit: new.pack_unit.clone(),
                from: new.pack_from,
                to: new.pack_to,
                by: Bucket::Month,
                named: false,
                threshold: DEFAULT_THRESHOLD,
            },
            now,
        )
        .await
        .map_err(|e| match e {
            // The pack's own fields are this record's `pack_*`.
            AppError::Invalid { field, message } => AppError::Invalid {
                field: format!("pack_{field}"),
                message,
            },
            other => other,
        })?;
        let mut record = PanelReview {
            id: 0,
            force,
            review_id: review.id,
            plan_id: in_force.id,
            plan_version: in_force.version,
            met_on: new.met_on,
            pack_unit: new.pack_unit,
            pack_from: new.pack_from,
            pack_to: new.pack_to,
            pack_hash: pack_hash(&pack)?,
            chair,
            actions: new.actions.trim().to_owned(),
            recorded_by: actor.log_id(),
            recorded_at: now,
        };
        record.id = self.store.record_panel_review(&record).await?;
        Ok(record)
    }

    /// The actor's force's panel reviews: the review its plan in force asks for, where it
    /// stands today, and every meeting recorded (the panel's actions only for those who may
    /// read them).
    pub async fn panel_reviews(&self, actor: &Actor, now: Timestamp) -> AppResult<PanelReviews> {
        let force = actor
            .force()
            .filter(|f| decide_report(actor, ReportAction::PanelReviewStanding, f))
            .ok_or_else(|| AppError::Forbidden("see the scrutiny panel's reviews".into()))?
            .to_owned();
        self.panel_reviews_of(
            &force,
            decide_report(actor, ReportAction::PanelActions, &force),
            now,
        )
        .await
    }

    /// A force's panel reviews without an access decision: the caller has decided (the
    /// escalation sweep, the pages after [`App::panel_reviews`]).
    pub(crate) async fn panel_reviews_of(
        &self,
        force: &str,
        actions_shown: bool,
        now: Timestamp,
    ) -> AppResult<PanelReviews> {
        let mut meetings = self.store.panel_reviews(force).await?;
        if !actions_shown {
            for m in &mut meetings {
                m.actions.clear();
            }
        }
        let in_force = self.plan_in_force(force, now).await?;
        let review = self
            .plans()
            .get(&in_force.id, in_force.version)
            .and_then(|p| p.reviews.first().cloned());
        let today = self.today(now);
        let standing = match &review {
            None => None,
            Some(r) => {
                // The force's reviews start with the first plan it put in force, or the
                // first pack its panel considered, whichever is earlier; with neither, now.
                let adopted = self
                    .store
                    .plan_adoptions(force)
                    .await?
                    .iter()
                    .map(|e| self.today(e.effective_from))
                    .min();
                let first_pack = meetings.iter().map(|m| m.pack_from).min();
                let since = [adopted, first_pack]
                    .into_iter()
                    .flatten()
                    .min()
                    .unwrap_or_else(|| period_start(r.every, today))
                    .min(today);
                let panel: Vec<PanelMeeting> = meetings.iter().map(meeting).collect();
                Some(review_standing(r, since, today, &panel))
            }
        };
        Ok(PanelReviews {
            review,
            standing,
            meetings,
            actions_shown,
        })
    }
}
