//! Roles relative to a case: who owns an obligation and who it escalates to.

use crate::event::values::vocabulary;
use serde::{Deserialize, Serialize};

vocabulary! {
    /// A role relative to a case. Plans name owners and escalation routes by role; the
    /// people behind the roles come from the case (supervisor, OIC) and the organisation.
    Role {
        /// The victim's supervisor (line manager, or the initial supervisor).
        Supervisor = "supervisor",
        /// The second-line manager (inspector).
        Inspector = "inspector",
        /// The officer in the case (investigator).
        OfficerInCase = "officer_in_case",
        /// The divisional or local command team.
        LocalCommandTeam = "local_command_team",
        /// The Senior Duty Officer.
        SeniorDutyOfficer = "senior_duty_officer",
        /// The Chief Officer Group.
        ChiefOfficerGroup = "chief_officer_group",
        /// The on-call chief officer.
        OnCallChiefOfficer = "on_call_chief_officer",
        /// The Force Incident Manager.
        ForceIncidentManager = "force_incident_manager",
        /// A TRiM practitioner or welfare officer.
        Welfare = "welfare",
        /// Occupational health.
        OccupationalHealth = "occupational_health",
        /// The force's health-and-safety team.
        HealthAndSafety = "health_and_safety",
        /// The Op Hampshire lead (force single point of contact).
        OpHampshireLead = "op_hampshire_lead",
        /// The lessons officer (Lessons Exploitation Centre).
        LessonsOfficer = "lessons_officer",
        /// Criminal justice liaison.
        CriminalJusticeLiaison = "criminal_justice_liaison",
        /// The victim themself.
        Victim = "victim",
    }
}
