"""Staging-label traces A–D recorded on real AWS (aws-compat §1.4b), replayed with boto3."""
import unittest
import uuid

from coffer_server import CofferServer

SRV = None
C, P, PEND = "AWSCURRENT", "AWSPREVIOUS", "AWSPENDING"


def setUpModule():
    global SRV
    SRV = CofferServer().start()


def tearDownModule():
    if SRV:
        SRV.close()


def tok():
    return str(uuid.uuid4())


class Traces(unittest.TestCase):
    maxDiff = 4000

    @classmethod
    def setUpClass(cls):
        cls.sm = SRV.client()

    def labels(self, name, names):
        """{vN: sorted labels} of non-deprecated versions, checked against DescribeSecret too."""
        inv = {v: k for k, v in names.items()}
        versions = self.sm.list_secret_version_ids(SecretId=name)["Versions"]
        got = {inv.get(v["VersionId"], v["VersionId"]): list(v["VersionStages"]) for v in versions}
        for v in versions:
            self.assertEqual(v["VersionStages"], sorted(v["VersionStages"]), "labels sorted inside a version")
        desc = self.sm.describe_secret(SecretId=name)["VersionIdsToStages"]
        self.assertEqual({inv.get(k, k): sorted(v) for k, v in desc.items()},
                         {k: sorted(v) for k, v in got.items()}, "DescribeSecret.VersionIdsToStages vs ListSecretVersionIds")
        return {k: sorted(v) for k, v in got.items()}

    def create(self, name, ids):
        ids["v1"] = tok()
        r = self.sm.create_secret(Name=name, SecretString="value-v1", ClientRequestToken=ids["v1"])
        self.assertEqual(r["VersionId"], ids["v1"])

    def put(self, name, ids, key, stages=None):
        ids[key] = tok()
        kw = {"SecretId": name, "SecretString": "value-" + key, "ClientRequestToken": ids[key]}
        if stages is not None:
            kw["VersionStages"] = stages
        r = self.sm.put_secret_value(**kw)
        self.assertEqual(r["VersionId"], ids[key])
        return r

    def move(self, name, ids, stage, remove=None, to=None):
        kw = {"SecretId": name, "VersionStage": stage}
        if remove:
            kw["RemoveFromVersionId"] = ids[remove]
        if to:
            kw["MoveToVersionId"] = ids[to]
        r = self.sm.update_secret_version_stage(**kw)
        self.assertEqual(r["Name"], name)

    def test_trace_a_current_pending(self):
        n, ids = "py/trace/a", {}
        self.create(n, ids)
        self.assertEqual(self.labels(n, ids), {"v1": [C]})
        r = self.put(n, ids, "v2", [PEND])
        self.assertEqual(r["VersionStages"], [PEND])
        self.assertEqual(self.labels(n, ids), {"v1": [C], "v2": [PEND]})
        self.move(n, ids, C, remove="v1", to="v2")
        self.assertEqual(self.labels(n, ids), {"v1": [P], "v2": [C, PEND]})
        self.put(n, ids, "v3")
        self.assertEqual(self.labels(n, ids), {"v2": [P], "v3": [C]})
        self.assertEqual(self.sm.get_secret_value(SecretId=n)["SecretString"], "value-v3")
        self.assertEqual(self.sm.get_secret_value(SecretId=n, VersionStage=P)["SecretString"], "value-v2")

    def test_trace_b_custom_stages(self):
        n, ids = "py/trace/b", {}
        self.create(n, ids)
        self.put(n, ids, "v2", [C, "PUT0"])
        self.assertEqual(self.labels(n, ids), {"v1": [P], "v2": [C, "PUT0"]})
        self.put(n, ids, "v3", [PEND, "PUT1"])
        self.assertEqual(self.labels(n, ids), {"v1": [P], "v2": [C, "PUT0"], "v3": [PEND, "PUT1"]})
        self.move(n, ids, C, remove="v2", to="v3")
        self.assertEqual(self.labels(n, ids), {"v2": [P, "PUT0"], "v3": [C, PEND, "PUT1"]})
        self.put(n, ids, "v4", [PEND, "PUT2"])
        self.assertEqual(self.labels(n, ids), {"v2": [P, "PUT0"], "v3": [C, "PUT1"], "v4": [PEND, "PUT2"]})
        self.move(n, ids, C, remove="v3", to="v4")
        self.assertEqual(self.labels(n, ids), {"v2": ["PUT0"], "v3": [P, "PUT1"], "v4": [C, PEND, "PUT2"]})
        self.assertEqual(self.sm.get_secret_value(SecretId=n, VersionStage="PUT0")["SecretString"], "value-v2")

    def test_trace_c_custom_stages_without_current(self):
        n, ids = "py/trace/c", {}
        self.create(n, ids)
        r = self.put(n, ids, "v2", ["one", "two", "three"])
        self.assertEqual(r["VersionStages"], ["one", "three", "two"])
        self.assertEqual(self.labels(n, ids), {"v1": [C], "v2": ["one", "three", "two"]})
        r = self.put(n, ids, "v3", ["one", "two", "four"])
        self.assertEqual(r["VersionStages"], ["four", "one", "two"])
        self.assertEqual(self.labels(n, ids), {"v1": [C], "v2": ["three"], "v3": ["four", "one", "two"]})
        self.assertEqual(self.sm.get_secret_value(SecretId=n)["SecretString"], "value-v1")

    def test_trace_d_deprecated_versions(self):
        n, ids = "py/trace/d", {}
        self.create(n, ids)
        for k in ("v2", "v3", "v4"):
            self.put(n, ids, k)
        self.assertEqual(self.labels(n, ids), {"v3": [P], "v4": [C]})
        allv = self.sm.list_secret_version_ids(SecretId=n, IncludeDeprecated=True)["Versions"]
        inv = {v: k for k, v in ids.items()}
        self.assertEqual([inv.get(v["VersionId"]) for v in allv], ["v1", "v2", "v3", "v4"], "creation order")
        for v in allv[:2]:
            self.assertNotIn("VersionStages", v, "deprecated versions carry no VersionStages key")
        for v in allv:
            self.assertEqual(v.get("KmsKeyIds"), ["DefaultEncryptionKey"])
            self.assertIn("CreatedDate", v)
        # a deprecated version can still be read by VersionId
        self.assertEqual(self.sm.get_secret_value(SecretId=n, VersionId=ids["v1"])["SecretString"], "value-v1")

    def test_move_label_held_elsewhere_requires_remove(self):
        n, ids = "py/trace/e", {}
        self.create(n, ids)
        self.put(n, ids, "v2", ["CUSTOM"])
        from botocore.exceptions import ClientError
        with self.assertRaises(ClientError) as c:
            self.sm.update_secret_version_stage(SecretId=n, VersionStage=C, MoveToVersionId=ids["v2"])
        self.assertIn(c.exception.response["Error"]["Code"], ("InvalidParameterException", "InvalidRequestException"))
        self.assertEqual(self.labels(n, ids), {"v1": [C], "v2": ["CUSTOM"]})


if __name__ == "__main__":
    unittest.main()
