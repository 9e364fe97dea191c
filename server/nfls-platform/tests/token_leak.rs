//! The API token never appears in error messages, `Debug` output, logs, paths, queries or
//! bodies, whatever the server does. A test binary of its own: `tracing` caches per-callsite
//! interest process-wide, so a thread-local capture subscriber is only reliable when no other
//! test runs concurrently.

#[path = "api/common.rs"]
mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use nfls_fake_api::{FakeApi, Fault};
use nfls_platform::*;

use crate::common::*;

/// A `tracing` writer that keeps everything in memory.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_token_never_leaks() {
    use tracing_subscriber::util::SubscriberInitExt;

    let capture = Capture::default();
    let writer = capture.clone();
    let _guard = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish()
        .set_default();

    let fake = FakeApi::start(seed()).await.unwrap();
    let token = fake.token().to_owned();
    let client = Client::new(config_for(&fake).with_timeout(Duration::from_millis(100))).unwrap();
    let echo = format!(
        r#"{{"error": {{"status": 400, "message": "bad header Bearer {token}", "details": {{"{token}": ["{token}"]}}}}}}"#
    );
    let faults = [
        Fault::Status(401),
        Fault::Status(403),
        Fault::Status(404),
        Fault::Status(500),
        Fault::RateLimit {
            retry_after: Some(3600),
            reset: None,
        },
        Fault::Delay(Duration::from_millis(300)),
        Fault::TruncatedJson,
        Fault::NonJson(200),
        Fault::DropConnection,
        Fault::Raw {
            status: 400,
            content_type: "application/json".into(),
            body: echo,
        },
        Fault::Raw {
            status: 200,
            content_type: format!("text/{token}"),
            body: "<html>".into(),
        },
    ];
    let mut outputs = vec![format!("{client:?}"), format!("{:?}", client.config())];
    for fault in faults {
        fake.clear_faults();
        fake.inject(fault);
        let err = client.get_template("web").await.unwrap_err();
        outputs.push(err.to_string());
        outputs.push(format!("{err:?}"));
    }
    fake.clear_faults();
    client
        .run_template("web", &RunTemplate::default())
        .await
        .unwrap();
    client.list_all_templates().await.unwrap();

    for text in &outputs {
        assert!(!text.contains(&token), "token leaked into: {text}");
    }
    assert!(outputs.iter().any(|t| t.contains("bad header Bearer ***")));

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("northflank api request"), "{logs}");
    assert!(!logs.contains(&token), "token leaked into the logs");

    let requests = fake.requests();
    assert!(requests.len() > 11);
    for r in &requests {
        assert!(r.authorized);
        assert!(!r.path.contains(&token));
        assert!(!r.query.as_deref().unwrap_or("").contains(&token));
        assert!(!r.body.contains(&token));
    }
}
