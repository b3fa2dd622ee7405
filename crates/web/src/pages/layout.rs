//! What every page's frame needs: the title, who is signed in, their navigation and the
//! session's CSRF token for the forms on the page.

use pledge_app::{AccountRole, Actor};

/// A navigation link.
#[derive(Debug, Clone)]
pub struct NavLink {
    /// Where it goes.
    pub href: &'static str,
    /// Its words.
    pub label: &'static str,
    /// The page shown is in this section.
    pub active: bool,
}

/// The frame of a page.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The page's title (the `<title>` adds " – Pledge").
    pub title: String,
    /// The signed-in person's name, when someone is signed in.
    pub person: Option<String>,
    /// Navigation for the signed-in person's roles.
    pub nav: Vec<NavLink>,
    /// The session's CSRF token, for forms.
    pub csrf: String,
    /// The page has errors (the title starts "Error: ").
    pub has_errors: bool,
    /// Unread notifications, shown in the header.
    pub unread: u64,
}

impl Layout {
    /// A page for someone not signed in.
    pub fn anonymous(title: &str) -> Self {
        Self {
            title: title.to_owned(),
            person: None,
            nav: Vec::new(),
            csrf: String::new(),
            has_errors: false,
            unread: 0,
        }
    }

    /// A page for a signed-in person; `section` is the navigation link to mark current.
    pub fn signed_in(title: &str, name: &str, actor: &Actor, csrf: &str, section: &str) -> Self {
        let leader = [
            AccountRole::Inspector,
            AccountRole::SeniorLeader,
            AccountRole::ForceLead,
            AccountRole::Administrator,
        ]
        .into_iter()
        .any(|r| actor.has(r));
        let mut nav = vec![
            ("/", "My tasks", true),
            ("/cases", "Cases", true),
            ("/cases/new", "Record an assault", true),
            ("/overview", "Overview", leader),
            (
                "/backtest",
                "Backtest",
                pledge_app::policy::BACKTEST_ROLES
                    .into_iter()
                    .any(|r| actor.has(r)),
            ),
            (
                "/reports",
                "Scrutiny pack",
                pledge_app::policy::decide_report(
                    actor,
                    pledge_app::policy::ReportAction::PanelPack,
                    actor.force().unwrap_or_default(),
                ),
            ),
            (
                "/national",
                "National picture",
                pledge_app::policy::decide_national(actor),
            ),
            (
                "/admin",
                "Administration",
                pledge_app::policy::may_administer_accounts(actor),
            ),
            // The force's Op Hampshire lead manages plans without administering accounts.
            (
                "/admin/plans",
                "Plans",
                !pledge_app::policy::may_administer_accounts(actor)
                    && actor.force().is_some_and(|f| {
                        pledge_app::policy::decide_org(
                            actor,
                            pledge_app::policy::OrgAction::PutPlanInForce,
                            f,
                        )
                    }),
            ),
            ("/notifications", "Notifications", true),
            ("/account", "Your account", true),
        ];
        nav.retain(|(_, _, show)| *show);
        Self {
            title: title.to_owned(),
            person: Some(name.to_owned()),
            nav: nav
                .into_iter()
                .map(|(href, label, _)| NavLink {
                    href,
                    label,
                    active: href == section,
                })
                .collect(),
            csrf: csrf.to_owned(),
            has_errors: false,
            unread: 0,
        }
    }

    /// The same frame with another title.
    pub fn titled(&self, title: &str) -> Self {
        let mut l = self.clone();
        l.title = title.to_owned();
        l
    }

    /// Marks the page as showing errors.
    pub fn with_errors(mut self, yes: bool) -> Self {
        self.has_errors = yes;
        self
    }
}
