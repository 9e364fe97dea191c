//! The server's log: `tracing` events to stderr (stdout is the protocol), filtered by
//! `NORTHFLANK_LSP_LOG`.
//!
//! The filter is tracing-subscriber's `Targets` (a level, or `target=level` directives), not
//! its `EnvFilter`: `EnvFilter` brings regex-automata's DFA builder into the build, and with it
//! every `pattern` of our schemas compiled to a full DFA, which cost start-up time.

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

/// tower-lsp-server traces every message it reads, settings (and so the API token) included:
/// its targets never log below `info`, whatever the filter says.
const GUARDED: &str = "tower_lsp_server";

/// Installs the stderr log with the filter from `NORTHFLANK_LSP_LOG`.
pub(crate) fn init() {
    let filter = filter(std::env::var("NORTHFLANK_LSP_LOG").ok().as_deref());
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(false),
        )
        .with(filter)
        .init();
}

/// The filter for a `NORTHFLANK_LSP_LOG` value: `warn` when it is unset or not a filter.
fn filter(spec: Option<&str>) -> Targets {
    let parsed: Targets = spec
        .and_then(|spec| spec.parse().ok())
        .unwrap_or_else(|| Targets::new().with_default(LevelFilter::WARN));
    let default = parsed.default_level().unwrap_or(LevelFilter::OFF);
    let mut filter = Targets::new().with_default(default);
    let mut guarded = false;
    for (target, level) in &parsed {
        let level = if target == GUARDED || target.starts_with("tower_lsp_server::") {
            guarded |= target == GUARDED;
            level.min(LevelFilter::INFO)
        } else {
            level
        };
        filter = filter.with_target(target, level);
    }
    if !guarded {
        filter = filter.with_target(GUARDED, default.min(LevelFilter::INFO));
    }
    filter
}

#[cfg(test)]
mod tests {
    use tracing::Level;
    use tracing_subscriber::filter::Targets;

    use super::filter;

    /// The most detailed level `filter` lets through for `target`, or `None`.
    fn finest(filter: &Targets, target: &str) -> Option<Level> {
        [
            Level::TRACE,
            Level::DEBUG,
            Level::INFO,
            Level::WARN,
            Level::ERROR,
        ]
        .into_iter()
        .find(|level| filter.would_enable(target, level))
    }

    #[test]
    fn unset_or_unreadable_is_warn() {
        for spec in [None, Some("=="), Some("northflank_lsp=loud")] {
            let filter = filter(spec);
            assert_eq!(
                finest(&filter, "northflank_lsp::server"),
                Some(Level::WARN),
                "{spec:?}"
            );
            assert_eq!(
                finest(&filter, "tower_lsp_server::service"),
                Some(Level::WARN),
                "{spec:?}"
            );
        }
    }

    #[test]
    fn a_level_applies_to_every_target() {
        let filter = filter(Some("debug"));
        assert_eq!(
            finest(&filter, "northflank_lsp::server"),
            Some(Level::DEBUG)
        );
        assert_eq!(finest(&filter, "hyper"), Some(Level::DEBUG));
        assert_eq!(finest(&filter, "tower_lsp_server"), Some(Level::INFO));
    }

    #[test]
    fn directives_name_targets_and_leave_the_rest_off() {
        let filter = filter(Some("northflank_lsp=debug,nfls_platform=trace"));
        assert_eq!(
            finest(&filter, "northflank_lsp::server::documents"),
            Some(Level::DEBUG)
        );
        assert_eq!(finest(&filter, "nfls_platform::client"), Some(Level::TRACE));
        assert_eq!(finest(&filter, "hyper"), None);
        assert_eq!(finest(&filter, "tower_lsp_server::service"), None);
    }

    #[test]
    fn tower_lsp_server_never_logs_below_info() {
        for spec in [
            "trace",
            "tower_lsp_server=trace",
            "tower_lsp_server::service::layers=trace",
            "warn,tower_lsp_server=debug,tower_lsp_server::service=trace",
        ] {
            let filter = filter(Some(spec));
            for target in ["tower_lsp_server", "tower_lsp_server::service::layers"] {
                assert!(
                    !filter.would_enable(target, &Level::DEBUG),
                    "{spec}: {target} logs at debug"
                );
            }
        }
        let filter = filter(Some("tower_lsp_server::service::layers=trace"));
        assert_eq!(
            finest(&filter, "tower_lsp_server::service::layers"),
            Some(Level::INFO)
        );
    }
}
