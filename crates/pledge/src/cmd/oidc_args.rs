//! `pledge serve`'s settings for signing in with the force's identity provider (OpenID
//! Connect) and for switching password sign-in off. See docs/sign-in.md.

use anyhow::Context;
use pledge_app::accounts::oidc::settings::{
    DEFAULT_ALGORITHMS, default_post_logout, parse_algorithm, parse_role_mapping,
};
use pledge_app::accounts::oidc::{LinkField, OidcSettings, Provider};
use std::sync::Arc;

/// Whether password sign-in is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OnOff {
    /// On.
    On,
    /// Off.
    Off,
}

/// Sign-in with the force's identity provider. Without --oidc-issuer there is none.
#[derive(clap::Args, Debug)]
pub struct OidcArgs {
    /// The provider's issuer URL (for Entra ID `https://login.microsoftonline.com/<tenant
    /// id>/v2.0`); discovered at startup from `<issuer>/.well-known/openid-configuration`.
    #[arg(long, env = "PLEDGE_OIDC_ISSUER")]
    pub oidc_issuer: Option<String>,
    /// The client (application) id registered with the provider.
    #[arg(long, env = "PLEDGE_OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,
    /// A file holding the client secret (or set PLEDGE_OIDC_CLIENT_SECRET; never a flag).
    #[arg(long, env = "PLEDGE_OIDC_CLIENT_SECRET_FILE")]
    pub oidc_client_secret_file: Option<std::path::PathBuf>,
    /// The client secret, from the environment only.
    #[arg(skip = std::env::var("PLEDGE_OIDC_CLIENT_SECRET").ok())]
    pub oidc_client_secret: Option<String>,
    /// Where the provider sends the browser back: `https://<pledge>/sign-in/oidc/callback`,
    /// registered with the provider as a redirect URI.
    #[arg(long, env = "PLEDGE_OIDC_REDIRECT_URL")]
    pub oidc_redirect_url: Option<String>,
    /// Where the provider's sign-out sends the browser back to (registered with the
    /// provider); by default Pledge's sign-in page next to the redirect URL.
    #[arg(long, env = "PLEDGE_OIDC_POST_LOGOUT_REDIRECT_URL")]
    pub oidc_post_logout_redirect_url: Option<String>,
    /// The name on the button, "Sign in with <name>".
    #[arg(long, env = "PLEDGE_OIDC_NAME", default_value = "your force account")]
    pub oidc_name: String,
    /// The claim naming who signed in, stable for life: `sub`, or `oid` for Entra ID.
    #[arg(long, env = "PLEDGE_OIDC_SUBJECT_CLAIM", default_value = "sub")]
    pub oidc_subject_claim: String,
    /// The claim that links a person at their first sign-in (Entra ID's optional claim
    /// `employeeid`).
    #[arg(long, env = "PLEDGE_OIDC_LINK_CLAIM", default_value = "employeeid")]
    pub oidc_link_claim: String,
    /// The person field the linking claim must equal: `person_id` (collar or staff number)
    /// or `email`.
    #[arg(long, env = "PLEDGE_OIDC_LINK_FIELD", default_value = "person_id")]
    pub oidc_link_field: String,
    /// The claim carrying the provider's app roles (`roles`) or groups (`groups`).
    #[arg(long, env = "PLEDGE_OIDC_ROLES_CLAIM", default_value = "roles")]
    pub oidc_roles_claim: String,
    /// A role mapping, PROVIDER_ROLE=pledge_role (repeatable; in the environment,
    /// comma-separated), e.g. `Pledge.Supervisor=supervisor`.
    #[arg(long = "oidc-role", env = "PLEDGE_OIDC_ROLES", value_delimiter = ',')]
    pub oidc_roles: Vec<String>,
    /// `amr` values that count as multi-factor (required of administrators).
    #[arg(
        long,
        env = "PLEDGE_OIDC_MFA_AMR",
        value_delimiter = ',',
        default_value = "mfa,otp"
    )]
    pub oidc_mfa_amr: Vec<String>,
    /// `acr` values that count as multi-factor (none by default).
    #[arg(long, env = "PLEDGE_OIDC_MFA_ACR", value_delimiter = ',')]
    pub oidc_mfa_acr: Vec<String>,
    /// ID token signature algorithms accepted (never `none`; HS256 only when named, keyed
    /// with the client secret).
    #[arg(long, env = "PLEDGE_OIDC_ALGORITHMS", value_delimiter = ',')]
    pub oidc_algorithms: Vec<String>,
    /// Whom a person not set up in Pledge should ask, on the refusal page.
    #[arg(
        long,
        env = "PLEDGE_OIDC_ASK",
        default_value = "your force's Op Hampshire lead"
    )]
    pub oidc_ask: String,
    /// Password sign-in (`on`, `off`). Off: the sign-in page shows only the identity
    /// provider's button and password sign-ins are refused; break-glass is `pledge user add`
    /// and restarting with `--local-accounts on` (docs/sign-in.md).
    #[arg(long, env = "PLEDGE_LOCAL_ACCOUNTS", value_enum, default_value = "on")]
    pub local_accounts: OnOff,
}

impl OidcArgs {
    /// The settings, when an issuer is named; every problem names its flag.
    pub fn settings(&self) -> anyhow::Result<Option<OidcSettings>> {
        let Some(issuer) = &self.oidc_issuer else {
            if self.local_accounts == OnOff::Off {
                anyhow::bail!(
                    "--local-accounts off: name the identity provider (--oidc-issuer), or nobody could sign in"
                );
            }
            return Ok(None);
        };
        let need = |v: &Option<String>, flag: &str| {
            v.clone()
                .filter(|s| !s.trim().is_empty())
                .with_context(|| format!("{flag}: required with --oidc-issuer"))
        };
        let client_id = need(&self.oidc_client_id, "--oidc-client-id")?;
        let redirect_url = need(&self.oidc_redirect_url, "--oidc-redirect-url")?;
        let client_secret = match (&self.oidc_client_secret_file, &self.oidc_client_secret) {
            (Some(file), _) => Some(
                std::fs::read_to_string(file)
                    .with_context(|| {
                        format!("--oidc-client-secret-file: cannot read {}", file.display())
                    })?
                    .trim()
                    .to_owned(),
            )
            .filter(|s| !s.is_empty()),
            (None, Some(s)) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            (None, None) => None,
        };
        let names: Vec<String> = if self.oidc_algorithms.is_empty() {
            DEFAULT_ALGORITHMS.iter().map(|s| (*s).to_owned()).collect()
        } else {
            self.oidc_algorithms.clone()
        };
        let algorithms = names
            .iter()
            .map(|a| parse_algorithm(a.trim(), client_secret.is_some()))
            .collect::<Result<Vec<_>, _>>()?;
        let role_map = self
            .oidc_roles
            .iter()
            .filter(|r| !r.trim().is_empty())
            .map(|r| parse_role_mapping(r))
            .collect::<Result<Vec<_>, _>>()?;
        let clean = |v: &[String]| -> Vec<String> {
            v.iter()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        };
        let settings = OidcSettings {
            issuer: issuer.trim().to_owned(),
            client_id,
            client_secret,
            post_logout_redirect_url: self
                .oidc_post_logout_redirect_url
                .clone()
                .unwrap_or_else(|| default_post_logout(&redirect_url)),
            redirect_url,
            display_name: self.oidc_name.trim().to_owned(),
            subject_claim: self.oidc_subject_claim.trim().to_owned(),
            link_claim: self.oidc_link_claim.trim().to_owned(),
            link_field: LinkField::parse(self.oidc_link_field.trim())?,
            roles_claim: self.oidc_roles_claim.trim().to_owned(),
            role_map,
            mfa_amr: clean(&self.oidc_mfa_amr),
            mfa_acr: clean(&self.oidc_mfa_acr),
            algorithms,
            ask: self.oidc_ask.trim().to_owned(),
        };
        settings.check()?;
        Ok(Some(settings))
    }

    /// Checks the settings and discovers the provider (at startup: a provider that cannot be
    /// reached stops Pledge starting, with the reason).
    pub async fn provider(&self) -> anyhow::Result<Option<Arc<Provider>>> {
        match self.settings()? {
            Some(settings) => Ok(Some(Arc::new(Provider::discover(settings).await?))),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        oidc: OidcArgs,
    }

    fn settings(args: &[&str]) -> anyhow::Result<Option<OidcSettings>> {
        let cli = Cli::try_parse_from(std::iter::once("pledge").chain(args.iter().copied()))?;
        cli.oidc.settings()
    }

    fn error(args: &[&str]) -> String {
        match settings(args) {
            Ok(_) => String::new(),
            Err(e) => format!("{e:#}"),
        }
    }

    const BASE: [&str; 6] = [
        "--oidc-issuer",
        "https://login.microsoftonline.com/t/v2.0",
        "--oidc-client-id",
        "c",
        "--oidc-redirect-url",
        "https://pledge.example/sign-in/oidc/callback",
    ];

    #[test]
    fn settings_from_flags() -> anyhow::Result<()> {
        assert!(settings(&[])?.is_none(), "no issuer, no provider");
        let mut args = BASE.to_vec();
        args.extend([
            "--oidc-subject-claim",
            "oid",
            "--oidc-role",
            "Pledge.Admin=administrator",
            "--oidc-role",
            "Pledge.Supervisor=supervisor",
        ]);
        let s = settings(&args)?.ok_or_else(|| anyhow::anyhow!("no settings"))?;
        assert_eq!(s.subject_claim, "oid");
        assert_eq!(s.link_claim, "employeeid");
        assert_eq!(s.role_map.len(), 2);
        assert_eq!(s.mfa_amr, ["mfa", "otp"]);
        assert_eq!(s.algorithms.len(), 3);
        assert_eq!(
            s.post_logout_redirect_url,
            "https://pledge.example/sign-in?signed_out=1"
        );
        Ok(())
    }

    #[test]
    fn each_wrong_setting_is_named() {
        assert!(error(&["--local-accounts", "off"]).contains("--oidc-issuer"));
        assert!(error(&BASE[..2]).contains("--oidc-client-id"));
        assert!(error(&BASE[..4]).contains("--oidc-redirect-url"));
        let with = |extra: &[&'static str]| {
            let mut a = BASE.to_vec();
            a.extend_from_slice(extra);
            error(&a)
        };
        assert!(with(&["--oidc-role", "Pledge.Chief=chief"]).contains("--oidc-role"));
        assert!(with(&["--oidc-algorithms", "RS256,none"]).contains("--oidc-algorithms"));
        assert!(with(&["--oidc-algorithms", "HS256"]).contains("client secret"));
        assert!(with(&["--oidc-link-field", "name"]).contains("--oidc-link-field"));
        assert!(with(&["--oidc-mfa-amr", ""]).contains("--oidc-mfa-amr"));
        let mut http = BASE.to_vec();
        http[1] = "http://login.example/t";
        assert!(error(&http).contains("--oidc-issuer"));
    }
}
