//! The plan's promises in the victim's own words: second person, no staff jargon. A plan
//! speaks to the force ("Report to the HSE under RIDDOR"); the victim's page speaks to the
//! person assaulted ("Your force reports your injury to the Health and Safety Executive").
//! Obligations this file does not know are shown in the plan's words with "the victim" made
//! "you", so a new plan never shows a blank line.

/// A promise, as the victim reads it.
pub fn promise(obligation: &str, plan_title: &str) -> String {
    let words = match obligation {
        "crime-recorded" => "Your assault is recorded as a crime",
        "arrest-or-reason" => {
            "The suspect is arrested, or the reason for not arresting them is written down"
        }
        "victim-told-of-key-decisions" => {
            "You are told of each key decision, such as an arrest, a charge, bail or no further action"
        }
        "victim-updated" => "You are updated on your case as often as you have chosen",
        "victim-view-before-outcome" => {
            "The officer in your case discusses the possible outcomes with you and takes your view into account before one is decided"
        }
        "support-referral" => {
            "You are offered support services, unless you say you do not want them"
        }
        "feedback-survey" => "You are asked how your case was handled, once it closes",
        "oic-assigned" => {
            "An officer is appointed to investigate your case: never you or another victim of the assault"
        }
        "victim-statement" => "Another officer takes your statement: you never write your own",
        "victim-own-statement-by-tier" => {
            "Another officer takes your statement, as the plan describes"
        }
        "welfare-meeting" => "Your supervisor meets you to talk about your welfare",
        "trim-considered" => {
            "Your supervisor considers whether to refer you for a trauma support assessment (TRiM, Trauma Risk Management)"
        }
        "trim-initial-assessment" => {
            "A trauma support assessment about three days after the assault"
        }
        "trim-one-month-assessment" => {
            "A trauma support assessment about one month after the assault"
        }
        "senior-command-informed"
        | "division-informed"
        | "senior-leadership-informed"
        | "senior-duty-officer-informed"
        | "chief-officer-group-informed"
        | "on-call-chief-officer-notified" => {
            "Senior officers are told about the assault, so your welfare support continues"
        }
        "injury-on-duty-report" | "accident-management-system" | "e-safety-report" => {
            "Your supervisor completes the injury report with you"
        }
        "injury-on-duty-report-victim" => {
            "You add your own part to the injury report, or decline to"
        }
        "riddor-over-seven-days" => {
            "Because you were off work for more than 7 days, your force reports your injury to the Health and Safety Executive (the national workplace safety regulator)"
        }
        "riddor-specified-injury" => {
            "Because of the kind of injury, your force reports it to the Health and Safety Executive (the national workplace safety regulator)"
        }
        "investigation-plan" => {
            "The evidence is gathered: body-worn video, CCTV, witnesses, photographs of your injuries and medical evidence"
        }
        "vps-offered" => {
            "You are offered the chance to make a Victim Personal Statement before the file goes for a charging decision"
        }
        "court-result-recorded" => {
            "Court hearings, the verdict and the sentence are recorded and you are told"
        }
        "staff-association-notified" => "Your Federation or union is told, if you agree",
        "leaflet-given" => "You are given the leaflet on what happens after an assault",
        "raised-at-trm" | "raised-at-tasking" => {
            "The assault is raised at the local meeting that plans patrols and prevention"
        }
        "debrief" | "use-of-force-debrief" => "A debrief is held with you and the team",
        "lesson-to-lxc" => "Lessons from the assault are passed on so others can learn from them",
        "repeat-victim-reviewed" => {
            "Because this has happened to you before, your safety is reviewed"
        }
        "sentence-reviewed" => {
            "The sentence is checked to see whether it reflected that you are an emergency worker"
        }
        "community-impact-considered" | "chief-constable-impact-statement" => {
            "The court is told how assaults on police officers and staff affect the community"
        }
        _ => return in_second_person(plan_title),
    };
    words.to_owned()
}

/// A plan's own wording, with the victim addressed as "you".
fn in_second_person(title: &str) -> String {
    title
        .replace("the victim's", "your")
        .replace("The victim's", "Your")
        .replace("the assaulted officer's", "your")
        .replace("The assaulted officer's", "Your")
        .replace("the victim", "you")
        .replace("the assaulted officer", "you")
        .replace("The assaulted officer", "You")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_jargon_and_second_person() {
        let riddor = promise("riddor-over-seven-days", "Report to the HSE under RIDDOR");
        assert!(!riddor.contains("RIDDOR"), "{riddor}");
        assert!(riddor.contains("Health and Safety Executive"), "{riddor}");
        assert_eq!(
            promise("welfare-meeting", "Supervisor meets the victim for welfare"),
            "Your supervisor meets you to talk about your welfare"
        );
        assert_eq!(
            promise("unknown", "Send the victim's form to the victim"),
            "Send your form to you"
        );
    }
}
