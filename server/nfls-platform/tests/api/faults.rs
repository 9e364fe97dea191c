//! Injected faults: exact messages, retry counts (from the fake's request log), cancellation,
//! and the token never leaking into errors, logs or requests.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use nfls_fake_api::{FakeApi, Fault, Route};
use nfls_platform::*;
use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn rejected_token_gives_401_message_without_retry() {
    let fake = FakeApi::start(seed()).await.unwrap();
    let client = Client::new(
        ClientConfig::new(Token::new("not-the-token"))
            .with_base_url(fake.base_url())
            .with_retry(fast_retry()),
    )
    .unwrap();
    let err = client.get_template("web").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the API token was rejected: create a new one in Team settings → API → Tokens"
    );
    assert_eq!(err.status(), Some(401));
    assert_eq!(fake.request_count(Route::GetTemplate), 1);
    assert!(!fake.requests()[0].authorized);

    // The same message when the server itself answers 401 to a valid token.
    let client = client_for(&fake);
    fake.inject(Fault::Status(401).on(Route::ListTemplates));
    let err = client.list_all_templates().await.unwrap_err();
    assert!(matches!(
        err,
        ApiError::Unauthorized {
            request_id: Some(_)
        }
    ));
}

#[tokio::test]
async fn forbidden_names_the_permission() {
    let (fake, client) = start().await;
    fake.deny(Route::GetTemplate);
    let err = client.get_template("web").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the API token may not get template `web`: give its API role the permission `Account > Templates > General > Read`"
    );
    let ApiError::Forbidden { server_message, .. } = &err else {
        panic!("expected Forbidden, got {err:?}");
    };
    assert_eq!(
        server_message.as_deref(),
        Some("Forbidden: missing permission Account > Templates > General > Read")
    );

    fake.deny(Route::RunReleaseFlow);
    let key = ReleaseFlowKey::new("shop", "main-pipeline", "Development");
    let err = client
        .run_release_flow(&key, &RunReleaseFlow::default())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the API token may not run the release flow of stage `Development` in pipeline `main-pipeline` of project `shop`: give its API role the permission `Project > Pipelines > General > Update`"
    );
    fake.deny(Route::ListBranches);
    let repo = RepoKey {
        vcs_service: VcsService::Github,
        owner: "acme".into(),
        name: "platform".into(),
    };
    let err = client.list_all_branches(&repo, None).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the API token may not list the branches of repository `acme/platform` on github: give its API role the permission `Account > Git > General > Read`"
    );
    assert!(
        fake.release_flow_runs("shop", "main-pipeline", "Development")
            .is_empty()
    );
    assert_eq!(fake.request_count(Route::GetTemplate), 1);

    fake.allow(Route::GetTemplate);
    assert!(client.get_template("web").await.is_ok());
}

#[tokio::test]
async fn not_found_names_the_object() {
    let (fake, client) = start().await;
    let cases = [
        (
            client.get_template("nope").await.unwrap_err(),
            "template `nope` was not found",
        ),
        (
            client.get_template_run("web", "r-1").await.unwrap_err(),
            "run `r-1` of template `web` was not found",
        ),
        (
            client
                .get_release_flow(&ReleaseFlowKey::new("shop", "main-pipeline", "Staging"))
                .await
                .unwrap_err(),
            "the release flow of stage `Staging` in pipeline `main-pipeline` of project `shop` was not found",
        ),
        (
            client
                .get_preview_template(&PipelineKey::new("shop", "empty-pipeline"))
                .await
                .unwrap_err(),
            "the preview template of pipeline `empty-pipeline` in project `shop` was not found",
        ),
        (
            client.list_all_pipelines("nowhere").await.unwrap_err(),
            "project `nowhere` was not found",
        ),
        (
            client.get_workflow("shop", "ghost").await.unwrap_err(),
            "workflow `ghost` in project `shop` was not found",
        ),
    ];
    for (err, expected) in &cases {
        assert_eq!(err.to_string(), *expected);
        assert_eq!(err.status(), Some(404));
    }
    assert_eq!(fake.requests().len(), cases.len(), "404s are not retried");
}

#[tokio::test]
async fn server_errors_are_retried_then_succeed() {
    let (fake, client) = start().await;
    fake.inject(Fault::Status(500).times(2).on(Route::GetTemplate));
    let web = client.get_template("web").await.unwrap();
    assert_eq!(web.id, "web");
    let statuses: Vec<Option<u16>> = fake.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(500), Some(500), Some(200)]);
}

#[tokio::test]
async fn server_errors_give_up_after_the_retry_bound() {
    let (fake, client) = start().await;
    fake.inject(Fault::Status(503).on(Route::GetTemplate));
    let started = Instant::now();
    let err = client.get_template("web").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the Northflank API failed to get template `web` with HTTP 503: Service unavailable (3 attempts)"
    );
    assert_eq!(fake.request_count(Route::GetTemplate), 3);
    // Backoff 5 ms then 10 ms: bounded and short with these settings.
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn runs_are_not_retried_after_a_server_error() {
    let (fake, client) = start().await;
    fake.inject(Fault::Status(500).times(1).on(Route::RunTemplate));
    let err = client
        .run_template("web", &RunTemplate::default())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the Northflank API failed to run template `web` with HTTP 500: Internal server error (1 attempt)"
    );
    assert_eq!(fake.request_count(Route::RunTemplate), 1);
    assert!(fake.template_runs("web").is_empty());
}

#[tokio::test]
async fn rate_limit_with_short_retry_after_is_waited_out() {
    let (fake, client) = start().await;
    fake.inject(
        Fault::RateLimit {
            retry_after: Some(0),
            reset: None,
        }
        .times(1),
    );
    client.get_template("web").await.unwrap();
    assert_eq!(fake.request_count(Route::GetTemplate), 2);

    // A 429 means the request was not acted on, so even a run is retried — and runs once.
    fake.inject(
        Fault::RateLimit {
            retry_after: Some(0),
            reset: None,
        }
        .times(1)
        .on(Route::RunTemplate),
    );
    client
        .run_template("web", &RunTemplate::default())
        .await
        .unwrap();
    assert_eq!(fake.request_count(Route::RunTemplate), 2);
    assert_eq!(fake.template_runs("web").len(), 1);
}

#[tokio::test]
async fn rate_limit_with_a_long_wait_fails_at_once() {
    let (fake, client) = start().await;
    fake.inject(Fault::RateLimit {
        retry_after: Some(3600),
        reset: None,
    });
    let err = client.list_all_templates().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the Northflank API rate limit was hit while trying to list templates (1 attempt): try again in 3600 s"
    );
    assert_eq!(fake.requests().len(), 1);

    // `x-ratelimit-reset` as a Unix time is honoured the same way.
    fake.clear_faults();
    let reset = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 600;
    fake.inject(Fault::RateLimit {
        retry_after: None,
        reset: Some(reset),
    });
    let err = client.get_template("web").await.unwrap_err();
    let ApiError::RateLimited {
        retry_after: Some(wait),
        attempts: 1,
        ..
    } = err
    else {
        panic!("expected a rate-limit error, got {err:?}");
    };
    assert!((Duration::from_secs(598)..=Duration::from_secs(600)).contains(&wait));
}

#[tokio::test]
async fn rate_limit_that_persists_exhausts_the_retries() {
    let (fake, client) = start().await;
    fake.inject(Fault::RateLimit {
        retry_after: Some(0),
        reset: None,
    });
    let err = client.get_template("web").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the Northflank API rate limit was hit while trying to get template `web` (3 attempts): try again in 0 ms"
    );
    assert_eq!(fake.request_count(Route::GetTemplate), 3);
}

#[tokio::test]
async fn slow_responses_time_out_and_are_retried() {
    let fake = FakeApi::start(seed()).await.unwrap();
    let client = Client::new(config_for(&fake).with_timeout(Duration::from_millis(100))).unwrap();

    fake.inject(Fault::Delay(Duration::from_millis(400)).times(1));
    assert_eq!(client.get_template("web").await.unwrap().id, "web");
    assert_eq!(fake.request_count(Route::GetTemplate), 2);

    fake.clear_requests();
    fake.inject(Fault::Delay(Duration::from_millis(400)));
    let err = client.get_template("web").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the request to get template `web` timed out after 100 ms (3 attempts)"
    );
    assert_eq!(fake.request_count(Route::GetTemplate), 3);
}

#[tokio::test]
async fn truncated_json_is_a_clear_error() {
    let (fake, client) = start().await;
    let full = serde_json::to_vec(&json!({"data": fake.template("web").unwrap()})).unwrap();
    fake.inject(Fault::TruncatedJson.times(1).on(Route::GetTemplate));
    let err = client.get_template("web").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "the Northflank API sent an unreadable response to get template `web` (HTTP 200): the JSON body ends early (truncated after {} bytes)",
            full.len() / 2
        )
    );
    assert_eq!(fake.request_count(Route::GetTemplate), 1);
}

#[tokio::test]
async fn non_json_bodies_are_clear_errors() {
    let (fake, client) = start().await;
    fake.inject(Fault::NonJson(200).times(1));
    let err = client.list_all_templates().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the Northflank API sent an unreadable response to list templates (HTTP 200): expected JSON but got `text/html`"
    );
    assert_eq!(fake.requests().len(), 1);

    // A proxy's HTML error page on 502 is a server error: retried, then reported.
    fake.inject(Fault::NonJson(502));
    let err = client.get_template("web").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the Northflank API failed to get template `web` with HTTP 502 (3 attempts)"
    );
    assert_eq!(fake.request_count(Route::GetTemplate), 3);

    // JSON of the wrong shape is reported, not a panic.
    fake.clear_faults();
    fake.inject(Fault::Raw {
        status: 200,
        content_type: "application/json".into(),
        body: r#"{"data": {"id": 7}}"#.into(),
    });
    let err = client.get_template("web").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the Northflank API sent an unreadable response to get template `web` (HTTP 200): unexpected shape: invalid type: integer `7`, expected a string"
    );
}

#[tokio::test]
async fn dropped_connections_are_retried_then_reported() {
    let (fake, client) = start().await;
    fake.inject(Fault::DropConnection.times(1).on(Route::GetTemplate));
    assert_eq!(client.get_template("web").await.unwrap().id, "web");
    assert_eq!(fake.request_count(Route::GetTemplate), 2);

    fake.inject(Fault::DropConnection.on(Route::GetTemplate));
    fake.clear_requests();
    let err = client.get_template("web").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "could not reach the Northflank API to get template `web` (3 attempts): the connection closed before the whole response arrived"
    );
    assert_eq!(fake.request_count(Route::GetTemplate), 3);
}

#[tokio::test]
async fn refused_connections_are_retried_then_reported() {
    // Bind and drop a listener to find a port nothing listens on.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = Client::new(
        ClientConfig::new(Token::new("t"))
            .with_base_url(format!("http://127.0.0.1:{port}"))
            .with_retry(fast_retry()),
    )
    .unwrap();
    let err = client.get_template("web").await.unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("could not reach the Northflank API to get template `web` (3 attempts): the connection could not be opened"),
        "{text}"
    );
}

#[tokio::test]
async fn validation_errors_show_the_server_message() {
    let (_fake, client) = start().await;
    let key = ReleaseFlowKey::new("shop", "main-pipeline", "Development");
    let err = client
        .update_release_flow(&key, &json!({"apiVersion": "v1.2"}))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the Northflank API refused to update the release flow of stage `Development` in pipeline `main-pipeline` of project `shop` (HTTP 400): validation error"
    );
    let ApiError::Rejected { details, .. } = err else {
        panic!("expected Rejected");
    };
    assert_eq!(
        details,
        Some(json!({"body": ["`spec` is required and must be an object"]}))
    );

    let err = client
        .create_template(&CreateTemplate::Document(
            json!({"name": "Web", "apiVersion": "v1.2", "spec": {}}),
        ))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the Northflank API refused to create template `Web` (HTTP 409): a template with the id `web` already exists"
    );
}

#[tokio::test]
async fn dropping_the_future_cancels_the_request() {
    let (fake, client) = start().await;
    fake.inject(
        Fault::Delay(Duration::from_secs(5))
            .times(1)
            .on(Route::GetTemplate),
    );
    let started = Instant::now();
    let outcome =
        tokio::time::timeout(Duration::from_millis(100), client.get_template("web")).await;
    assert!(outcome.is_err(), "the slow call was still pending");
    assert!(started.elapsed() < Duration::from_secs(1));

    // The server sees the connection go away and abandons the request.
    let deadline = Instant::now() + Duration::from_secs(2);
    while !fake.requests()[0].abandoned && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let first = &fake.requests()[0];
    assert!(first.abandoned, "{first:?}");
    assert_eq!(first.status, None);

    // Nothing keeps running in the background, and the client still works.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(fake.request_count(Route::GetTemplate), 1);
    assert_eq!(client.get_template("web").await.unwrap().id, "web");
}
