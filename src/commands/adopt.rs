//! `connect-rules adopt`: tag existing live rules as managed by the tool.

use std::collections::BTreeMap;

use crate::cli::AdoptArgs;
use crate::diff::is_owned;
use crate::glob::glob_match;
use crate::model::{LiveRule, OWNERSHIP_TAG_KEY, OWNERSHIP_TAG_VALUE};

use super::confirm::confirm;
use super::project::Project;
use super::session::Session;
use super::ExitStatus;

pub(super) async fn run(args: &AdoptArgs) -> anyhow::Result<ExitStatus> {
    let project = Project::open(&args.project)?;
    let target = project.target(&args.target)?;
    let session = Session::open(target).await?;
    let result = adopt(args, &project, &session).await;
    session.close().await;
    result
}

async fn adopt(
    args: &AdoptArgs,
    project: &Project,
    session: &Session,
) -> anyhow::Result<ExitStatus> {
    let place = session.describe();
    session.check_pins().await?;
    let live = session.read_live().await?;
    let by_name: BTreeMap<&str, &LiveRule> = live
        .iter()
        .map(|rule| (rule.rule.name.as_str(), rule))
        .collect();

    let chosen: Vec<&LiveRule> = if args.all {
        live.iter()
            .filter(|rule| {
                !project
                    .config
                    .ignore
                    .iter()
                    .any(|p| glob_match(p, &rule.rule.name))
            })
            .collect()
    } else {
        let missing: Vec<&str> = args
            .names
            .iter()
            .map(String::as_str)
            .filter(|name| !by_name.contains_key(name))
            .collect();
        if !missing.is_empty() {
            eprintln!(
                "error: no live rule is named {}; nothing was changed",
                missing
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            eprintln!("  hint: `connect-rules plan` lists the live rules that are not managed");
            return Ok(ExitStatus::Failure);
        }
        args.names
            .iter()
            .filter_map(|name| by_name.get(name.as_str()).copied())
            .collect()
    };
    let (already, to_tag): (Vec<&LiveRule>, Vec<&LiveRule>) =
        chosen.into_iter().partition(|rule| is_owned(rule));
    for rule in &already {
        eprintln!("`{}` is already managed by connect-rules", rule.rule.name);
    }
    if to_tag.is_empty() {
        println!("Nothing to adopt.");
        return Ok(ExitStatus::Success);
    }
    println!("connect-rules will tag these rules `{OWNERSHIP_TAG_KEY}: {OWNERSHIP_TAG_VALUE}`:");
    for rule in &to_tag {
        println!("  ~ `{}` (id {})", rule.rule.name, rule.rule_id);
    }
    println!(
        "\nAdopt: {} rule{} to tag.",
        to_tag.len(),
        if to_tag.len() == 1 { "" } else { "s" }
    );
    if !args.auto_approve && !confirm("Adopt these rules", &place)? {
        return Ok(ExitStatus::Failure);
    }
    let tag = BTreeMap::from([(OWNERSHIP_TAG_KEY.to_owned(), OWNERSHIP_TAG_VALUE.to_owned())]);
    let mut failed = 0;
    for rule in &to_tag {
        match session.client.tag_rule(&rule.rule_arn, &tag).await {
            Ok(()) => {
                if let Some(cache) = &session.cache {
                    cache.forget(&rule.rule_id);
                }
                eprintln!("adopted `{}`", rule.rule.name);
            }
            Err(err) => {
                failed += 1;
                eprintln!("failed to adopt `{}`: {err}", rule.rule.name);
            }
        }
    }
    Ok(if failed == 0 {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}
