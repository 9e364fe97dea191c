//! Real git repositories for tests, made with the `git` command line in a scrubbed environment
//! (no user or system configuration, fixed identities and dates, so commit ids are stable).
//! Shared by the CLI and editor end-to-end tests through `#[path = "…"] mod …;`, so every
//! includer uses only part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The variables that keep a developer's git configuration out of a test (for the server and
/// the binary as well as for `git` itself).
pub fn git_env(home: &Path) -> Vec<(String, String)> {
    vec![
        ("HOME".into(), home.display().to_string()),
        ("GIT_CONFIG_GLOBAL".into(), "/dev/null".into()),
        ("GIT_CONFIG_NOSYSTEM".into(), "1".into()),
    ]
}

/// Clears `command`'s environment down to `PATH`, [`git_env`], fixed identities and dates.
pub fn scrubbed(command: &mut Command, home: &Path) {
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(git_env(home))
        .env("GIT_AUTHOR_NAME", "Test Author")
        .env("GIT_AUTHOR_EMAIL", "author@example.com")
        .env("GIT_COMMITTER_NAME", "Test Committer")
        .env("GIT_COMMITTER_EMAIL", "committer@example.com")
        .env("GIT_AUTHOR_DATE", "2024-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-01-01T00:00:00Z");
}

/// Runs `git args` in `dir` (scrubbed, `home` as `HOME`) and returns its trimmed standard
/// output; panics with git's message when it fails.
pub fn git(home: &Path, dir: &Path, args: &[&str]) -> String {
    git_with(home, dir, args, &[])
}

/// [`git`] with extra environment variables.
pub fn git_with(home: &Path, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut command = Command::new("git");
    scrubbed(&mut command, home);
    let out = command
        .current_dir(dir)
        .envs(env.iter().copied())
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "tag.gpgsign=false",
            "-c",
            "core.quotepath=false",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// A temporary directory (`home`, also `HOME` for git) holding a work tree at `home/work`.
pub struct TempRepo {
    _tmp: tempfile::TempDir,
    pub home: PathBuf,
    pub root: PathBuf,
}

impl TempRepo {
    /// An empty repository on branch `main`.
    pub fn new() -> TempRepo {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().canonicalize().unwrap();
        let root = home.join("work");
        std::fs::create_dir(&root).unwrap();
        let repo = TempRepo {
            _tmp: tmp,
            home,
            root,
        };
        repo.git(&["init", "-q"]);
        repo
    }

    /// `git args` in the work tree.
    pub fn git(&self, args: &[&str]) -> String {
        git(&self.home, &self.root, args)
    }

    /// `git args` in `dir` (another clone, a bare repository).
    pub fn git_in(&self, dir: &Path, args: &[&str]) -> String {
        git(&self.home, dir, args)
    }

    /// Writes `rel` (creating its folders) in the work tree.
    pub fn write(&self, rel: &str, content: &str) {
        write(&self.root, rel, content);
    }

    /// Commits everything and returns the new HEAD.
    pub fn commit(&self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }

    /// Makes `home/<name>` an empty bare repository and returns its path.
    pub fn bare(&self, name: &str) -> PathBuf {
        self.git_in(&self.home, &["init", "-q", "--bare", name]);
        self.home.join(name)
    }

    /// Adds `origin` with `url`, records `origin/main` at HEAD as if fetched, and makes `main`
    /// track it.
    pub fn fake_origin(&self, url: &str) {
        self.git(&["remote", "add", "origin", url]);
        self.git(&["update-ref", "refs/remotes/origin/main", "HEAD"]);
        self.git(&["config", "branch.main.remote", "origin"]);
        self.git(&["config", "branch.main.merge", "refs/heads/main"]);
    }

    /// Every ref and what it points at, `HEAD` first: to show what a command changed.
    pub fn refs(&self) -> Vec<String> {
        let mut refs = vec![format!("HEAD {}", self.git(&["symbolic-ref", "HEAD"]))];
        refs.extend(
            self.git(&["for-each-ref", "--format=%(refname) %(objectname)"])
                .lines()
                .map(str::to_owned),
        );
        refs
    }
}

/// Writes `dir/rel`, creating its folders.
pub fn write(dir: &Path, rel: &str, content: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

/// An "ssh" program for `GIT_SSH_COMMAND` (with `GIT_SSH_VARIANT=simple`) that serves every
/// fetch from the bare repository `bare`, whatever host the remote URL names: a repository can
/// then keep a `git@github.com:…` remote (which the platform link needs) and still be fetched
/// for real. Written into `home`; returns its path.
pub fn local_ssh(home: &Path, bare: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = home.join("fake-ssh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\n# Ignores the host and command git asks for: serves {0} instead.\nexec git-upload-pack '{0}'\n",
            bare.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}
