//! Choosing a colleague from the force directory on the record-an-assault page, without
//! JavaScript: the recorder types a name or collar number; when the form is sent it is looked
//! up (`App::find_colleagues`, narrowed to the unit). One match is taken; several are offered
//! as radios under the field to choose from; none is an error saying what to check. Where
//! JavaScript runs, `assets/record.js` offers the same search as the recorder types.

use crate::state::AppState;
use pledge_app::{Actor, AppError, Colleague};

/// A person field of the form, as drawn.
#[derive(Debug, Clone, Default)]
pub struct PersonPick {
    /// The field's name and id (`victim`, `victim2`, `supervisor`).
    pub name: String,
    /// The question.
    pub label: String,
    /// The hint.
    pub hint: String,
    /// What was typed (or the collar number chosen).
    pub value: String,
    /// The person it stands for, in words, once found.
    pub chosen: String,
    /// Several people matched: the choices (collar number, words).
    pub matches: Vec<(String, String)>,
    /// What is wrong.
    pub error: Option<String>,
}

impl PersonPick {
    /// An empty field.
    pub fn new(name: &str, label: &str, hint: &str) -> Self {
        Self {
            name: name.to_owned(),
            label: label.to_owned(),
            hint: hint.to_owned(),
            ..Self::default()
        }
    }

    /// `aria-describedby` of the input.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(format!("{}-hint", self.name));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.name));
        }
        ids.join(" ")
    }
}

/// The outcome of looking up what was typed into a person field.
pub enum Found {
    /// Nothing typed.
    Nobody,
    /// One person: their collar number and the words shown for them.
    One(String, String),
    /// Not settled: the message and the people to choose from (maybe none).
    Unsettled(String, Vec<Colleague>),
}

/// Looks up `typed` (or the radio `choice` among its matches) in the directory.
pub async fn find(
    state: &AppState,
    actor: &Actor,
    typed: &str,
    choice: &str,
    unit: &str,
) -> Result<Found, AppError> {
    if typed.is_empty() {
        return Ok(Found::Nobody);
    }
    let unit = (!unit.is_empty()).then_some(unit);
    let matches = state
        .app()
        .find_colleagues(actor, typed, unit, state.now())
        .await?;
    let exact = matches
        .iter()
        .find(|c| c.id.eq_ignore_ascii_case(typed) || (!choice.is_empty() && c.id == choice));
    if let Some(c) = exact.or(if matches.len() == 1 {
        matches.first()
    } else {
        None
    }) {
        return Ok(Found::One(c.id.clone(), c.label()));
    }
    if matches.is_empty() {
        return Ok(Found::Unsettled(
            format!(
                "No one in the force directory matches \u{201c}{typed}\u{201d}. Check the \
                 spelling or enter their collar number"
            ),
            matches,
        ));
    }
    Ok(Found::Unsettled(
        format!("More than one person matches \u{201c}{typed}\u{201d}. Choose who you mean"),
        matches,
    ))
}
