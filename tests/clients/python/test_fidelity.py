"""AWS fidelity of issue 18, through boto3 and raw signed requests against a real `coffer serve`:
PrimaryRegion only where replication is involved, an empty Description not returned, and a
missing ClientRequestToken answered before the secret is looked up. Only throwaway values."""
import unittest
import uuid

from botocore.exceptions import ClientError

import raw_aws
from coffer_server import CofferServer

NO_TOKEN = "You must provide a ClientRequestToken value. We recommend a UUID-type value."
RNF = "Secrets Manager can't find the specified secret."

SRV = None


def setUpModule():
    global SRV
    SRV = CofferServer().start()


def tearDownModule():
    if SRV:
        SRV.close()


def raw_call(op, body, region="us-east-1"):
    """A SigV4-signed JSON 1.1 request as an SDK would send it, but with exactly `body` (no
    ClientRequestToken filled in). Returns (status, parsed body with the wire's member order)."""
    ak, sk = SRV.credentials()
    status, _, parsed = raw_aws.call(SRV.url, op, body, ak, sk, region=region)
    return status, parsed


def tok():
    return str(uuid.uuid4())


class Base(unittest.TestCase):
    maxDiff = 2000

    @classmethod
    def setUpClass(cls):
        cls.sm = SRV.client()
        cls.eu = SRV.client(region="eu-west-1")

    def entry(self, client, name):
        found = [e for e in client.list_secrets(Filters=[{"Key": "name", "Values": [name]}])["SecretList"]
                 if e["Name"] == name]
        self.assertEqual(len(found), 1, name)
        return found[0]


class PrimaryRegion(Base):
    def test_plain_secret_has_no_primary_region(self):
        self.sm.create_secret(Name="py/fid/plain", SecretString="v")
        self.assertNotIn("PrimaryRegion", self.sm.describe_secret(SecretId="py/fid/plain"))
        self.assertNotIn("PrimaryRegion", self.entry(self.sm, "py/fid/plain"))
        status, body = raw_call("DescribeSecret", {"SecretId": "py/fid/plain"})
        self.assertEqual(status, 200)
        self.assertNotIn("PrimaryRegion", body)
        self.assertEqual(list(body)[-1], "CreatedDate")

    def test_replicated_secret_and_replica_show_it_in_aws_order(self):
        self.sm.create_secret(Name="py/fid/rep", SecretString="v", AddReplicaRegions=[{"Region": "eu-west-1"}])
        d = self.sm.describe_secret(SecretId="py/fid/rep")
        self.assertEqual(d.get("PrimaryRegion"), "us-east-1")
        status, body = raw_call("DescribeSecret", {"SecretId": "py/fid/rep"})
        self.assertEqual(status, 200)
        self.assertEqual(list(body)[-3:], ["CreatedDate", "PrimaryRegion", "ReplicationStatus"])
        self.assertEqual(self.entry(self.sm, "py/fid/rep").get("PrimaryRegion"), "us-east-1")
        # The replica, in its own region.
        self.assertEqual(self.eu.describe_secret(SecretId="py/fid/rep").get("PrimaryRegion"), "us-east-1")
        status, body = raw_call("DescribeSecret", {"SecretId": "py/fid/rep"}, region="eu-west-1")
        self.assertEqual(list(body)[-2:], ["CreatedDate", "PrimaryRegion"])
        self.assertEqual(self.entry(self.eu, "py/fid/rep").get("PrimaryRegion"), "us-east-1")
        status, body = raw_call("ListSecrets", {"Filters": [{"Key": "name", "Values": ["py/fid/rep"]}]})
        self.assertEqual(list(body["SecretList"][0])[-2:], ["CreatedDate", "PrimaryRegion"])
        # No replicas left: no longer shown.
        self.sm.remove_regions_from_replication(SecretId="py/fid/rep", RemoveReplicaRegions=["eu-west-1"])
        self.assertNotIn("PrimaryRegion", self.sm.describe_secret(SecretId="py/fid/rep"))


class EmptyDescription(Base):
    def test_created_empty_is_not_returned(self):
        self.sm.create_secret(Name="py/fid/desc0", SecretString="v", Description="")
        self.assertNotIn("Description", self.sm.describe_secret(SecretId="py/fid/desc0"))
        self.assertNotIn("Description", self.entry(self.sm, "py/fid/desc0"))
        status, body = raw_call("DescribeSecret", {"SecretId": "py/fid/desc0"})
        self.assertNotIn("Description", body)

    def test_updated_to_empty_is_not_returned(self):
        self.sm.create_secret(Name="py/fid/desc1", SecretString="v", Description="first")
        self.assertEqual(self.sm.describe_secret(SecretId="py/fid/desc1")["Description"], "first")
        self.sm.update_secret(SecretId="py/fid/desc1", Description="")
        self.assertNotIn("Description", self.sm.describe_secret(SecretId="py/fid/desc1"))
        self.assertNotIn("Description", self.entry(self.sm, "py/fid/desc1"))
        self.sm.update_secret(SecretId="py/fid/desc1", Description="again")
        self.assertEqual(self.sm.describe_secret(SecretId="py/fid/desc1")["Description"], "again")


class MissingClientRequestToken(Base):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sm.create_secret(Name="py/fid/tok", SecretString="value-1", Description="kept")

    def expect(self, op, body, error="InvalidRequestException"):
        status, got = raw_call(op, body)
        self.assertEqual((status, got), (400, {"__type": error, "Message": NO_TOKEN}), op)

    def test_raw_request_with_a_token_succeeds(self):
        # The control: the same raw path works once the token is there.
        status, body = raw_call("CreateSecret", {"Name": "py/fid/tok-ok", "SecretString": "v",
                                                 "ClientRequestToken": tok()})
        self.assertEqual(status, 200, body)

    def test_create_put_update_without_token(self):
        self.expect("CreateSecret", {"Name": "py/fid/tok-new", "SecretString": "v"})
        self.expect("CreateSecret", {"Name": "py/fid/tok-novalue"})
        self.expect("PutSecretValue", {"SecretId": "py/fid/tok", "SecretString": "value-2"})
        self.expect("UpdateSecret", {"SecretId": "py/fid/tok", "SecretString": "value-2"})
        self.expect("UpdateSecret", {"SecretId": "py/fid/tok", "Description": "changed"})
        # Nothing was done.
        for name in ("py/fid/tok-new", "py/fid/tok-novalue"):
            status, body = raw_call("DescribeSecret", {"SecretId": name})
            self.assertEqual((status, body.get("Message")), (400, RNF))
        d = self.sm.describe_secret(SecretId="py/fid/tok")
        self.assertEqual(d["Description"], "kept")
        self.assertEqual(len(d["VersionIdsToStages"]), 1)
        self.assertEqual(self.sm.get_secret_value(SecretId="py/fid/tok")["SecretString"], "value-1")

    def test_rotate_without_token_is_invalid_parameter(self):
        self.expect("RotateSecret", {"SecretId": "py/fid/tok", "RotateImmediately": False},
                    error="InvalidParameterException")

    def test_checked_before_the_secret_is_looked_up(self):
        self.expect("PutSecretValue", {"SecretId": "py/fid/missing", "SecretString": "v"})
        self.expect("UpdateSecret", {"SecretId": "py/fid/missing", "Description": "d"})
        self.expect("RotateSecret", {"SecretId": "py/fid/missing"}, error="InvalidParameterException")
        # With a token, the same request reaches the lookup.
        status, body = raw_call("PutSecretValue", {"SecretId": "py/fid/missing", "SecretString": "v",
                                                   "ClientRequestToken": tok()})
        self.assertEqual((status, body.get("__type")), (400, "ResourceNotFoundException"))


class RecordedTexts(Base):
    """Texts that replaced guesses with AWS answers quoted in public issue threads (messages.h)."""

    def error(self, call):
        with self.assertRaises(ClientError) as c:
            call()
        e = c.exception.response["Error"]
        return e["Code"], e.get("Message")

    def test_replica_and_replicated_primary(self):
        arn = self.sm.create_secret(Name="py/fid/txt-rep", SecretString="v",
                                    AddReplicaRegions=[{"Region": "eu-west-1"}])["ARN"]
        self.assertEqual(self.error(lambda: self.sm.delete_secret(SecretId="py/fid/txt-rep")),
                         ("InvalidParameterException",
                          "You can't delete secret %s that still has replica regions [eu-west-1]." % arn))
        replica_only = ("InvalidParameterException",
                        "Operation not permitted on a replica secret. Call must be made in primary secret's region.")
        self.assertEqual(self.error(lambda: self.eu.put_secret_value(SecretId="py/fid/txt-rep", SecretString="w")),
                         replica_only)
        self.assertEqual(self.error(lambda: self.eu.delete_secret(SecretId="py/fid/txt-rep")), replica_only)
        self.assertEqual(self.eu.get_secret_value(SecretId="py/fid/txt-rep")["SecretString"], "v")

    def test_system_tag_key(self):
        self.sm.create_secret(Name="py/fid/txt-tag", SecretString="v")
        self.assertEqual(
            self.error(lambda: self.sm.tag_resource(SecretId="py/fid/txt-tag",
                                                    Tags=[{"Key": "aws:cloudformation:stack-name", "Value": "x"}])),
            ("InvalidParameterException", "You can't modify system tags. Tag key: 'aws:cloudformation:stack-name'."))

    def test_put_without_a_value(self):
        self.sm.create_secret(Name="py/fid/txt-put", SecretString="v")
        self.assertEqual(self.error(lambda: self.sm.put_secret_value(SecretId="py/fid/txt-put")),
                         ("InvalidRequestException", "You must provide either SecretString or SecretBinary."))


if __name__ == "__main__":
    unittest.main()
