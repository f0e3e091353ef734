"""Checks the emulator's eight list operations with another client: boto3.

Usage: list_resources.py ENDPOINT EXPECTED_JSON

EXPECTED_JSON maps each operation (ListQueues, ...) to {"count": N, "filters": [{"args": {...},
"count": M}, ...]}: what the emulator was seeded with. Page sizes and error types are read from
botocore's own copy of the service model, so this script checks the emulator against the model
as another SDK reads it, not against the emulator's reading.

Prints one line per operation and a final `checked N operations, P pages, E errors`; exits 1 on
the first mismatch, saying what differed.
"""

import json
import sys

try:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ClientError
except ImportError:  # pragma: no cover - reported by the Rust test that runs this script
    sys.stderr.write("boto3 is not installed: run `pip install boto3`\n")
    sys.exit(3)

INSTANCE = "11111111-2222-3333-4444-555555555555"
SMALL_PAGE = 7


def fail(message):
    sys.stderr.write(f"FIDELITY MISMATCH: {message}\n")
    sys.exit(1)


def python_name(operation):
    return "".join("_" + c.lower() if c.isupper() else c for c in operation).lstrip("_")


class Checker:
    def __init__(self, endpoint):
        self.client = boto3.client(
            "connect",
            region_name="us-east-1",
            endpoint_url=endpoint,
            aws_access_key_id="AKIDTEST",
            aws_secret_access_key="secret",
            config=Config(retries={"max_attempts": 1, "mode": "standard"}),
        )
        self.model = self.client.meta.service_model
        self.pages = 0
        self.errors = 0

    def call(self, operation, **args):
        self.pages += 1
        return getattr(self.client, python_name(operation))(InstanceId=INSTANCE, **args)

    def list_member(self, operation):
        output = self.model.operation_model(operation).output_shape
        lists = [name for name, shape in output.members.items() if shape.type_name == "list"]
        if len(lists) != 1:
            fail(f"{operation}: botocore's output shape has list members {lists}")
        return lists[0]

    def max_page(self, operation):
        return self.model.operation_model(operation).input_shape.members["MaxResults"].metadata["max"]

    def id_member(self, operation):
        summary = self.model.operation_model(operation).output_shape.members[
            self.list_member(operation)
        ].member
        for candidate in ("Id", "EvaluationFormId", "IntegrationAssociationId"):
            if candidate in summary.members:
                return candidate
        fail(f"{operation}: no id member in {summary.name}")

    def every_page(self, operation, page_size, **args):
        """Walks every page by hand; returns the items and checks the page contract."""
        items, token, seen_tokens = [], None, set()
        while True:
            extra = {"NextToken": token} if token else {}
            answer = self.call(operation, MaxResults=page_size, **args, **extra)
            page = answer[self.list_member(operation)]
            if len(page) > page_size:
                fail(f"{operation}: a page of {len(page)} items for MaxResults={page_size}")
            items.extend(page)
            token = answer.get("NextToken")
            if token is None:
                return items
            if not page:
                fail(f"{operation}: an empty page with a NextToken")
            if token in seen_tokens:
                fail(f"{operation}: NextToken repeated")
            seen_tokens.add(token)
            if len(seen_tokens) > 10_000:
                fail(f"{operation}: more than 10,000 pages")

    def expect_error(self, operation, what, **args):
        try:
            self.call(operation, **args)
        except ClientError as error:
            self.errors += 1
            status = error.response["ResponseMetadata"]["HTTPStatusCode"]
            code = error.response["Error"]["Code"]
            declared = [shape.name for shape in self.model.operation_model(operation).error_shapes]
            if status != 400:
                fail(f"{operation} with {what}: HTTP {status}, expected 400")
            if code not in declared or code not in ("InvalidRequestException", "InvalidParameterException"):
                fail(f"{operation} with {what}: {code} is not a validation error the model declares ({declared})")
            if not error.response["Error"].get("Message"):
                fail(f"{operation} with {what}: the error has no message")
            return code
        fail(f"{operation} with {what}: answered without an error")

    def check(self, operation, expected):
        count = expected["count"]
        list_member = self.list_member(operation)
        id_member = self.id_member(operation)
        maximum = self.max_page(operation)

        walked = self.every_page(operation, SMALL_PAGE)
        ids = [item[id_member] for item in walked]
        if len(ids) != count or len(set(ids)) != count:
            fail(f"{operation}: {len(ids)} items ({len(set(ids))} distinct) over pages of {SMALL_PAGE}, expected {count}")
        arn_member = "Arn" if id_member == "Id" else id_member.replace("Id", "Arn")
        for item in walked:
            arn = item.get(arn_member, "")
            if not (arn.startswith(f"arn:aws:connect:us-east-1:") and arn.endswith("/" + item[id_member])):
                fail(f"{operation}: {arn_member} {arn!r} does not end with the id {item[id_member]}")

        paginated = [
            item[id_member]
            for page in self.client.get_paginator(python_name(operation)).paginate(
                InstanceId=INSTANCE, PaginationConfig={"PageSize": SMALL_PAGE}
            )
            for item in page[list_member]
        ]
        if paginated != ids:
            fail(f"{operation}: boto3's paginator saw another listing than the pages walked by hand")

        first = self.call(operation)
        default_page = min(100, maximum)
        if len(first[list_member]) != min(count, default_page):
            fail(f"{operation}: {len(first[list_member])} items without MaxResults, expected {min(count, default_page)}")
        if ("NextToken" in first) != (count > default_page):
            fail(f"{operation}: NextToken {'present' if 'NextToken' in first else 'absent'} with {count} items and the default page")

        largest = self.call(operation, MaxResults=maximum)
        if len(largest[list_member]) != min(count, maximum):
            fail(f"{operation}: {len(largest[list_member])} items for MaxResults={maximum}")
        self.expect_error(operation, f"MaxResults={maximum + 1}", MaxResults=maximum + 1)
        self.expect_error(operation, "a made-up NextToken", NextToken="made-up")

        for case in expected.get("filters", []):
            filtered = self.every_page(operation, SMALL_PAGE, **case["args"])
            if len(filtered) != case["count"]:
                fail(f"{operation} {case['args']}: {len(filtered)} items, expected {case['count']}")
            if case["count"] > SMALL_PAGE:
                token = self.call(operation, MaxResults=1, **case["args"])["NextToken"]
                self.expect_error(operation, "a NextToken from another filter", NextToken=token)
        for args in expected.get("bad_filters", []):
            self.expect_error(operation, f"the filter {args}", **args)
        print(f"{operation}: {count} items, page sizes {SMALL_PAGE}, default and {maximum} agree")


def main():
    endpoint, expected = sys.argv[1], json.loads(sys.argv[2])
    checker = Checker(endpoint)
    for operation, spec in expected.items():
        checker.check(operation, spec)
    print(f"checked {len(expected)} operations, {checker.pages} pages, {checker.errors} errors")


if __name__ == "__main__":
    main()
