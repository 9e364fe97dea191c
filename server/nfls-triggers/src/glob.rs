//! Full-string globs for branch and pull-request rules, where `*` is the only wildcard.
//!
//! The rule character set (`^[a-zA-Z/*0-9%\-.#_!'();,&=+]*$`) has no `?`, `[` or `{`, so `*` is
//! the only special character; everything else matches itself.

/// How `*` and letter case are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlobMode {
    /// `*` may match across `/` (the reference's recommended reading).
    pub star_crosses_slash: bool,
    pub case_sensitive: bool,
}

impl GlobMode {
    /// The reading this crate uses for verdicts.
    pub const DEFAULT: GlobMode = GlobMode {
        star_crosses_slash: true,
        case_sensitive: true,
    };
}

/// Does `pattern` match all of `text`? Iterative two-pointer matching with backtracking to the
/// last `*`: linear memory, no recursion, worst case O(len(pattern) × len(text)).
pub fn glob_match(pattern: &str, text: &str, mode: GlobMode) -> bool {
    let fold = |c: char| {
        if mode.case_sensitive {
            c
        } else {
            c.to_lowercase().next().unwrap_or(c)
        }
    };
    let p: Vec<char> = pattern.chars().map(fold).collect();
    let t: Vec<char> = text.chars().map(fold).collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    // Position of the last `*` in the pattern and the text position it currently absorbs up to.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            // Let the last `*` absorb one more character, unless that character is a `/` it may
            // not cross.
            if !mode.star_crosses_slash && t[st] == '/' {
                return false;
            }
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRICT: GlobMode = GlobMode {
        star_crosses_slash: false,
        case_sensitive: true,
    };
    const NOCASE: GlobMode = GlobMode {
        star_crosses_slash: true,
        case_sensitive: false,
    };

    #[test]
    fn literal_and_star() {
        let d = GlobMode::DEFAULT;
        assert!(glob_match("main", "main", d));
        assert!(!glob_match("main", "main2", d));
        assert!(!glob_match("main", "mai", d));
        assert!(glob_match("*", "anything/at/all", d));
        assert!(glob_match("*", "", d));
        assert!(glob_match("feature/*", "feature/x", d));
        assert!(glob_match("feature/*", "feature/", d));
        assert!(!glob_match("feature/*", "feature", d));
        assert!(glob_match("*-hotfix", "v1-hotfix", d));
        assert!(glob_match("a*b*c", "aXXbYYc", d));
        assert!(!glob_match("a*b*c", "aXXbYY", d));
        assert!(glob_match("release/*.x", "release/1.x", d));
    }

    #[test]
    fn star_and_slash() {
        assert!(glob_match("feature/*", "feature/a/b", GlobMode::DEFAULT));
        assert!(!glob_match("feature/*", "feature/a/b", STRICT));
        assert!(glob_match("feature/*", "feature/a", STRICT));
        assert!(glob_match("*/fix", "team/fix", STRICT));
        assert!(!glob_match("*/fix", "a/team/fix", STRICT));
        assert!(glob_match("*/fix", "a/team/fix", GlobMode::DEFAULT));
    }

    #[test]
    fn case() {
        assert!(!glob_match("Main", "main", GlobMode::DEFAULT));
        assert!(glob_match("Main", "main", NOCASE));
    }

    #[test]
    fn pathological_pattern_is_fast() {
        let text = "a".repeat(5000);
        let pattern = "*a".repeat(200) + "b";
        assert!(!glob_match(&pattern, &text, GlobMode::DEFAULT));
    }
}
