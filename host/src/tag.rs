//! Tag discipline: a release tag is SemVer with an optional leading `v` and names exactly the
//! chart version, so the published version can never drift from the tag that triggered it.

use anyhow::bail;

/// The tag GitHub Actions is building, when the run was triggered by a tag.
pub fn from_github_env() -> Option<String> {
    let is_tag = std::env::var("GITHUB_REF_TYPE").is_ok_and(|t| t == "tag");
    is_tag
        .then(|| std::env::var("GITHUB_REF_NAME").ok())
        .flatten()
        .filter(|t| !t.is_empty())
}

/// The version a tag names: the tag without its optional leading `v`, which must be SemVer 2.
pub fn version_of(tag: &str) -> anyhow::Result<String> {
    let version = tag.strip_prefix('v').unwrap_or(tag);
    if let Err(err) = semver::Version::parse(version) {
        bail!(
            "tag {tag:?} is not a release tag: expected SemVer with an optional leading \"v\" \
             (e.g. v1.2.3 or 1.2.3-rc.1): {err}"
        );
    }
    Ok(version.to_string())
}

/// Fails unless the tag's version equals the chart version (a leading `v` on either is ignored).
pub fn check_matches(tag: &str, tag_version: &str, chart_version: &str) -> anyhow::Result<()> {
    let chart = chart_version.strip_prefix('v').unwrap_or(chart_version);
    if tag_version != chart {
        bail!(
            "tag {tag:?} does not match the chart version {chart_version:?} in Chart.yaml: \
             bump the chart version to {tag_version}, tag the commit v{chart}, or pass \
             --version-from-tag to take the version from the tag"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_semver_with_optional_v() {
        assert_eq!(version_of("v1.2.3").expect("ok"), "1.2.3");
        assert_eq!(version_of("1.2.3-rc.1+b.7").expect("ok"), "1.2.3-rc.1+b.7");
    }

    #[test]
    fn refuses_non_semver_tags() {
        for bad in ["latest", "v1.2", "release-1.2.3", "v01.2.3", ""] {
            let err = version_of(bad).expect_err(bad).to_string();
            assert!(err.contains("not a release tag"), "{err}");
        }
    }

    #[test]
    fn mismatch_names_both_values() {
        let err = check_matches("v1.2.4", "1.2.4", "1.2.3")
            .expect_err("mismatch")
            .to_string();
        assert!(
            err.contains("\"v1.2.4\"") && err.contains("\"1.2.3\""),
            "{err}"
        );
        check_matches("v1.2.3", "1.2.3", "1.2.3").expect("match");
        check_matches("1.2.3", "1.2.3", "v1.2.3").expect("match with v in Chart.yaml");
    }
}
