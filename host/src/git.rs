//! What the host learns from git (or GitHub Actions' variables) to annotate a release.

use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// The repository's web URL: GitHub Actions' server and repository, else `origin`'s URL with
/// credentials removed and SSH forms turned into https.
pub fn source_url(dir: &Path) -> Option<String> {
    if let (Ok(server), Ok(repo)) = (
        std::env::var("GITHUB_SERVER_URL"),
        std::env::var("GITHUB_REPOSITORY"),
    ) && !server.is_empty()
        && !repo.is_empty()
    {
        return Some(format!("{}/{repo}", server.trim_end_matches('/')));
    }
    web_url(&git(dir, &["config", "--get", "remote.origin.url"])?)
}

/// The commit being released.
pub fn revision(dir: &Path) -> Option<String> {
    std::env::var("GITHUB_SHA")
        .ok()
        .filter(|s| !s.is_empty())
        .or_else(|| git(dir, &["rev-parse", "HEAD"]))
}

fn web_url(remote: &str) -> Option<String> {
    let trimmed = remote.trim_end_matches(".git");
    if let Some(rest) = trimmed.strip_prefix("git@") {
        let (host, path) = rest.split_once(':')?;
        return Some(format!("https://{host}/{path}"));
    }
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))?;
    // Never publish a token embedded in the remote URL.
    let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    Some(format!("https://{rest}"))
}

#[cfg(test)]
mod tests {
    use super::web_url;

    #[test]
    fn web_urls_drop_credentials_and_ssh_forms() {
        assert_eq!(
            web_url("git@github.com:savantly/nexus.git").as_deref(),
            Some("https://github.com/savantly/nexus")
        );
        assert_eq!(
            web_url("https://x-access-token:ghs_secret@github.com/savantly/nexus").as_deref(),
            Some("https://github.com/savantly/nexus")
        );
        assert_eq!(web_url("/local/path"), None);
    }
}
