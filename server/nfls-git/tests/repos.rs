//! Tests against real repositories built with the `git` command line in temporary directories.

use std::path::{Path, PathBuf};

use nfls_git::{
    Change, ChangeKind, GitError, PendingPush, Repo, blob_at, commit_changes, discover, facts,
    pending_push, range_changes, working_tree_changes,
};

#[path = "../../../tests/support/git.rs"]
mod git_support;

use git_support::write;

/// Scrubbed git (see the shared module) with `dir` as `HOME`.
fn git(dir: &Path, args: &[&str]) -> String {
    git_support::git(dir, dir, args)
}

fn commit_all(dir: &Path, message: &str) -> String {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
    git(dir, &["rev-parse", "HEAD"])
}

/// A fresh repository with one committed template.
fn new_repo() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("work");
    std::fs::create_dir(&dir).unwrap();
    git(&dir, &["init", "-q"]);
    write(
        &dir,
        "platform/template.json",
        "{\"apiVersion\": \"v1.2\"}\n",
    );
    commit_all(&dir, "initial template");
    (tmp, dir)
}

fn change(kind: ChangeKind, path: &str) -> Change {
    Change {
        kind,
        path: path.to_owned(),
        old_path: None,
    }
}

fn renamed(from: &str, to: &str) -> Change {
    Change {
        kind: ChangeKind::Renamed,
        path: to.to_owned(),
        old_path: Some(from.to_owned()),
    }
}

/// A body long enough that small edits keep it above the 50 % rename similarity.
fn long_text(tag: &str) -> String {
    (0..40)
        .map(|i| format!("line {i} of a fairly long file\n"))
        .collect::<String>()
        + tag
}

#[test]
fn repo_is_send_for_spawn_blocking() {
    fn assert_send<T: Send + 'static>() {}
    assert_send::<Repo>();
}

#[test]
fn https_remote_facts() {
    let (_tmp, dir) = new_repo();
    git(
        &dir,
        &["remote", "add", "origin", "https://github.com/org/repo.git"],
    );
    let head = git(&dir, &["rev-parse", "HEAD"]);
    let file = dir.join("platform/template.json");
    let repo = discover(&file).unwrap();
    let f = facts(&repo, Some(&file)).unwrap();
    assert_eq!(f.root, dir.canonicalize().unwrap());
    assert_eq!(f.branch.as_deref(), Some("main"));
    assert_eq!(f.head_commit.as_deref(), Some(head.as_str()));
    let remote = f.remote.unwrap();
    assert_eq!(remote.name, "origin");
    assert_eq!(remote.url, "https://github.com/org/repo.git");
    assert_eq!(f.upstream, None);
    assert_eq!(f.file_path.as_deref(), Some("/platform/template.json"));
}

#[test]
fn ssh_remote_keeps_scp_form() {
    let (_tmp, dir) = new_repo();
    git(
        &dir,
        &["remote", "add", "origin", "git@github.com:org/repo.git"],
    );
    let repo = discover(&dir).unwrap();
    let remote = facts(&repo, None).unwrap().remote.unwrap();
    assert_eq!(remote.url, "git@github.com:org/repo.git");
}

#[test]
fn without_origin_the_alphabetically_first_remote_is_used() {
    let (_tmp, dir) = new_repo();
    git(
        &dir,
        &["remote", "add", "upstream", "https://gitlab.com/b/repo"],
    );
    git(
        &dir,
        &["remote", "add", "backup", "https://gitlab.com/a/repo"],
    );
    let repo = discover(&dir).unwrap();
    let remote = facts(&repo, None).unwrap().remote.unwrap();
    assert_eq!(remote.name, "backup");
    assert_eq!(remote.url, "https://gitlab.com/a/repo");
}

#[test]
fn no_remote_and_a_not_yet_saved_file_in_a_subdirectory() {
    let (_tmp, dir) = new_repo();
    let file = dir.join("platform/new-flow.json");
    let repo = discover(&file).unwrap();
    let f = facts(&repo, Some(&file)).unwrap();
    assert_eq!(f.remote, None);
    assert_eq!(f.file_path.as_deref(), Some("/platform/new-flow.json"));
}

#[test]
fn discover_outside_any_repository_fails_with_the_path() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("loose.json");
    match discover(&file) {
        Err(GitError::NotARepository { path, .. }) => assert_eq!(path, file),
        other => panic!("expected NotARepository, got {other:?}"),
    }
}

#[test]
fn bare_repository_is_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    git(tmp.path(), &["init", "-q", "--bare", "up.git"]);
    let err = discover(&tmp.path().join("up.git")).unwrap_err();
    assert!(matches!(err, GitError::Bare { .. }), "{err:?}");
    assert!(err.to_string().contains("is bare"), "{err}");
}

#[test]
fn detached_head_has_no_branch() {
    let (_tmp, dir) = new_repo();
    let head = git(&dir, &["rev-parse", "HEAD"]);
    git(&dir, &["checkout", "-q", "--detach"]);
    let repo = discover(&dir).unwrap();
    let f = facts(&repo, None).unwrap();
    assert_eq!(f.branch, None);
    assert_eq!(f.head_commit.as_deref(), Some(head.as_str()));
    assert_eq!(pending_push(&repo).unwrap(), PendingPush::Detached);
}

#[test]
fn unborn_branch_has_a_name_but_no_commit() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    git(dir, &["init", "-q"]);
    write(dir, "template.json", "{}\n");
    let repo = discover(dir).unwrap();
    let f = facts(&repo, None).unwrap();
    assert_eq!(f.branch.as_deref(), Some("main"));
    assert_eq!(f.head_commit, None);
    assert_eq!(
        working_tree_changes(&repo).unwrap(),
        vec![change(ChangeKind::Added, "template.json")]
    );
}

#[test]
fn root_commit_is_compared_with_the_empty_tree() {
    let (_tmp, dir) = new_repo();
    let repo = discover(&dir).unwrap();
    let info = commit_changes(&repo, "HEAD").unwrap();
    assert_eq!(info.message, "initial template\n");
    assert_eq!(info.id, git(&dir, &["rev-parse", "HEAD"]));
    // Only the file: the `platform` directory entry is not reported.
    assert_eq!(
        info.changes,
        vec![change(ChangeKind::Added, "platform/template.json")]
    );
}

#[test]
fn rename_with_git_mv_and_an_edit_is_one_renamed_change() {
    let (_tmp, dir) = new_repo();
    write(&dir, "a/flow.json", &long_text("v1\n"));
    commit_all(&dir, "add flow");
    std::fs::create_dir(dir.join("b")).unwrap();
    git(&dir, &["mv", "a/flow.json", "b/release-flow.json"]);
    write(&dir, "b/release-flow.json", &long_text("v2\n"));
    commit_all(&dir, "move flow");
    let repo = discover(&dir).unwrap();
    let info = commit_changes(&repo, "HEAD").unwrap();
    assert_eq!(
        info.changes,
        vec![renamed("a/flow.json", "b/release-flow.json")]
    );
    assert_eq!(
        info.changes[0].paths().collect::<Vec<_>>(),
        vec!["a/flow.json", "b/release-flow.json"]
    );
}

#[test]
fn deletion_modification_and_type_change() {
    let (_tmp, dir) = new_repo();
    write(&dir, "gone.json", "{}\n");
    write(&dir, "link.json", "plain file\n");
    commit_all(&dir, "add files");
    std::fs::remove_file(dir.join("gone.json")).unwrap();
    write(&dir, "platform/template.json", "{\"apiVersion\": \"v1\"}\n");
    std::fs::remove_file(dir.join("link.json")).unwrap();
    std::os::unix::fs::symlink("platform/template.json", dir.join("link.json")).unwrap();
    commit_all(&dir, "delete, edit, retype");
    let repo = discover(&dir).unwrap();
    let info = commit_changes(&repo, "HEAD").unwrap();
    assert_eq!(
        info.changes,
        vec![
            change(ChangeKind::Deleted, "gone.json"),
            change(ChangeKind::TypeChanged, "link.json"),
            change(ChangeKind::Modified, "platform/template.json"),
        ]
    );
}

#[test]
fn unknown_revision_is_reported_by_name() {
    let (_tmp, dir) = new_repo();
    let repo = discover(&dir).unwrap();
    let err = commit_changes(&repo, "no-such-branch").unwrap_err();
    assert_eq!(
        err.to_string(),
        "`no-such-branch` does not name a commit in this repository"
    );
}

#[test]
fn multi_commit_range_has_union_net_and_messages_in_push_order() {
    let (_tmp, dir) = new_repo();
    let base = git(&dir, &["rev-parse", "HEAD"]);
    write(&dir, "tmp/scratch.txt", "temporary\n");
    commit_all(&dir, "add scratch");
    write(
        &dir,
        "platform/template.json",
        "{\"apiVersion\": \"v1.2\", \"name\": \"x\"}\n",
    );
    commit_all(&dir, "edit template [skip ci]");
    std::fs::remove_file(dir.join("tmp/scratch.txt")).unwrap();
    commit_all(&dir, "drop scratch");
    let repo = discover(&dir).unwrap();
    let range = range_changes(&repo, &base, "HEAD").unwrap();
    assert_eq!(range.base, base);
    let messages: Vec<_> = range.commits.iter().map(|c| c.message.as_str()).collect();
    assert_eq!(
        messages,
        vec![
            "add scratch\n",
            "edit template [skip ci]\n",
            "drop scratch\n"
        ]
    );
    assert_eq!(
        range.union_paths,
        vec!["platform/template.json", "tmp/scratch.txt"]
    );
    // The scratch file came and went inside the range: only the template differs end to end.
    assert_eq!(
        range.net,
        vec![change(ChangeKind::Modified, "platform/template.json")]
    );
    assert_eq!(
        range.commits[2].changes,
        vec![change(ChangeKind::Deleted, "tmp/scratch.txt")]
    );
}

#[test]
fn range_union_counts_both_sides_of_a_rename() {
    let (_tmp, dir) = new_repo();
    let base = git(&dir, &["rev-parse", "HEAD"]);
    std::fs::create_dir(dir.join("nf")).unwrap();
    git(&dir, &["mv", "platform/template.json", "nf/template.json"]);
    commit_all(&dir, "move");
    let repo = discover(&dir).unwrap();
    let range = range_changes(&repo, &base, "HEAD").unwrap();
    assert_eq!(
        range.union_paths,
        vec!["nf/template.json", "platform/template.json"]
    );
    assert_eq!(
        range.net,
        vec![renamed("platform/template.json", "nf/template.json")]
    );
}

#[test]
fn push_to_bare_upstream_then_read_blobs_and_pending_push() {
    let (tmp, dir) = new_repo();
    let bare = tmp.path().join("up.git");
    git(tmp.path(), &["init", "-q", "--bare", "up.git"]);
    git(&dir, &["remote", "add", "origin", bare.to_str().unwrap()]);
    git(&dir, &["push", "-q", "-u", "origin", "main"]);

    let repo = discover(&dir).unwrap();
    let f = facts(&repo, None).unwrap();
    let upstream = f.upstream.clone().unwrap();
    assert_eq!(upstream.remote, "origin");
    assert_eq!(upstream.merge_ref, "refs/heads/main");
    assert_eq!(
        upstream.tracking_ref.as_deref(),
        Some("refs/remotes/origin/main")
    );
    assert!(upstream.tracking_ref_exists);

    assert_eq!(
        blob_at(&repo, "origin/main:platform/template.json").unwrap(),
        Some(b"{\"apiVersion\": \"v1.2\"}\n".to_vec())
    );
    // A leading slash (Northflank's filePath form) is accepted.
    assert!(
        blob_at(&repo, "origin/main:/platform/template.json")
            .unwrap()
            .is_some()
    );
    assert_eq!(
        blob_at(&repo, "origin/main:platform/missing.json").unwrap(),
        None
    );
    assert_eq!(
        blob_at(&repo, "origin/main:platform").unwrap(),
        None,
        "a directory"
    );
    assert_eq!(
        blob_at(&repo, "origin/nope:platform/template.json").unwrap(),
        None
    );
    assert_eq!(blob_at(&repo, "no colon").unwrap(), None);

    // Everything is pushed: an empty range.
    match pending_push(&repo).unwrap() {
        PendingPush::Commits { range, .. } => {
            assert!(range.commits.is_empty());
            assert!(range.net.is_empty());
        }
        other => panic!("expected Commits, got {other:?}"),
    }

    write(
        &dir,
        "platform/template.json",
        "{\"apiVersion\": \"v1.2\", \"v\": 2}\n",
    );
    commit_all(&dir, "second");
    write(&dir, "README.md", "docs\n");
    commit_all(&dir, "third");
    // The remote-tracking ref has not moved: the old content is still what the remote has.
    assert_eq!(
        blob_at(&repo, "origin/main:platform/template.json").unwrap(),
        Some(b"{\"apiVersion\": \"v1.2\"}\n".to_vec())
    );
    match pending_push(&repo).unwrap() {
        PendingPush::Commits { upstream: u, range } => {
            assert_eq!(u, upstream);
            let messages: Vec<_> = range.commits.iter().map(|c| c.message.as_str()).collect();
            assert_eq!(messages, vec!["second\n", "third\n"]);
            assert_eq!(
                range.union_paths,
                vec!["README.md", "platform/template.json"]
            );
        }
        other => panic!("expected Commits, got {other:?}"),
    }

    git(&dir, &["push", "-q"]);
    assert_eq!(
        blob_at(&repo, "origin/main:platform/template.json").unwrap(),
        Some(b"{\"apiVersion\": \"v1.2\", \"v\": 2}\n".to_vec())
    );
}

#[test]
fn pending_push_without_upstream_or_before_first_fetch() {
    let (_tmp, dir) = new_repo();
    let repo = discover(&dir).unwrap();
    assert_eq!(
        pending_push(&repo).unwrap(),
        PendingPush::NoUpstream {
            branch: "main".to_owned()
        }
    );
    git(
        &dir,
        &["remote", "add", "origin", "https://github.com/org/repo"],
    );
    git(&dir, &["config", "branch.main.remote", "origin"]);
    git(&dir, &["config", "branch.main.merge", "refs/heads/main"]);
    let repo = discover(&dir).unwrap();
    match pending_push(&repo).unwrap() {
        PendingPush::UpstreamNotFetched { upstream } => {
            assert_eq!(
                upstream.tracking_ref.as_deref(),
                Some("refs/remotes/origin/main")
            );
            assert!(!upstream.tracking_ref_exists);
        }
        other => panic!("expected UpstreamNotFetched, got {other:?}"),
    }
}

#[test]
fn working_tree_as_next_commit() {
    let (_tmp, dir) = new_repo();
    write(&dir, ".gitignore", "*.log\n");
    write(&dir, "old/flow.json", &long_text("flow\n"));
    write(&dir, "staged-move/a.json", &long_text("a\n"));
    // Content unlike anything added below, so that it is not paired as a rename.
    write(&dir, "delete-me.json", "{\"obsolete\": true}\n");
    commit_all(&dir, "setup");

    // Modified but not staged.
    write(
        &dir,
        "platform/template.json",
        "{\"apiVersion\": \"v1.2\", \"edited\": true}\n",
    );
    // Staged new file.
    write(&dir, "new/staged.json", "{}\n");
    git(&dir, &["add", "new/staged.json"]);
    // Untracked and ignored files.
    write(&dir, "new/untracked.json", "{}\n");
    write(&dir, "debug.log", "noise\n");
    // Deleted on disk without telling git.
    std::fs::remove_file(dir.join("delete-me.json")).unwrap();
    // Renamed on disk only: shows up as deletion + untracked file, paired by similarity.
    std::fs::create_dir_all(dir.join("moved")).unwrap();
    std::fs::rename(dir.join("old/flow.json"), dir.join("moved/flow.json")).unwrap();
    // Renamed through the index.
    git(&dir, &["mv", "staged-move/a.json", "staged-move/b.json"]);

    let repo = discover(&dir).unwrap();
    let changes = working_tree_changes(&repo).unwrap();
    assert_eq!(
        changes,
        vec![
            change(ChangeKind::Deleted, "delete-me.json"),
            renamed("old/flow.json", "moved/flow.json"),
            change(ChangeKind::Added, "new/staged.json"),
            change(ChangeKind::Added, "new/untracked.json"),
            change(ChangeKind::Modified, "platform/template.json"),
            renamed("staged-move/a.json", "staged-move/b.json"),
        ]
    );
}

#[test]
fn staged_then_reverted_on_disk_is_not_a_change() {
    let (_tmp, dir) = new_repo();
    let original = std::fs::read_to_string(dir.join("platform/template.json")).unwrap();
    write(&dir, "platform/template.json", "{\"staged\": 1}\n");
    git(&dir, &["add", "-A"]);
    write(&dir, "platform/template.json", &original);
    let repo = discover(&dir).unwrap();
    assert_eq!(working_tree_changes(&repo).unwrap(), Vec::<Change>::new());
}

#[test]
fn reading_facts_and_changes_does_not_modify_the_repository() {
    let (_tmp, dir) = new_repo();
    write(&dir, "platform/template.json", "{\"edited\": true}\n");
    write(&dir, "untracked.json", "{}\n");
    let before = snapshot(&dir.join(".git"));
    let repo = discover(&dir).unwrap();
    facts(&repo, Some(&dir.join("platform/template.json"))).unwrap();
    working_tree_changes(&repo).unwrap();
    commit_changes(&repo, "HEAD").unwrap();
    pending_push(&repo).unwrap();
    blob_at(&repo, "HEAD:platform/template.json").unwrap();
    assert_eq!(snapshot(&dir.join(".git")), before);
}

/// Every file under `dir` with its size and modification time.
fn snapshot(dir: &Path) -> Vec<(PathBuf, u64, std::time::SystemTime)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let entry = entry.unwrap();
            let meta = entry.metadata().unwrap();
            if meta.is_dir() {
                stack.push(entry.path());
            } else {
                out.push((entry.path(), meta.len(), meta.modified().unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn unicode_file_names() {
    let (_tmp, dir) = new_repo();
    write(&dir, "données/modèle-été.json", "{}\n");
    write(&dir, "日本/テンプレート.json", "{}\n");
    commit_all(&dir, "unicode");
    let repo = discover(&dir).unwrap();
    let info = commit_changes(&repo, "HEAD").unwrap();
    assert_eq!(
        info.changes,
        vec![
            change(ChangeKind::Added, "données/modèle-été.json"),
            change(ChangeKind::Added, "日本/テンプレート.json"),
        ]
    );
    let file = dir.join("données/modèle-été.json");
    let f = facts(&repo, Some(&file)).unwrap();
    assert_eq!(f.file_path.as_deref(), Some("/données/modèle-été.json"));
    assert_eq!(
        blob_at(&repo, "HEAD:日本/テンプレート.json").unwrap(),
        Some(b"{}\n".to_vec())
    );
    write(&dir, "日本/新しい.json", "{}\n");
    assert_eq!(
        working_tree_changes(&repo).unwrap(),
        vec![change(ChangeKind::Added, "日本/新しい.json")]
    );
}
