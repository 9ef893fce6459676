//! Logging: one tracing subscriber, filtered by `RUST_LOG` (default `info`), written to stderr.

use tracing_subscriber::{EnvFilter, fmt};

/// Installs the global subscriber; a second call is a no-op.
pub fn init(default_filter: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let _ = fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(false).try_init();
}
