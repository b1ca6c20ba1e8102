"""Accounts made by `coffer admin account …` while `coffer serve` runs (issue 20, item 1), black-box.

`create` makes a 12-digit account and its administrator and writes the administrator's key in the
shared-credentials format (0600); that key works at once against the running server, and its
secrets are invisible to the default account (and the other way round). `list` shows every account
without secrets; `disable` refuses the account's keys within the server's auth poll interval
(250 ms by default; the test allows 2 s) while the default account keeps working; `enable` brings
them back. Duplicate and malformed names are refused with a clear message.
"""
import configparser
import os
import re
import stat
import tempfile
import unittest

import admin_cli
from admin_cli import error_code, wait_for
from coffer_server import CofferServer, record_sensitive



def account(srv, *args):
    """Runs `coffer admin account ARGS --data-dir DIR`; returns (returncode, stdout, stderr)."""
    return admin_cli.admin(srv, "account", *args)


class AccountsTest(unittest.TestCase):
    def setUp(self):
        self.srv = CofferServer().start()
        self.sm = self.srv.client()
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.srv.close()
        self.tmp.cleanup()

    def create(self, name):
        """Creates account `name` with --credentials-out; returns (account id, client, file)."""
        path = os.path.join(self.tmp.name, name + ".credentials")
        rc, out, err = account(self.srv, "create", "--name", name, "--credentials-out", path)
        self.assertEqual(rc, 0, err)
        account_id = out.strip()
        self.assertRegex(account_id, r"^[1-9][0-9]{11}$")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        creds = configparser.ConfigParser()
        creds.read(path)
        akid = creds["default"]["aws_access_key_id"]
        secret = creds["default"]["aws_secret_access_key"]
        record_sensitive(secret)
        self.assertNotIn(secret, out + err)
        return account_id, self.srv.client(akid, secret), path

    def test_create_use_isolate_list_disable_enable_while_serving(self):
        account_id, team, _ = self.create("team-a")
        # The new administrator works at once, in its own account.
        arn = team.create_secret(Name="accounts/s", SecretString="team-a-value")["ARN"]
        self.assertIn(":%s:secret:accounts/s-" % account_id, arn)
        self.assertEqual(team.get_secret_value(SecretId="accounts/s")["SecretString"], "team-a-value")
        # Isolated from the default account, both ways (same name, different secrets).
        self.assertEqual(error_code(lambda: self.sm.get_secret_value(SecretId="accounts/s")),
                         "ResourceNotFoundException")
        self.assertEqual(self.sm.list_secrets()["SecretList"], [])
        self.sm.create_secret(Name="accounts/s", SecretString="default-value")
        self.assertEqual(team.get_secret_value(SecretId="accounts/s")["SecretString"], "team-a-value")
        self.assertEqual(self.sm.get_secret_value(SecretId="accounts/s")["SecretString"], "default-value")

        rc, out, err = account(self.srv, "list")
        self.assertEqual(rc, 0, err)
        self.assertRegex(out, r"\n\d{12}\s+default\s+Active\s+\d{4}-\d\d-\d\dT")
        self.assertRegex(out, r"\n%s\s+team-a\s+Active\s+\d{4}-\d\d-\d\dT" % account_id)
        self.assertNotIn("aws_secret_access_key", out)

        rc, out, err = account(self.srv, "disable", "--account-id", account_id)
        self.assertEqual(rc, 0, err)
        get = lambda: team.get_secret_value(SecretId="accounts/s")
        code, took = wait_for(get, "UnrecognizedClientException")
        self.assertEqual(code, "UnrecognizedClientException", "still accepted %.2f s after disable" % took)
        self.assertIsNone(error_code(lambda: self.sm.get_secret_value(SecretId="accounts/s")))
        self.assertRegex(account(self.srv, "list")[1], r"%s\s+team-a\s+Disabled" % account_id)

        rc, _, err = account(self.srv, "enable", "--account-id", account_id)
        self.assertEqual(rc, 0, err)
        code, took = wait_for(get, None)
        self.assertIsNone(code, "still refused %.2f s after enable" % took)

    def test_credentials_to_stdout(self):
        rc, out, err = account(self.srv, "create", "--name", "to-stdout")
        self.assertEqual(rc, 0, err)
        account_id = re.search(r"^# account (\d{12}) \(to-stdout\)", out, re.M).group(1)
        creds = configparser.ConfigParser()
        creds.read_string(out)
        secret = creds["default"]["aws_secret_access_key"]
        record_sensitive(secret)
        client = self.srv.client(creds["default"]["aws_access_key_id"], secret)
        self.assertIn(":%s:secret:x-" % account_id, client.create_secret(Name="x", SecretString="v")["ARN"])

    def test_bad_and_duplicate_names_are_refused(self):
        account_id, _, path = self.create("dup-name")
        rc, out, err = account(self.srv, "create", "--name", "dup-name",
                               "--credentials-out", path + ".2")
        self.assertEqual(rc, 1)
        self.assertIn('an account named "dup-name" already exists (%s)' % account_id, err)
        self.assertFalse(os.path.exists(path + ".2"))
        for bad in ["ab", "Upper", "-lead", "trail-", "dou--ble", "under_score", "x" * 64]:
            rc, out, err = account(self.srv, "create", "--name", bad)
            self.assertEqual(rc, 1, bad)
            self.assertIn("account name", err, bad)
            self.assertEqual(out, "", bad)
        # Never overwrites a credentials file.
        rc, _, err = account(self.srv, "create", "--name", "other-name", "--credentials-out", path)
        self.assertEqual(rc, 1)
        self.assertIn("already exists", err)
        names = re.findall(r"^\d{12}\s+(\S+)", account(self.srv, "list")[1], re.M)
        self.assertEqual(names, ["default", "dup-name"])
        rc, _, err = account(self.srv, "disable", "--account-id", "999999999999")
        self.assertEqual(rc, 1)
        self.assertIn("no account 999999999999", err)


if __name__ == "__main__":
    unittest.main()
