"""Drives `hunt serve` with Microsoft's own Kusto Python client (azure-kusto-data).

Run by crates/hunt-serve/tests/python/run.sh, which builds hunt, generates data, creates a
token, starts the server on a loopback port and passes HUNT_URL, HUNT_TOKEN, HUNT_BIN,
HUNT_DATA and HUNT_NOW in the environment. Each check compares what the client parses with
what the hunt CLI prints for the same query (`--format json`).
"""

import json
import os
import subprocess
import sys
import unittest
from datetime import datetime, timedelta

from azure.kusto.data import ClientRequestProperties, KustoClient, KustoConnectionStringBuilder
from azure.kusto.data.exceptions import KustoServiceError

URL = os.environ["HUNT_URL"]
TOKEN = os.environ["HUNT_TOKEN"]
HUNT = os.environ["HUNT_BIN"]
DATA = os.environ["HUNT_DATA"]
NOW = os.environ["HUNT_NOW"]

QUERIES = [
    "AlertInfo | summarize Alerts = count() by Severity | order by Severity asc",
    "DataSecurityEvents | where ActionType == 'FileUploaded' | summarize n = count(), latest = max(Timestamp) by AccountUpn | top 5 by n desc",
    "AlertEvidence | where EntityType == 'User' | project Timestamp, AlertId, AccountUpn | order by Timestamp asc, AlertId asc | take 20",
    "print b = true, i = int(7), l = 8, r = 2.5, s = 'x', d = datetime(2025-06-01 10:00:00), t = 1h + 30s, dyn = dynamic({\"k\": [1, 2]})",
]


def cli(query):
    out = subprocess.run(
        [HUNT, "--data", DATA, "--now", NOW, "--format", "json", query],
        check=False, capture_output=True, text=True,
    )
    if out.returncode not in (0, 1):
        raise AssertionError(f"hunt CLI failed on {query!r}: {out.stderr}")
    return json.loads(out.stdout)


# The CLI's JSON is Graph runHuntingQuery's shape, whose schema names .NET types; the
# Kusto client names KQL types.
GRAPH_TO_KQL = {
    "String": "string", "Int64": "long", "Int32": "int", "Double": "real",
    "DateTime": "datetime", "TimeSpan": "timespan", "Boolean": "bool", "Guid": "guid",
    "Object": "dynamic",
}


class KustoClientAgainstHunt(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        kcsb = KustoConnectionStringBuilder.with_aad_user_token_authentication(URL, TOKEN)
        cls.client = KustoClient(kcsb)

    def test_rows_types_and_columns_match_the_cli(self):
        for query in QUERIES:
            with self.subTest(query=query):
                expected = cli(query)
                table = self.client.execute("hunt", query).primary_results[0]
                names = [c.column_name for c in table.columns]
                types = [c.column_type for c in table.columns]
                self.assertEqual(names, [c["name"] for c in expected["schema"]])
                self.assertEqual(types, [GRAPH_TO_KQL[c["type"]] for c in expected["schema"]])
                rows = [dict(zip(names, r)) for r in table.raw_rows]
                self.assertEqual(rows, expected["results"])
                self.assertGreater(len(rows), 0)

    def test_typed_values_convert(self):
        row = self.client.execute("hunt", QUERIES[3]).primary_results[0][0]
        self.assertIs(row["b"], True)
        self.assertEqual(row["l"], 8)
        self.assertEqual(row["d"].replace(tzinfo=None), datetime(2025, 6, 1, 10, 0, 0))
        self.assertEqual(row["t"], timedelta(hours=1, seconds=30))
        self.assertEqual(row["dyn"], {"k": [1, 2]})

    def test_bad_query_raises_with_hunts_message(self):
        with self.assertRaises(KustoServiceError) as ctx:
            self.client.execute("hunt", "AlertInfo | where NoSuchColumn == 1")
        self.assertIn("NoSuchColumn", str(ctx.exception))

    def test_request_properties(self):
        props = ClientRequestProperties()
        props.set_option("query_now", "2024-01-02T03:04:05Z")
        props.set_option(ClientRequestProperties.request_timeout_option_name, timedelta(seconds=30))
        row = self.client.execute("hunt", "print n = now()", props).primary_results[0][0]
        self.assertEqual(row["n"].replace(tzinfo=None), datetime(2024, 1, 2, 3, 4, 5))
        props = ClientRequestProperties()
        props.set_option("truncationmaxrecords", 2)
        with self.assertRaises(KustoServiceError) as ctx:
            self.client.execute("hunt", "range x from 1 to 5 step 1", props)
        self.assertIn("E_QUERY_RESULT_SET_TOO_LARGE", str(ctx.exception))

    def test_query_past_servertimeout_raises(self):
        # hunt answers Kusto's 504 `Timeout` and cancels the query; the client raises.
        props = ClientRequestProperties()
        props.set_option(ClientRequestProperties.request_timeout_option_name, timedelta(milliseconds=1))
        with self.assertRaises(KustoServiceError) as ctx:
            self.client.execute("hunt", "range x from 1 to 10000000 step 1 | summarize dcount(x)", props)
        self.assertIn("servertimeout", str(ctx.exception))

    def test_control_commands(self):
        tables = [r["TableName"] for r in self.client.execute_mgmt("hunt", ".show tables").primary_results[0]]
        self.assertIn("AlertInfo", tables)
        schema = self.client.execute_mgmt("hunt", ".show table AlertInfo schema as json").primary_results[0][0]
        self.assertEqual(json.loads(schema["Schema"])["OrderedColumns"][1]["Name"], "AlertId")

    def test_unknown_token_is_refused(self):
        kcsb = KustoConnectionStringBuilder.with_aad_user_token_authentication(URL, "hunt_not_a_token")
        with self.assertRaises(KustoServiceError):
            KustoClient(kcsb).execute("hunt", "print 1")


if __name__ == "__main__":
    sys.exit(0 if unittest.main(exit=False, verbosity=2).result.wasSuccessful() else 1)
