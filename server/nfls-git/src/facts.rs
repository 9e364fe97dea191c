//! Finding a repository for a file and reading its static facts (branch, HEAD, remote, upstream).

use std::path::{Component, Path, PathBuf};

use gix::bstr::ByteSlice;
use gix::remote::Direction;

use crate::{GitError, Result};

/// An opened repository with a work tree. Cheap to clone; `Send` (gix is built with `parallel`).
#[derive(Clone)]
pub struct Repo {
    pub(crate) inner: gix::Repository,
    /// The work tree, canonicalised once so that file paths can be related to it.
    pub(crate) root: PathBuf,
}

impl std::fmt::Debug for Repo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repo").field("root", &self.root).finish()
    }
}

impl Repo {
    /// The root of the work tree (canonical path).
    pub fn root(&self) -> &Path {
        &self.root
    }
}

/// The remote the language server compares against `gitops.repoUrl`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteFacts {
    /// Remote name, e.g. `origin`.
    pub name: String,
    /// Fetch URL as git would use it (after `insteadOf` rewriting), in the form it was written
    /// (`git@host:org/repo.git` stays in scp form).
    pub url: String,
}

/// The upstream of the current branch (`branch.<name>.remote` + `branch.<name>.merge`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upstream {
    /// Remote name (or URL, when `branch.<name>.remote` holds a URL).
    pub remote: String,
    /// The branch on the remote, full name, e.g. `refs/heads/main`.
    pub merge_ref: String,
    /// The local remote-tracking ref, e.g. `refs/remotes/origin/main`, when the remote's fetch
    /// refspecs map `merge_ref` to one.
    pub tracking_ref: Option<String>,
    /// Whether `tracking_ref` exists locally (false until the first fetch/push).
    pub tracking_ref_exists: bool,
}

/// Static facts about a repository and one file in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoFacts {
    /// Work-tree root (canonical path).
    pub root: PathBuf,
    /// Short name of the current branch; `None` when HEAD is detached. An unborn branch (no
    /// commit yet) still has a name.
    pub branch: Option<String>,
    /// Hex id of the commit HEAD points to; `None` on an unborn branch.
    pub head_commit: Option<String>,
    /// `origin`, else the alphabetically first remote, else `None`.
    pub remote: Option<RemoteFacts>,
    /// Upstream of the current branch, when configured.
    pub upstream: Option<Upstream>,
    /// The file's path relative to the root, `/`-separated with a leading `/` (the form of
    /// Northflank's `gitops.filePath`). `None` when no file was given or it lies outside the root.
    pub file_path: Option<String>,
}

/// Open the repository whose work tree contains `path` (a file or a directory; the file need not
/// exist yet, but its directory must).
pub fn discover(path: &Path) -> Result<Repo> {
    let start = if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let start = if start.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        start
    };
    let inner = gix::discover(&start).map_err(|err| GitError::NotARepository {
        path: path.to_path_buf(),
        message: err.to_string(),
    })?;
    let Some(workdir) = inner.workdir() else {
        return Err(GitError::Bare {
            path: inner.path().to_path_buf(),
        });
    };
    let root = workdir.canonicalize().map_err(|source| GitError::Io {
        path: workdir.to_path_buf(),
        source,
    })?;
    Ok(Repo { inner, root })
}

/// Read the facts of `repo`; `file` (absolute, or relative to the current directory) is turned
/// into Northflank's `filePath` form.
pub fn facts(repo: &Repo, file: Option<&Path>) -> Result<RepoFacts> {
    let r = &repo.inner;
    let head_name = r.head_name()?;
    let branch = head_name
        .as_ref()
        .map(|n| n.shorten().to_str_lossy().into_owned());
    let head_commit = match r.head_id() {
        Ok(id) => Some(id.to_string()),
        // An unborn branch has no commit; that is a fact, not an error.
        Err(_) if r.head()?.is_unborn() => None,
        Err(err) => return Err(err.into()),
    };
    let upstream = match &head_name {
        Some(name) => upstream_of(repo, name.as_ref())?,
        None => None,
    };
    Ok(RepoFacts {
        root: repo.root.clone(),
        branch,
        head_commit,
        remote: default_remote(repo)?,
        upstream,
        file_path: file.and_then(|f| file_path_in(&repo.root, f)),
    })
}

fn default_remote(repo: &Repo) -> Result<Option<RemoteFacts>> {
    let r = &repo.inner;
    let names = r.remote_names();
    // `remote_names` is a sorted set, so "first" is alphabetical: deterministic, unlike
    // configuration order, which depends on which config file declared the remote.
    let chosen = if names.iter().any(|n| n.to_str_lossy() == "origin") {
        Some("origin".to_owned())
    } else {
        names.iter().next().map(|n| n.to_str_lossy().into_owned())
    };
    let Some(name) = chosen else {
        return Ok(None);
    };
    let remote = r.find_remote(name.as_str())?;
    let url = remote
        .url(Direction::Fetch)
        .map(|u| u.to_bstring().to_str_lossy().into_owned());
    Ok(url.map(|url| RemoteFacts { name, url }))
}

fn upstream_of(repo: &Repo, branch: &gix::refs::FullNameRef) -> Result<Option<Upstream>> {
    let r = &repo.inner;
    let Some(merge_ref) = r.branch_remote_ref_name(branch, Direction::Fetch) else {
        return Ok(None);
    };
    let merge_ref = merge_ref?;
    let Some(remote) = r.branch_remote_name(branch.shorten(), Direction::Fetch) else {
        return Ok(None);
    };
    let tracking_ref = match r.branch_remote_tracking_ref_name(branch, Direction::Fetch) {
        Some(Ok(name)) => Some(name),
        // A remote without fetch refspecs (or given by URL) has no tracking ref: not an error.
        Some(Err(_)) | None => None,
    };
    let tracking_ref_exists = match &tracking_ref {
        Some(name) => r.try_find_reference(name.as_ref())?.is_some(),
        None => false,
    };
    Ok(Some(Upstream {
        remote: remote.as_bstr().to_str_lossy().into_owned(),
        merge_ref: merge_ref.as_bstr().to_str_lossy().into_owned(),
        tracking_ref: tracking_ref.map(|n| n.as_bstr().to_str_lossy().into_owned()),
        tracking_ref_exists,
    }))
}

/// `file` relative to `root` as `/a/b.json`. The file itself may not exist (an unsaved buffer),
/// so only its directory is canonicalised (that resolves symlinks such as macOS `/tmp`).
fn file_path_in(root: &Path, file: &Path) -> Option<String> {
    let abs = if file.is_absolute() {
        file.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(file)
    };
    let canonical = match abs.canonicalize() {
        Ok(c) => c,
        Err(_) => {
            let parent = abs.parent()?.canonicalize().ok()?;
            parent.join(abs.file_name()?)
        }
    };
    let rel = canonical.strip_prefix(root).ok()?;
    let mut out = String::new();
    for component in rel.components() {
        match component {
            Component::Normal(part) => {
                out.push('/');
                out.push_str(part.to_str()?);
            }
            _ => return None,
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_path_outside_root_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("a")).unwrap();
        assert_eq!(file_path_in(&root.join("a"), &root.join("b.json")), None);
        assert_eq!(
            file_path_in(&root, &root.join("a/new.json")).as_deref(),
            Some("/a/new.json")
        );
        assert_eq!(file_path_in(&root, &root), None);
    }
}
