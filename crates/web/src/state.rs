//! What every handler shares: the application services, the configuration and the clock.

use jiff::Timestamp;
use pledge_app::App;
use pledge_store::AnyStore;
use std::sync::Arc;
use std::time::Duration;

/// How the web shell is configured (from flags, `PLEDGE_*` variables or defaults).
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Cookies carry `Secure` and responses carry HSTS: set when served over TLS (directly
    /// or behind a TLS-terminating proxy).
    pub tls: bool,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Longest a request may take before it is answered 503.
    pub request_timeout: Duration,
    /// A bearer token that opens `/metrics` on the main address. Without one, `/metrics` is
    /// served only on the separate metrics address (`pledge serve --metrics-listen`): counts
    /// of requests and sign-ins are not for everyone who can reach the service.
    pub metrics_token: Option<String>,
    /// Session lifetime and sign-in throttling.
    pub accounts: pledge_app::accounts::Settings,
    /// A header set by a trusted reverse proxy naming the client's address (its last entry
    /// is used), e.g. `x-forwarded-for`; None to use the connection's peer address.
    pub client_address_header: Option<String>,
    /// Where notification email goes; `None`: in-app notifications only.
    pub mail: Option<crate::mail::MailConfig>,
    /// How webhooks are delivered (the endpoints themselves are stored per force).
    pub webhooks: crate::webhooks::WebhookConfig,
    /// The force's identity provider, discovered at startup; `None`: no sign-in through it.
    pub oidc: Option<Arc<pledge_app::accounts::oidc::Provider>>,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            tls: false,
            max_body_bytes: 256 * 1024,
            request_timeout: Duration::from_secs(15),
            metrics_token: None,
            accounts: pledge_app::accounts::Settings::default(),
            client_address_header: None,
            mail: None,
            webhooks: crate::webhooks::WebhookConfig::default(),
            oidc: None,
        }
    }
}

/// Where handlers get the time: the system clock, or a fixed moment in tests.
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    /// The system clock.
    System,
    /// A fixed moment (tests).
    Fixed(Timestamp),
    /// Test only (`pledge serve --test-clock-start`): time starts at `start` when the process
    /// starts and runs `speed` times as fast as the wall clock, so a day of deadlines can pass
    /// in a minute. Several processes given the same start and speed, started together, agree
    /// to within their start-up gap times the speed.
    Scaled {
        /// The moment the clock reads at `origin`.
        start: Timestamp,
        /// When the process started the clock.
        origin: std::time::Instant,
        /// How many clock seconds pass per wall-clock second.
        speed: u32,
    },
}

impl Clock {
    /// Now.
    pub fn now(self) -> Timestamp {
        match self {
            Clock::System => Timestamp::now(),
            Clock::Fixed(t) => t,
            Clock::Scaled {
                start,
                origin,
                speed,
            } => {
                let elapsed = origin.elapsed().saturating_mul(speed);
                jiff::SignedDuration::try_from(elapsed)
                    .ok()
                    .and_then(|d| start.checked_add(d).ok())
                    .unwrap_or(start)
            }
        }
    }
}

/// The state every handler receives; cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

/// The shared parts.
pub struct Inner {
    /// Application services over the store.
    pub app: App<AnyStore>,
    /// Configuration.
    pub config: WebConfig,
    /// The clock.
    pub clock: Clock,
    /// Renders `/metrics`; absent when no recorder could be installed (a second app in one
    /// test process).
    pub metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
}

impl AppState {
    /// Builds the state.
    pub fn new(
        app: App<AnyStore>,
        config: WebConfig,
        clock: Clock,
        metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    ) -> Self {
        Self(Arc::new(Inner {
            app,
            config,
            clock,
            metrics,
        }))
    }

    /// Application services.
    pub fn app(&self) -> &App<AnyStore> {
        &self.0.app
    }

    /// The store.
    pub fn store(&self) -> &AnyStore {
        self.0.app.store()
    }

    /// Configuration.
    pub fn config(&self) -> &WebConfig {
        &self.0.config
    }

    /// Now, by the state's clock.
    pub fn now(&self) -> Timestamp {
        self.0.clock.now()
    }

    /// The metrics handle.
    pub fn metrics(&self) -> Option<&metrics_exporter_prometheus::PrometheusHandle> {
        self.0.metrics.as_ref()
    }
}
