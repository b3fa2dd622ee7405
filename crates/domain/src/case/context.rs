//! The context of an assault the OSSR (seed 004) asks forces to analyse: "which equipment
//! was carried and used (body-worn video on and recording, Taser, spray, spit guard, baton,
//! cuffs), single crewing, and the victim's training currency". The report gives a first
//! answer; `circumstances_recorded` events answer or correct it later. Nothing here is ever
//! required: a question nobody answered counts as "not known".

use crate::event::EventKind;
use crate::event::values::{Answer, Circumstances, Equipment};
use jiff::civil::Date;

/// What is known of the assault's context after the case's events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssaultContext {
    /// Equipment carried (empty: not known, or none).
    pub equipment_carried: Vec<Equipment>,
    /// Equipment used (empty: not known, or none).
    pub equipment_used: Vec<Equipment>,
    /// Body-worn video was on and recording.
    pub body_worn_video_recording: Answer,
    /// The victim was single-crewed.
    pub single_crewed: Answer,
    /// The victim's last personal safety training, if known.
    pub last_safety_training: Option<Date>,
}

impl Default for AssaultContext {
    fn default() -> Self {
        Self {
            equipment_carried: Vec::new(),
            equipment_used: Vec::new(),
            body_worn_video_recording: Answer::NotKnown,
            single_crewed: Answer::NotKnown,
            last_safety_training: None,
        }
    }
}

/// The report's yes-or-no field as an answer: its `false` is also what a report that never
/// asked says, so it counts as "not known"; only `true` is a "yes".
fn from_report(flag: bool) -> Answer {
    if flag { Answer::Yes } else { Answer::NotKnown }
}

impl AssaultContext {
    /// The context the report gives.
    pub fn from_report(c: &Circumstances) -> Self {
        Self {
            equipment_carried: c.equipment_carried.clone(),
            equipment_used: c.equipment_used.clone(),
            body_worn_video_recording: from_report(c.body_worn_video_recording),
            single_crewed: from_report(c.single_crewed),
            last_safety_training: c.last_safety_training,
        }
    }

    /// Applies a later `circumstances_recorded`: each answer it gives replaces what was
    /// known; a question it leaves out keeps the earlier answer. Other events change nothing.
    pub fn apply(&mut self, kind: &EventKind) {
        let EventKind::CircumstancesRecorded {
            equipment_carried,
            equipment_used,
            body_worn_video_recording,
            single_crewed,
            last_safety_training,
        } = kind
        else {
            return;
        };
        if !equipment_carried.is_empty() {
            self.equipment_carried = equipment_carried.clone();
        }
        if !equipment_used.is_empty() {
            self.equipment_used = equipment_used.clone();
        }
        if let Some(a) = body_worn_video_recording {
            self.body_worn_video_recording = *a;
        }
        if let Some(a) = single_crewed {
            self.single_crewed = *a;
        }
        if let Some(d) = last_safety_training {
            self.last_safety_training = Some(*d);
        }
    }
}
