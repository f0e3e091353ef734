//! `connect-rules adopt`: tag existing live rules as managed by the tool (and, with `owner:`
//! in the config, by this repository). A rule another repository owns is never adopted.

use std::collections::BTreeMap;

use crate::error::UserError;
use crate::model::ownership::Claim;
use crate::model::LiveRule;
use crate::settings::AdoptSettings;

use super::confirm::confirm;
use super::session::Session;
use super::ExitStatus;

pub(super) async fn run(args: &AdoptSettings) -> anyhow::Result<ExitStatus> {
    let session = Session::open(args.settings.target.clone()).await?;
    let result = adopt(args, &session).await;
    session.close().await;
    result
}

async fn adopt(args: &AdoptSettings, session: &Session) -> anyhow::Result<ExitStatus> {
    let place = session.location();
    let ownership = args.settings.diff.ownership();
    session.check_pins().await?;
    let live = session.read_live().await?;
    let by_name: BTreeMap<&str, &LiveRule> = live
        .iter()
        .map(|rule| (rule.rule.name.as_str(), rule))
        .collect();

    let chosen: Vec<&LiveRule> = if args.all {
        live.iter()
            .filter(|rule| !ownership.ignores(&rule.rule.name))
            .collect()
    } else {
        let missing: Vec<&str> = args
            .names
            .iter()
            .map(String::as_str)
            .filter(|name| !by_name.contains_key(name))
            .collect();
        if !missing.is_empty() {
            let named: Vec<String> = missing.iter().map(|n| format!("`{n}`")).collect();
            return Err(UserError::new(format!(
                "no live rule is named {}; nothing was changed",
                named.join(", ")
            ))
            .with_hint("`connect-rules plan` lists the live rules that are not managed")
            .into());
        }
        args.names
            .iter()
            .filter_map(|name| by_name.get(name.as_str()).copied())
            .collect()
    };
    let mut to_tag = Vec::new();
    let mut theirs = Vec::new();
    let mut unclaimed = Vec::new();
    for rule in chosen {
        match ownership.claim(rule) {
            Claim::Ours => eprintln!("`{}` is already managed by connect-rules", rule.rule.name),
            claim @ Claim::Other(Some(_)) => theirs.push((rule, claim)),
            // Managed without an owner id while this repository has one: the rules it managed
            // before it set `owner:`, or another repository's that never set one. Only a
            // rule named on the command line is claimed, never one swept up by `--all`.
            claim @ Claim::Other(None) if args.all => unclaimed.push((rule, claim)),
            Claim::Unowned | Claim::Other(None) => to_tag.push(rule),
        }
    }
    for (rule, claim) in &unclaimed {
        eprintln!(
            "`{}` is {}: left alone by `--all`; name it (`connect-rules adopt {}`) to claim it for this repository",
            rule.rule.name,
            claim.describe(),
            rule.rule.name
        );
    }
    for (rule, claim) in &theirs {
        eprintln!(
            "`{}` is {}: left alone (only that repository can give it up, by removing its tags)",
            rule.rule.name,
            claim.describe()
        );
    }
    if !theirs.is_empty() && !args.all {
        return Err(UserError::new(
            "a rule another repository owns is never adopted; nothing was changed",
        )
        .into());
    }
    if to_tag.is_empty() {
        crate::out::outln!("Nothing to adopt.");
        return Ok(ExitStatus::Success);
    }
    let tag = ownership.tags();
    let shown: Vec<String> = tag.iter().map(|(k, v)| format!("`{k}: {v}`")).collect();
    crate::out::outln!(
        "connect-rules will tag these rules {}:",
        shown.join(" and ")
    );
    for rule in &to_tag {
        crate::out::outln!("  ~ `{}` (id {})", rule.rule.name, rule.rule_id);
    }
    crate::out::outln!(
        "\nAdopt: {} rule{} to tag.",
        to_tag.len(),
        if to_tag.len() == 1 { "" } else { "s" }
    );
    if !args.auto_approve
        && !confirm(
            "Adopt these rules",
            &place,
            "review the rules above and pass `--auto-approve`",
        )?
    {
        return Ok(ExitStatus::Failure);
    }
    let mut failed = 0;
    for rule in &to_tag {
        // Read live at the moment of the change: another repository may have claimed it
        // since the listing (or the describe cache may say otherwise).
        match session.client.describe_rule(&rule.rule_id).await {
            Ok(Some(now))
                if now.rule_id == rule.rule_id
                    && !matches!(ownership.claim(&now), Claim::Other(Some(_))) => {}
            Ok(now) => {
                failed += 1;
                let why = now.map_or_else(
                    || "it no longer exists".to_owned(),
                    |now| format!("it is now {}", ownership.claim(&now).describe()),
                );
                eprintln!("skipped `{}`: {why}", rule.rule.name);
                continue;
            }
            Err(err) => {
                failed += 1;
                eprintln!("failed to adopt `{}`: {err}", rule.rule.name);
                continue;
            }
        }
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
