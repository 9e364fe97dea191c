//! Repository URL normalisation, so that `git@github.com:Org/Repo.git` and
//! `https://github.com/org/repo` compare equal.

/// Reduce a repository URL to `host/path`, lower-cased, without scheme, user, port, `www.`,
/// trailing `.git` or `/`. Azure DevOps SSH URLs (`git@ssh.dev.azure.com:v3/org/project/repo`)
/// become the HTTPS form (`dev.azure.com/org/project/repo`, with `_git/` dropped).
///
/// Lower-casing the path is a choice: GitHub, GitLab and Bitbucket treat owner and repository
/// names case-insensitively, and the remote URL is typed by hand more often than not.
pub fn normalize_repo_url(url: &str) -> String {
    let s = url.trim();
    let (rest, scp_like) = match s.find("://") {
        Some(i) => (&s[i + 3..], false),
        None => (s, true),
    };
    // Drop `user@` / `user:password@` (only before the first `/`).
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let rest = match rest[..authority_end].rfind('@') {
        Some(at) => &rest[at + 1..],
        None => rest,
    };
    let (host, path) = if scp_like {
        // `host:path` (scp form) or a bare `host/path`.
        match (rest.find(':'), rest.find('/')) {
            (Some(c), Some(sl)) if c < sl => (&rest[..c], &rest[c + 1..]),
            (Some(c), None) => (&rest[..c], &rest[c + 1..]),
            _ => split_host(rest),
        }
    } else {
        let (host, path) = split_host(rest);
        // Strip a port.
        (host.split(':').next().unwrap_or(host), path)
    };
    let mut host = host.to_ascii_lowercase();
    if let Some(h) = host.strip_prefix("www.") {
        host = h.to_owned();
    }
    let mut path = path.trim_matches('/').to_lowercase();
    if let Some(p) = path.strip_suffix(".git") {
        path = p.trim_end_matches('/').to_owned();
    }
    if host == "ssh.dev.azure.com" || host == "vs-ssh.visualstudio.com" {
        host = "dev.azure.com".to_owned();
        if let Some(p) = path.strip_prefix("v3/") {
            path = p.to_owned();
        }
    }
    if host == "dev.azure.com" {
        path = path.replace("/_git/", "/");
    }
    if path.is_empty() {
        host
    } else {
        format!("{host}/{path}")
    }
}

fn split_host(rest: &str) -> (&str, &str) {
    match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::normalize_repo_url as n;

    #[test]
    fn forms_of_one_github_repository_agree() {
        let want = "github.com/org/repo";
        for url in [
            "https://github.com/org/repo",
            "https://github.com/org/repo.git",
            "https://github.com/org/repo/",
            "http://www.github.com/Org/Repo",
            "github.com/org/repo",
            "git@github.com:org/repo.git",
            "git@github.com:/org/repo.git",
            "ssh://git@github.com/org/repo.git",
            "ssh://git@github.com:22/org/repo",
            "https://user:token@github.com/org/repo.git",
            "  https://github.com/org/repo  ",
        ] {
            assert_eq!(n(url), want, "{url}");
        }
    }

    #[test]
    fn different_repositories_differ() {
        assert_ne!(
            n("https://github.com/org/repo"),
            n("https://github.com/org/repo2")
        );
        assert_ne!(
            n("https://github.com/org/repo"),
            n("https://gitlab.com/org/repo")
        );
        assert_eq!(
            n("https://gitlab.com/group/sub/repo.git"),
            "gitlab.com/group/sub/repo"
        );
    }

    #[test]
    fn azure_ssh_and_https_agree() {
        assert_eq!(
            n("git@ssh.dev.azure.com:v3/acme/proj/repo"),
            "dev.azure.com/acme/proj/repo"
        );
        assert_eq!(
            n("https://acme@dev.azure.com/acme/proj/_git/repo"),
            "dev.azure.com/acme/proj/repo"
        );
    }

    #[test]
    fn odd_input_does_not_panic() {
        for url in ["", ":", "@", "://", "git@", "a:b:c", "/x", "ééé:/ü"] {
            let _ = n(url);
        }
        assert_eq!(n(""), "");
    }
}
