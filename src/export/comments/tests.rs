use super::*;

/// Carries `old`'s comments into `new` and checks the result loads to what `new` loads to.
fn carry(old: &str, new: &str) -> Carried {
    let carried = carry_comments(old, new);
    assert!(value_of(new).is_some(), "the new text is YAML:\n{new}");
    assert_eq!(
        value_of(&carried.text),
        value_of(new),
        "the comments changed the value:\n{}",
        carried.text
    );
    carried
}

/// A file as a person writes it: indented lists, comments above keys and items.
const OLD: &str = "# yaml-language-server: $schema=../schema/rule.schema.json
# Retention callbacks.
Name: retention-callback
# Published by the retention team.
PublishStatus: PUBLISHED
Function:
    Version: '2022-11-25'
    RuleFunction:
        Operator: AND
        Operands:
            # Only the retention queue.
            - Operator: CONTAINS_ANY
              Operands: ['${queue:Retention}']
Actions:
    # The callback task.
    # Owned by the retention team.
    - ActionType: CREATE_TASK
      TaskAction:
          # A flow the team maintains.
          ContactFlowId: ${var.callback}
          Description: Call back within a day.
";

/// The same rule as export writes it, edited on the instance (a draft, a new description).
const NEW: &str = "# yaml-language-server: $schema=../schema/rule.schema.json
# Retention callbacks.
Name: retention-callback
Function:
  Version: '2022-11-25'
  RuleFunction:
    Operator: AND
    Operands:
    - Operator: CONTAINS_ANY
      Operands:
      - ${queue:Retention}
Actions:
- ActionType: CREATE_TASK
  TaskAction:
    ContactFlowId: ${var.callback}
    Description: Call back within two hours.
PublishStatus: DRAFT
";

#[test]
fn comments_above_keys_and_list_items_go_above_the_same_paths() {
    let carried = carry(OLD, NEW);
    assert_eq!(
        carried.text,
        "# yaml-language-server: $schema=../schema/rule.schema.json
# Retention callbacks.
Name: retention-callback
Function:
  Version: '2022-11-25'
  RuleFunction:
    Operator: AND
    Operands:
    # Only the retention queue.
    - Operator: CONTAINS_ANY
      Operands:
      - ${queue:Retention}
Actions:
# The callback task.
# Owned by the retention team.
- ActionType: CREATE_TASK
  TaskAction:
    # A flow the team maintains.
    ContactFlowId: ${var.callback}
    Description: Call back within two hours.
# Published by the retention team.
PublishStatus: DRAFT
"
    );
    assert_eq!((carried.kept, carried.not_kept.len()), (4, 0));
    // Carried again (a second update), the file is the same.
    assert_eq!(carry(&carried.text, NEW).text, carried.text);
}

#[test]
fn a_file_without_comments_below_its_header_is_the_new_text() {
    let carried = carry(
        "# top\nName: a\nTags: {a: b}\n",
        "# top\nName: a\nTags:\n  a: c\n",
    );
    assert_eq!(carried.text, "# top\nName: a\nTags:\n  a: c\n");
    assert_eq!((carried.kept, carried.not_kept.len()), (0, 0));
}

#[test]
fn trailing_comments_stay_at_the_end_of_their_keys_line() {
    let old = "Name: a  # the rule's name
Actions:
  - ActionType: CREATE_TASK # the only action
    TaskAction: # a task
      Name: \"call # back\"
      Description: 'say # twice' # why twice
      References: {a: {Type: URL, Value: x}} # links
";
    let new = "Name: a
Actions:
- ActionType: CREATE_TASK
  TaskAction:
    Name: 'call # back'
    Description: 'say # twice'
    References:
      a:
        Type: URL
        Value: y
";
    let carried = carry(old, new);
    assert_eq!(
        carried.text,
        "Name: a  # the rule's name
Actions:
- ActionType: CREATE_TASK  # the only action
  TaskAction:  # a task
    Name: 'call # back'
    Description: 'say # twice'  # why twice
    References:  # links
      a:
        Type: URL
        Value: y
"
    );
    assert_eq!((carried.kept, carried.not_kept.len()), (5, 0));
}

#[test]
fn a_hash_inside_a_block_scalar_or_a_quoted_string_is_not_a_comment() {
    let old = "Name: a
Description: |
  # not a comment
  two # lines
Subject: \"a # b\"
Content: >-
  folded
  # text
# a real one
Tags: {}
";
    let new = "Name: a
Description: |
  # not a comment
  two # lines
Subject: 'a # b'
Content: 'folded # text'
Tags: {}
";
    let carried = carry(old, new);
    assert_eq!(
        carried.text,
        "Name: a
Description: |
  # not a comment
  two # lines
Subject: 'a # b'
Content: 'folded # text'
# a real one
Tags: {}
"
    );
    assert_eq!((carried.kept, carried.not_kept.len()), (1, 0));
}

#[test]
fn a_trailing_comment_on_a_value_that_became_a_block_scalar_goes_above_it() {
    let old = "Name: a\nContent: one line # short for now\n";
    let new = "Name: a\nContent: |-\n  two\n  lines\n";
    let carried = carry(old, new);
    assert_eq!(
        carried.text,
        "Name: a\n# short for now\nContent: |-\n  two\n  lines\n"
    );
}

#[test]
fn a_comment_on_a_removed_action_is_named_and_the_others_follow_their_action() {
    let old = "Name: a
Actions:
  # The escalation, removed in the console.
  - ActionType: GENERATE_EVENTBRIDGE_EVENT
    EventBridgeAction: {Name: escalate}
  # Tagging, kept.
  - ActionType: ASSIGN_CONTACT_CATEGORY
    AssignContactCategoryAction: {} # nothing to set
  # The task, edited in the console.
  - ActionType: CREATE_TASK
    TaskAction:
      Name: t # the task's name
    Tags: [x] # a tag that is gone
";
    let new = "Name: a
Actions:
- ActionType: ASSIGN_CONTACT_CATEGORY
  AssignContactCategoryAction: {}
- ActionType: CREATE_TASK
  TaskAction:
    Name: u
";
    let carried = carry(old, new);
    assert_eq!(
        carried.text,
        "Name: a
Actions:
# Tagging, kept.
- ActionType: ASSIGN_CONTACT_CATEGORY
  AssignContactCategoryAction: {}  # nothing to set
# The task, edited in the console.
- ActionType: CREATE_TASK
  TaskAction:
    Name: u  # the task's name
"
    );
    assert_eq!(carried.kept, 4);
    assert_eq!(
        carried.not_kept,
        vec![
            NotKept {
                line: 3,
                text: "# The escalation, removed in the console.".to_owned(),
                why: Why::Gone,
            },
            NotKept {
                line: 13,
                text: "# a tag that is gone".to_owned(),
                why: Why::Gone,
            },
        ]
    );
}

#[test]
fn flow_style_lists_and_mappings_are_read_by_their_items() {
    let old = "Name: a
Function: {Version: '2022-11-25', RuleFunction: {Operator: OR, Operands: [  # either
  # the first word
  refund,
  cancel, # the second word
  ] # the end of the list
}}
Tags: {team: qa} # who
";
    let new = "Name: a
Function:
  Version: '2022-11-25'
  RuleFunction:
    Operator: OR
    Operands:
    - refund
    - cancel
Tags:
  team: qa
";
    let carried = carry(old, new);
    assert_eq!(
        carried.text,
        "Name: a
Function:  # either
  Version: '2022-11-25'
  RuleFunction:
    Operator: OR
    Operands:
    # the first word
    - refund
    - cancel  # the second word
    # the end of the list
Tags:  # who
  team: qa
"
    );
    assert_eq!((carried.kept, carried.not_kept.len()), (5, 0));
}

#[test]
fn a_comment_whose_place_is_unclear_is_named_not_guessed() {
    // A lone `-` starts an item whose mapping begins on the next line.
    let old = "Name: a\nActions:\n  - # the first\n    ActionType: X\n";
    let new = "Name: a\nActions:\n- ActionType: Y\n";
    let carried = carry(old, new);
    assert_eq!(carried.text, new);
    assert_eq!(
        carried.not_kept,
        vec![NotKept {
            line: 3,
            text: "# the first".to_owned(),
            why: Why::Unclear,
        }]
    );
}

#[test]
fn comments_at_the_end_of_a_mapping_or_the_file_stay_at_the_end() {
    let old = "Name: a
Actions:
  - ActionType: CREATE_TASK
    TaskAction:
      Name: t
      # more fields later
  - ActionType: ASSIGN_CONTACT_CATEGORY
    AssignContactCategoryAction: {}
# the end
";
    let new = "Name: a
Actions:
- ActionType: CREATE_TASK
  TaskAction:
    Name: t
    ContactFlowId: f
- ActionType: ASSIGN_CONTACT_CATEGORY
  AssignContactCategoryAction: {}
";
    let carried = carry(old, new);
    assert_eq!(
        carried.text,
        "Name: a
Actions:
- ActionType: CREATE_TASK
  TaskAction:
    Name: t
    ContactFlowId: f
    # more fields later
- ActionType: ASSIGN_CONTACT_CATEGORY
  AssignContactCategoryAction: {}
# the end
"
    );
    assert_eq!((carried.kept, carried.not_kept.len()), (2, 0));
}

#[test]
fn a_function_written_as_a_string_keeps_the_comment_above_it() {
    let old = "Name: a
# The condition, as the console shows it.
Function: '{\"Version\":\"2022-11-25\"}' # JSON
";
    let new = "Name: a\nFunction:\n  Version: '2022-11-25'\n";
    let carried = carry(old, new);
    assert_eq!(
        carried.text,
        "Name: a\n# The condition, as the console shows it.\nFunction:  # JSON\n  Version: '2022-11-25'\n"
    );
}

#[test]
fn a_comment_that_would_change_the_value_is_left_out_and_named() {
    // A plain scalar that goes on over two lines: a comment after its first line would end it.
    let old = "Name: a\nContent: one two # why\n";
    let new = "Name: a\nContent: one\n  two\n";
    let carried = carry(old, new);
    assert_eq!(carried.text, new);
    assert_eq!(
        carried.not_kept,
        vec![NotKept {
            line: 2,
            text: "# why".to_owned(),
            why: Why::WouldChange,
        }]
    );
}

#[test]
fn crlf_files_and_a_byte_order_mark_keep_their_comments() {
    let old = "\u{feff}Name: a\r\n# the tags\r\nTags: {a: b} # one\r\n";
    let new = "Name: a\nTags:\n  a: c\n";
    let carried = carry(old, new);
    assert_eq!(carried.text, "Name: a\n# the tags\nTags:  # one\n  a: c\n");
}

#[test]
fn two_trailing_comments_for_one_line_keep_the_second_above_it() {
    let old = "Name: a\nTags:  # first\n  a: b  # second\n";
    let new = "Name: a\nTags: {a: c}\n";
    let carried = carry(old, new);
    assert_eq!(carried.text, "Name: a\n# second\nTags: {a: c}  # first\n");
    assert_eq!((carried.kept, carried.not_kept.len()), (2, 0));
}

#[test]
fn a_file_written_as_json_keeps_the_comments_above_its_keys() {
    let old = r#"# top
{
    "Name": "a", # the name
    # the actions
    "Actions": [
        {
            "ActionType": "ASSIGN_CONTACT_CATEGORY", # tag only
            "AssignContactCategoryAction": {}
        # the end of the action
        }, # after the action
    ],
    "Function": "{\"Version\":\"2022-11-25\"}"
}
"#;
    let new = "# top
Name: a
Actions:
- ActionType: ASSIGN_CONTACT_CATEGORY
  AssignContactCategoryAction: {}
Function:
  Version: '2022-11-26'
";
    let carried = carry(old, new);
    assert_eq!(
        carried.text,
        "# top
Name: a  # the name
# the actions
Actions:
- ActionType: ASSIGN_CONTACT_CATEGORY  # tag only
  AssignContactCategoryAction: {}
  # the end of the action
  # after the action
Function:
  Version: '2022-11-26'
"
    );
    assert_eq!((carried.kept, carried.not_kept.len()), (5, 0));
}

#[test]
fn an_action_replaced_by_another_in_its_place_does_not_take_its_comment() {
    let old = "Actions:\n  # escalate\n  - ActionType: GENERATE_EVENTBRIDGE_EVENT\n    EventBridgeAction: {Name: e}\nTags: [a, b] # two\n";
    let new = "Actions:\n- ActionType: ASSIGN_CONTACT_CATEGORY\n  AssignContactCategoryAction: {}\nTags:\n- a\n- c\n";
    let carried = carry(old, new);
    assert_eq!(
        carried.text,
        "Actions:\n- ActionType: ASSIGN_CONTACT_CATEGORY\n  AssignContactCategoryAction: {}\nTags:  # two\n- a\n- c\n"
    );
    assert_eq!(carried.not_kept.len(), 1);
    assert_eq!(carried.not_kept[0].why, Why::Gone);
}
