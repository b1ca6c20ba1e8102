"""Access-key revocation and sealed-row binding (issue 18, security items 3 and 5), black-box.

A key deactivated or deleted by `coffer admin access-key …` while `coffer serve` runs on the same
data directory stops working within the server's auth poll interval (250 ms by default; the tests
allow 2 s); reactivating it brings it back. A key whose row had its account, principal or status
changed in the database (without the root key) is refused as unknown, and nothing else breaks.
"""
import base64
import os
import re
import sqlite3
import unittest

try:  # Debian's python3-cryptography: to write a row as schema 6 sealed it
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
except ImportError:
    AESGCM = None

import admin_cli
from admin_cli import error_code, wait_for
from coffer_server import CofferServer, record_sensitive


# Schemas 10 (the rotation index), 9 (IAM entities) and 8 (account name and status, issue 20)
# are undone first to get back to schema 6.
UNDO_MIGRATION_8 = ("DROP INDEX secrets_by_rotation; DROP TABLE iam_entities; DROP TRIGGER accounts_insert_generation; DROP TRIGGER accounts_update_generation;"
                    "DROP TRIGGER accounts_delete_generation; DROP INDEX accounts_by_name;"
                    "ALTER TABLE accounts DROP COLUMN name; ALTER TABLE accounts DROP COLUMN status;")


def admin(srv, *args):
    """Runs `coffer admin access-key ARGS --data-dir DIR`; returns (returncode, stdout, stderr)."""
    return admin_cli.admin(srv, "access-key", *args)


def db_exec(srv, sql, *params):
    con = sqlite3.connect(os.path.join(srv.data_dir, "coffer.db"), timeout=10)
    try:
        with con:
            con.execute(sql, params)
    finally:
        con.close()


class RevocationTest(unittest.TestCase):
    def setUp(self):
        self.srv = CofferServer().start()
        self.akid, _ = self.srv.credentials()
        self.sm = self.srv.client()
        self.sm.create_secret(Name="revocation/s", SecretString="revocation-test-value-1")

    def tearDown(self):
        self.srv.close()

    def create_key(self):
        rc, out, err = admin(self.srv, "create")
        self.assertEqual(rc, 0, err)
        akid = re.search(r"aws_access_key_id = (\S+)", out).group(1)
        secret = re.search(r"aws_secret_access_key = (\S+)", out).group(1)
        record_sensitive(secret)
        return akid, secret

    def get(self, client=None):
        return lambda: (client or self.sm).get_secret_value(SecretId="revocation/s")

    def test_admin_deactivate_activate_delete_while_serving(self):
        self.assertIsNone(error_code(self.get()))
        rc, _, err = admin(self.srv, "deactivate", "--access-key-id", self.akid)
        self.assertEqual(rc, 0, err)
        code, took = wait_for(self.get(), "UnrecognizedClientException")
        self.assertEqual(code, "UnrecognizedClientException", "still accepted %.2f s after deactivate" % took)
        rc, out, _ = admin(self.srv, "list")
        self.assertRegex(out, r"%s\s+\d+\s+Inactive\s+ok" % self.akid)

        rc, _, err = admin(self.srv, "activate", "--access-key-id", self.akid)
        self.assertEqual(rc, 0, err)
        code, took = wait_for(self.get(), None)
        self.assertIsNone(code, "still refused %.2f s after activate" % took)

        other = self.srv.client(*self.create_key())
        rc, _, err = admin(self.srv, "delete", "--access-key-id", self.akid)
        self.assertEqual(rc, 0, err)
        code, took = wait_for(self.get(), "UnrecognizedClientException")
        self.assertEqual(code, "UnrecognizedClientException", "still accepted %.2f s after delete" % took)
        self.assertIsNone(error_code(self.get(other)))  # the other key is untouched
        self.assertNotIn(self.akid, admin(self.srv, "list")[1])
        rc, _, err = admin(self.srv, "delete", "--access-key-id", self.akid)
        self.assertEqual(rc, 1)
        self.assertIn("no access key", err)

    def test_status_flipped_in_the_database_while_serving_stops_the_key(self):
        # Without the root key a write to `active` cannot be resealed: the row no
        # longer opens, so the key is refused, and the running server notices.
        self.assertIsNone(error_code(self.get()))
        db_exec(self.srv, "UPDATE access_keys SET active = 0 WHERE access_key_id = ?", self.akid)
        code, took = wait_for(self.get(), "UnrecognizedClientException")
        self.assertEqual(code, "UnrecognizedClientException", "still accepted %.2f s later" % took)

    def test_tampered_row_is_refused_and_nothing_else_breaks(self):
        other_akid, other_secret = self.create_key()
        other = self.srv.client(other_akid, other_secret)
        self.assertIsNone(error_code(self.get(other)))
        account = self.sm.describe_secret(SecretId="revocation/s")["ARN"].split(":")[4]
        for column, value in (("account_id", "999999999999"),
                              ("principal_arn", "arn:aws:iam::%s:user/someone-else" % account)):
            with self.subTest(column=column):
                self.srv.stop()
                db_exec(self.srv, "UPDATE access_keys SET %s = ? WHERE access_key_id = ?" % column,
                        value, self.akid)
                self.srv.start()
                sm = self.srv.client()
                self.assertEqual(error_code(lambda: sm.get_secret_value(SecretId="revocation/s")),
                                 "UnrecognizedClientException")
                other = self.srv.client(other_akid, other_secret)
                self.assertEqual(other.get_secret_value(SecretId="revocation/s")["SecretString"],
                                 "revocation-test-value-1")
                with open(self.srv.log_path) as f:
                    log = f.read()
                self.assertRegex(log, r'"level":"error".*"access_key_id":"%s"' % self.akid)
                self.assertNotIn(self.srv.credentials()[1], log)
                self.assertRegex(admin(self.srv, "list")[1], r"%s\s+\S+\s+Active\s+refused" % self.akid)
                # Putting the column back makes the row open again.
                original = account if column == "account_id" else "arn:aws:iam::%s:user/admin" % account
                self.srv.stop()
                db_exec(self.srv, "UPDATE access_keys SET %s = ? WHERE access_key_id = ?" % column,
                        original, self.akid)
                self.srv.start()
                sm = self.srv.client()
                self.assertIsNone(error_code(lambda: sm.get_secret_value(SecretId="revocation/s")))

    @unittest.skipIf(AESGCM is None, "needs python3-cryptography")
    def test_schema_6_database_is_resealed_at_start(self):
        # Turn the data directory into what Coffer wrote before schema 7: no
        # seal_version, no auth generation, the secret sealed with AAD = id alone.
        self.srv.stop()
        akid, secret = self.srv.credentials()
        with open(os.path.join(self.srv.data_dir, "root.key")) as f:
            root = base64.b64decode(f.read().strip())
        nonce = os.urandom(12)
        blob = b"\x01" + nonce + AESGCM(root).encrypt(nonce, secret.encode(),
                                                       b"\x01access-key|" + akid.encode())
        con = sqlite3.connect(os.path.join(self.srv.data_dir, "coffer.db"))
        con.execute("UPDATE access_keys SET sealed_secret = ? WHERE access_key_id = ?", (blob, akid))
        con.commit()
        con.executescript(UNDO_MIGRATION_8 +
                          "DROP TRIGGER access_keys_insert_generation; DROP TRIGGER access_keys_update_generation;"
                          "DROP TRIGGER access_keys_delete_generation; DROP TABLE auth_generation;"
                          "ALTER TABLE access_keys DROP COLUMN seal_version; PRAGMA user_version = 6;")
        con.close()
        self.srv.start()
        sm = self.srv.client()
        self.assertEqual(sm.get_secret_value(SecretId="revocation/s")["SecretString"], "revocation-test-value-1")
        con = sqlite3.connect(os.path.join(self.srv.data_dir, "coffer.db"))
        try:
            version, sealed = con.execute("SELECT seal_version, sealed_secret FROM access_keys "
                                          "WHERE access_key_id = ?", (akid,)).fetchone()
        finally:
            con.close()
        self.assertEqual(version, 2)
        self.assertNotEqual(sealed, blob)
        with open(self.srv.log_path) as f:
            self.assertIn("resealed access keys", f.read())
        # Bound now: moving it to another account makes it unknown.
        db_exec(self.srv, "UPDATE access_keys SET account_id = '999999999999' WHERE access_key_id = ?", akid)
        code, took = wait_for(lambda: sm.get_secret_value(SecretId="revocation/s"), "UnrecognizedClientException")
        self.assertEqual(code, "UnrecognizedClientException")


if __name__ == "__main__":
    unittest.main()
