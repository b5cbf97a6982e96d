//! The README says where the course runs and with which Rust; CI checks exactly that. These
//! tests keep the README, `.ci/run`, `.ci/msrv.sh` and `Cargo.toml` saying the same thing.

use workspace_checks::read;

/// The README's "Runs on" paragraph.
fn runs_on() -> String {
    let readme = read("README.md");
    let start = readme
        .find("**Runs on**")
        .expect("README has a **Runs on** paragraph");
    let end = readme[start..]
        .find("\n\n")
        .map_or(readme.len(), |n| start + n);
    readme[start..end].replace('\n', " ")
}

/// The targets `.ci/run` cross-checks: its `CROSS_TARGETS="…"` line.
fn ci_targets() -> Vec<String> {
    let run = read(".ci/run");
    let line = run
        .lines()
        .find_map(|line| line.strip_prefix("CROSS_TARGETS=\""))
        .expect(".ci/run sets CROSS_TARGETS=\"…\"");
    line.trim_end_matches('"')
        .split_whitespace()
        .map(String::from)
        .collect()
}

#[test]
fn the_readme_names_every_target_ci_checks_and_no_other() {
    let runs_on = runs_on();
    let targets = ci_targets();
    assert!(!targets.is_empty());
    for target in &targets {
        assert!(
            runs_on.contains(&format!("`{target}`")),
            "CI checks {target}, which the README's \"Runs on\" does not name:\n{runs_on}"
        );
    }
    // Every target-like word in the paragraph is one CI checks.
    for word in runs_on.split('`').skip(1).step_by(2) {
        if word.matches('-').count() >= 2 && !word.contains(' ') {
            assert!(
                targets.iter().any(|t| t == word),
                "the README names {word}, which .ci/run does not check ({targets:?})"
            );
        }
    }
    // And the systems those targets are.
    for system in ["Linux", "macOS", "FreeBSD"] {
        assert!(runs_on.contains(system), "{runs_on}");
    }
}

#[test]
fn the_readme_the_manifest_and_ci_agree_on_the_oldest_rust() {
    let manifest = read("Cargo.toml");
    let version = manifest
        .lines()
        .find_map(|line| line.strip_prefix("rust-version = \""))
        .map(|rest| rest.trim_end_matches('"'))
        .expect("Cargo.toml has a rust-version");
    let runs_on = runs_on();
    assert!(
        runs_on.contains(&format!("Rust {version} or newer")),
        "Cargo.toml says rust-version = {version}; the README's \"Runs on\" does not:\n{runs_on}"
    );
    // .ci/msrv.sh reads the version from Cargo.toml, and .ci/run runs it.
    assert!(read(".ci/msrv.sh").contains("rust-version"));
    assert!(read(".ci/run").contains(".ci/msrv.sh"));
}

#[test]
fn ci_runs_the_tests_on_the_portable_reactor_too() {
    let run = read(".ci/run");
    assert!(
        run.lines()
            .any(|line| line.trim() == "INSTA_UPDATE=no cargo test --features aio/portable"),
        "the README says CI runs every test with the portable reactor"
    );
    assert!(runs_on().contains("--features aio/portable"));
}
