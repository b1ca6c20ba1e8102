"""Issue 21 end to end: secret rotation with boto3 against the real server and a real PostgreSQL.

One PostgreSQL cluster and one Coffer (with a configuration file of [functions.NAME] bindings
and fast [rotation] settings) serve the whole class. Every test has its own database role and
secret (the JSON AWS's console writes for an RDS PostgreSQL secret). The functions:
  * tests/rotation/pg_single_user.py, a single-user PostgreSQL rotator in the shape of AWS's
    template, bound as `python_handler` and as `command`; its FAIL_STEP / SLEEP_STEP / STEP_LOG
    environment variables make failures, slow steps and a record of the steps that ran;
  * tests/rotation/http_function.py, the same handler behind HTTP on a thread (`url`);
  * Coffer's built-in "postgresql-single-user".
Restarts (srv.stop(); srv.start(), or kill -9) keep the data directory.
QueuedRequestTest (its own Coffer, one worker, no PostgreSQL) holds two expected failures: a
known engine bug, rotations requested while the secret is queued or running are lost.
No secret value is printed; passwords are recorded for tests/hygiene_scan.py.
"""
import calendar
import itertools
import json
import os
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
import unittest
import uuid

from botocore.exceptions import ClientError
from coffer_server import REPO, CofferServer, record_sensitive
from pg_server import PgServer

sys.path.insert(0, os.path.join(REPO, "tests", "rotation"))
from http_function import HttpFunction  # noqa: E402

HANDLER = os.path.join(REPO, "tests", "rotation", "pg_single_user.py")
CANNOT_INVOKE = ("Secrets Manager cannot invoke the specified Lambda function. Ensure that the "
                 "function policy grants access to the principal secretsmanager.amazonaws.com.")
IN_PROGRESS = "A previous rotation isn't complete. That rotation will be reattempted."
STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")
# Python functions do not inherit the test's environment: keep boto3 off any local config.
PY_ENV = {"AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"}
ROTATOR_POLICY = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Resource": "*",
    "Action": ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue",
               "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage",
               "secretsmanager:GetRandomPassword"]}]}


def code(err):
    return err.response["Error"]["Code"]


def trust(service):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})


def toml_value(v):
    if isinstance(v, dict):
        return "{ " + ", ".join("%s = %s" % (k, toml_value(x)) for k, x in v.items()) + " }"
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, int):
        return str(v)
    return json.dumps(v)  # a TOML basic string


class RotationHarness(unittest.TestCase):
    """A Coffer started with a configuration file (fast [rotation] settings, then the
    [functions] bindings once its account is known, read on SIGHUP), a role `rotator` that
    lambda.amazonaws.com may assume, and helpers. Subclasses set cls.tmp first."""
    SETTINGS = {"poll_interval_ms": 200, "retry_delay_ms": 200, "max_attempts": 2, "workers": 4}

    @classmethod
    def start_coffer(cls):
        cls.config_path = os.path.join(cls.tmp, "coffer.toml")
        cls.bindings = {}
        cls.write_config()
        cls.srv = CofferServer(args=["--config", cls.config_path]).start()
        cls.srv.listen = cls.srv.url.split("//")[1]  # restarts keep the port (and the clients)
        cls.sm = cls.srv.client()
        cls.iam = cls.srv.client(service="iam")
        cls.account = cls.srv.client(service="sts").get_caller_identity()["Account"]
        cls.iam.create_role(RoleName="rotator",
                            AssumeRolePolicyDocument=trust("lambda.amazonaws.com"))
        cls.iam.put_role_policy(RoleName="rotator", PolicyName="rotate",
                                PolicyDocument=json.dumps(ROTATOR_POLICY))

    @classmethod
    def role(cls, name):
        return "arn:aws:iam::%s:role/%s" % (cls.account, name)

    # --- helpers --------------------------------------------------------------------------

    @classmethod
    def step_log(cls, name):
        return os.path.join(cls.tmp, "steps-%s.log" % name)

    @classmethod
    def write_config(cls):
        lines = ["[rotation]"] + ["%s = %d" % kv for kv in cls.SETTINGS.items()] + [""]
        for name, b in cls.bindings.items():
            lines.append("[functions.%s]" % name)
            lines += ["%s = %s" % (k, toml_value(v)) for k, v in b.items()]
            lines.append("")
        with open(cls.config_path + ".new", "w") as f:
            f.write("\n".join(lines))
        os.replace(cls.config_path + ".new", cls.config_path)

    @classmethod
    def log_events(cls, msg, **match):
        out = []
        with open(cls.srv.log_path, errors="replace") as f:
            for line in f:
                if not line.startswith("{"):
                    continue
                try:
                    e = json.loads(line)
                except ValueError:
                    continue
                if e.get("msg") == msg and all(e.get(k) == v for k, v in match.items()):
                    out.append(e)
        return out

    @classmethod
    def hup(cls):
        """SIGHUP: the server reads its [functions] again; waits for the log line."""
        before = len(cls.log_events("SIGHUP: rotation functions reloaded"))
        cls.srv.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while len(cls.log_events("SIGHUP: rotation functions reloaded")) == before:
            if time.monotonic() > deadline:
                raise AssertionError("no reload after SIGHUP: " + cls.srv.log_tail())
            time.sleep(0.05)

    def restart(self, kill=False):
        if kill:
            self.srv.proc.kill()  # SIGKILL: nothing is flushed or finished
            self.srv.proc.wait()
        self.srv.stop()
        self.srv.start()

    def lambda_arn(self, name):
        return "arn:aws:lambda:us-east-1:%s:function:%s" % (self.account, name)

    def new_db_secret(self, tag):
        """A PostgreSQL role and its secret; returns (arn, username, password, version id)."""
        user = "%s_%s" % (tag, uuid.uuid4().hex[:8])
        password = secrets.token_hex(16)
        record_sensitive(password)
        self.pg.psql("CREATE ROLE \"%s\" LOGIN PASSWORD '%s'" % (user, password))
        value = {"engine": "postgres", "host": "127.0.0.1", "port": self.pg.port,
                 "username": user, "password": password, "dbname": "postgres"}
        out = self.sm.create_secret(Name="rotation/%s/%s" % (tag, user),
                                    SecretString=json.dumps(value))
        return out["ARN"], user, password, out["VersionId"]

    def value(self, arn, **kw):
        v = json.loads(self.sm.get_secret_value(SecretId=arn, **kw)["SecretString"])
        record_sensitive(v["password"])
        return v

    def stages(self, arn, deprecated=False):
        out = self.sm.list_secret_version_ids(SecretId=arn, IncludeDeprecated=deprecated)
        return {v["VersionId"]: sorted(v.get("VersionStages", [])) for v in out["Versions"]}

    def can_login(self, user, password):
        return self.pg.can_login(user, password)

    def wait_for(self, what, fn, timeout=30.0, interval=0.1):
        deadline = time.monotonic() + timeout
        while True:
            got = fn()
            if got:
                return got
            if time.monotonic() > deadline:
                self.fail("timed out after %.0f s waiting for %s; log: %s"
                          % (timeout, what, self.srv.log_tail(8)))
            time.sleep(interval)

    def wait_rotated(self, arn, token, timeout=30.0):
        """Waits until `token` alone holds AWSCURRENT with no AWSPENDING left; DescribeSecret."""
        def done():
            d = self.sm.describe_secret(SecretId=arn)
            ok = d["VersionIdsToStages"].get(token) == ["AWSCURRENT"] and "LastRotatedDate" in d
            return d if ok else None
        return self.wait_for("rotation of %s to %s" % (arn, token), done, timeout)

    def wait_attempts_failed(self, arn, n, timeout=30.0):
        failed = lambda: len(self.log_events("rotation attempt failed", secret=arn))  # noqa: E731
        return self.wait_for("%d failed attempts of %s" % (n, arn), lambda: failed() >= n, timeout)

    def step_lines(self, name):
        """(step, token) for each step the function `name` finished (its STEP_LOG)."""
        try:
            with open(self.step_log(name)) as f:
                return [tuple(line.split()) for line in f if len(line.split()) == 2]
        except FileNotFoundError:
            return []

    def steps_run(self, name, token):
        return [step for step, t in self.step_lines(name) if t == token]

    def assert_rotation_done(self, arn, user, token, old_password, previous_version, days=30):
        d = self.wait_rotated(arn, token)
        new = self.value(arn)
        self.assertNotEqual(new["password"], old_password)
        self.assertTrue(self.can_login(user, new["password"]), "the new password does not log in")
        self.assertFalse(self.can_login(user, old_password), "the old password still logs in")
        st = self.stages(arn)
        self.assertEqual(st[token], ["AWSCURRENT"])
        self.assertEqual(st[previous_version], ["AWSPREVIOUS"])
        self.assertNotIn("AWSPENDING", sum(st.values(), []))
        self.assertTrue(d["RotationEnabled"])
        self.assertIn("RotationLambdaARN", d)
        self.assertEqual(d["RotationRules"]["AutomaticallyAfterDays"], days)
        self.assertGreater(d["NextRotationDate"], d["LastRotatedDate"])
        return d, new


class RotationTest(RotationHarness):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="coffer-rotation.")
        cls.pg = PgServer(fsync=False)
        cls.pg.init()
        cls.pg.start()
        cls.http_fn = HttpFunction(env=dict(STEP_LOG=cls.step_log("url")),
                                   on_secret=record_sensitive).start()
        cls.start_coffer()
        role = cls.role
        cls.iam.create_role(RoleName="ec2-only",
                            AssumeRolePolicyDocument=trust("ec2.amazonaws.com"))

        def py(name, **env):
            return dict(python_handler=HANDLER, role_arn=role("rotator"),
                        environment=dict(PY_ENV, STEP_LOG=cls.step_log(name), **env))

        def cmd(name, **env):
            return dict(command=["/usr/bin/python3", HANDLER], role_arn=role("rotator"),
                        environment=dict(PY_ENV, STEP_LOG=cls.step_log(name), **env))

        cls.bindings = {
            "py": py("py"),
            "cmd": cmd("cmd"),
            "url": dict(url=cls.http_fn.url, role_arn=role("rotator")),
            "builtin": dict(builtin="postgresql-single-user", role_arn=role("rotator")),
            "testonly": py("testonly"),
            "race": py("race"),
            "cancel": py("cancel", FAIL_STEP="setSecret"),
            "untrusted": py("untrusted"),
            "ghost": py("ghost"),
            "sleepy": dict(cmd("sleepy", SLEEP_STEP="setSecret", SLEEP_SECONDS="30",
                               SLEEP_ONCE_FILE=os.path.join(cls.tmp, "sleepy.once")),
                           timeout_seconds=60),
        }
        cls.bindings["untrusted"]["role_arn"] = role("ec2-only")
        cls.bindings["ghost"]["role_arn"] = role("no-such-role")
        for step in STEPS:
            cls.bindings["fail-" + step] = py("fail-" + step, FAIL_STEP=step)
        cls.write_config()
        cls.hup()

    @classmethod
    def tearDownClass(cls):
        cls.srv.close()
        cls.http_fn.stop()
        cls.pg.cleanup()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    # --- a. full rotations with each kind of function --------------------------------------

    def test_a_full_rotation_with_each_kind_of_function(self):
        kinds = ("py", "cmd", "url", "builtin")
        made = {k: self.new_db_secret("a" + k) for k in kinds}
        tokens = {k: str(uuid.uuid4()) for k in kinds}
        for k in kinds:
            arn = made[k][0]
            out = self.sm.rotate_secret(SecretId=arn, ClientRequestToken=tokens[k],
                                        RotationLambdaARN=self.lambda_arn(k),
                                        RotationRules={"AutomaticallyAfterDays": 30})
            self.assertEqual(out["VersionId"], tokens[k])
            self.assertEqual(out["ARN"], arn)
        first = {}
        for k in kinds:
            arn, user, password, v0 = made[k]
            with self.subTest(kind=k, rotation=1):
                d, new = self.assert_rotation_done(arn, user, tokens[k], password, v0)
                self.assertEqual(d["RotationLambdaARN"], self.lambda_arn(k))
                if k != "builtin":
                    self.assertEqual(self.steps_run(k, tokens[k]), list(STEPS))
                first[k] = (d["LastRotatedDate"], new["password"])
        # A second rotation: the first new version becomes AWSPREVIOUS, the original deprecated.
        tokens2 = {k: str(uuid.uuid4()) for k in kinds}
        for k in kinds:
            out = self.sm.rotate_secret(SecretId=made[k][0], ClientRequestToken=tokens2[k])
            self.assertEqual(out["VersionId"], tokens2[k])
        for k in kinds:
            arn, user, _, v0 = made[k]
            with self.subTest(kind=k, rotation=2):
                d, _ = self.assert_rotation_done(arn, user, tokens2[k], first[k][1], tokens[k])
                self.assertGreater(d["LastRotatedDate"], first[k][0])
                self.assertNotIn(v0, self.stages(arn))
                self.assertEqual(self.stages(arn, deprecated=True).get(v0), [])

    # --- b. a failure at each step, and the recovery ---------------------------------------

    def test_b_failure_at_each_step_then_recovery(self):
        made, tokens = {}, {}
        for step in STEPS:
            made[step] = self.new_db_secret("b" + step[:6].lower())
            tokens[step] = self.sm.rotate_secret(
                SecretId=made[step][0], RotationLambdaARN=self.lambda_arn("fail-" + step),
                RotationRules={"AutomaticallyAfterDays": 1})["VersionId"]
        for step in STEPS:
            arn, user, password, v0 = made[step]
            token = tokens[step]
            with self.subTest(step=step):
                self.wait_attempts_failed(arn, 2)  # max_attempts = 2, then the engine gives up
                d = self.sm.describe_secret(SecretId=arn)
                self.assertNotIn("LastRotatedDate", d)
                self.assertTrue(d["RotationEnabled"])
                self.assertEqual(d["VersionIdsToStages"][v0], ["AWSCURRENT"])
                self.assertEqual(d["VersionIdsToStages"][token], ["AWSPENDING"])
                self.assertEqual(self.value(arn)["password"], password)  # AWSCURRENT unchanged
                if step == "createSecret":
                    with self.assertRaises(ClientError) as e:
                        self.sm.get_secret_value(SecretId=arn, VersionId=token,
                                                 VersionStage="AWSPENDING")
                    self.assertEqual(code(e.exception), "ResourceNotFoundException")
                    pending = None
                else:
                    pending = self.value(arn, VersionId=token, VersionStage="AWSPENDING")
                    self.assertNotEqual(pending["password"], password)
                if step in ("createSecret", "setSecret"):
                    self.assertTrue(self.can_login(user, password))
                else:  # setSecret ran: the database has the pending password, as on AWS
                    self.assertTrue(self.can_login(user, pending["password"]))
                with self.assertRaises(ClientError) as e:
                    self.sm.rotate_secret(SecretId=arn, ClientRequestToken=str(uuid.uuid4()))
                self.assertEqual(code(e.exception), "InvalidRequestException")
                self.assertEqual(e.exception.response["Error"]["Message"], IN_PROGRESS)
                self.assertEqual(self.stages(arn)[token], ["AWSPENDING"])

        # The fix: the bindings without FAIL_STEP, read again on SIGHUP.
        for step in STEPS:
            del self.bindings["fail-" + step]["environment"]["FAIL_STEP"]
        self.write_config()
        self.hup()
        # Recovery 1 (AWS's advice for a stuck rotation): take AWSPENDING off the version and
        # rotate again; a new version is rotated in.
        arn, user, password, v0 = made["createSecret"]
        self.sm.update_secret_version_stage(SecretId=arn, VersionStage="AWSPENDING",
                                            RemoveFromVersionId=tokens["createSecret"])
        again = self.sm.rotate_secret(SecretId=arn)["VersionId"]
        self.assertNotEqual(again, tokens["createSecret"])
        self.assert_rotation_done(arn, user, again, password, v0, days=1)
        # Recovery 2: the engine reattempts an unfinished rotation on start (or at the next
        # window of the schedule); the same version becomes AWSCURRENT.
        self.restart()
        for step in ("setSecret", "testSecret", "finishSecret"):
            arn, user, password, v0 = made[step]
            with self.subTest(recovered=step):
                self.assert_rotation_done(arn, user, tokens[step], password, v0, days=1)

    # --- c. CancelRotateSecret -------------------------------------------------------------

    def test_c_cancel_during_a_failing_rotation(self):
        arn, user, password, v0 = self.new_db_secret("ccancel")
        token = self.sm.rotate_secret(SecretId=arn, RotationLambdaARN=self.lambda_arn("cancel"),
                                      RotationRules={"AutomaticallyAfterDays": 7})["VersionId"]
        self.wait_attempts_failed(arn, 1)  # createSecret ran, setSecret failed; a retry is due
        out = self.sm.cancel_rotate_secret(SecretId=arn)
        self.assertEqual(out["VersionId"], token)
        self.assertEqual(out["ARN"], arn)
        d = self.sm.describe_secret(SecretId=arn)
        self.assertFalse(d.get("RotationEnabled", False))
        self.assertNotIn("NextRotationDate", d)
        time.sleep(1.0)  # any retry due runs now, and must not rotate a cancelled secret
        self.assertLessEqual(len(self.log_events("rotation attempt failed", secret=arn)), 2)
        st = self.stages(arn)
        self.assertEqual(st[v0], ["AWSCURRENT"])
        self.assertEqual(st[token], ["AWSPENDING"])  # the labels stay for the caller to clean
        self.assertEqual(self.value(arn)["password"], password)
        self.assertTrue(self.can_login(user, password))

    # --- d. functions Coffer cannot invoke -------------------------------------------------

    def test_d_uninvokable_function_is_refused_and_nothing_stored(self):
        arn, user, password, v0 = self.new_db_secret("dnobind")
        for name in ("no-such-binding", "untrusted", "ghost"):
            with self.subTest(function=name):
                with self.assertRaises(ClientError) as e:
                    self.sm.rotate_secret(SecretId=arn, RotationLambdaARN=self.lambda_arn(name),
                                          RotationRules={"AutomaticallyAfterDays": 30})
                self.assertEqual(code(e.exception), "AccessDeniedException")
                self.assertEqual(e.exception.response["Error"]["Message"], CANNOT_INVOKE)
                d = self.sm.describe_secret(SecretId=arn)
                for key in ("RotationEnabled", "RotationLambdaARN", "RotationRules",
                            "NextRotationDate", "LastRotatedDate"):
                    self.assertNotIn(key, d)
                self.assertEqual(self.stages(arn), {v0: ["AWSCURRENT"]})

    # --- e. RotationToken -----------------------------------------------------------------

    def test_e_made_up_rotation_token_is_refused(self):
        arn, _, _, v0 = self.new_db_secret("etoken")
        for made_up in (str(uuid.uuid4()), "99999999999999-" + "ab" * 32):
            with self.subTest(token=made_up[:8]):
                with self.assertRaises(ClientError) as e:
                    self.sm.put_secret_value(SecretId=arn, ClientRequestToken=str(uuid.uuid4()),
                                             SecretString='{"password": "not-stored-ever-1"}',
                                             VersionStages=["AWSPENDING"], RotationToken=made_up)
                self.assertEqual(code(e.exception), "InvalidRequestException")
                self.assertEqual(e.exception.response["Error"]["Message"],
                                 "The rotation token is not valid for this secret version.")
        self.assertEqual(self.stages(arn, deprecated=True), {v0: ["AWSCURRENT"]})

    # --- f. RotateImmediately=false --------------------------------------------------------

    def test_f_rotate_immediately_false_runs_test_secret_alone(self):
        arn, user, password, v0 = self.new_db_secret("ftest")
        out = self.sm.rotate_secret(SecretId=arn, RotationLambdaARN=self.lambda_arn("testonly"),
                                    RotationRules={"AutomaticallyAfterDays": 30},
                                    RotateImmediately=False)
        self.assertNotIn("VersionId", out)

        def tested():
            return [t for step, t in self.step_lines("testonly") if step == "testSecret"]
        test_tokens = self.wait_for("the testSecret run", tested)
        self.assertEqual(len(test_tokens), 1)
        self.assertNotEqual(test_tokens[0], v0)
        self.assertEqual(self.steps_run("testonly", test_tokens[0]), ["testSecret"])
        # The test version goes once the run is over.
        self.wait_for("the AWSPENDING test version to go",
                      lambda: self.stages(arn, deprecated=True) == {v0: ["AWSCURRENT"]})
        d = self.sm.describe_secret(SecretId=arn)
        self.assertTrue(d["RotationEnabled"])
        self.assertIn("NextRotationDate", d)
        self.assertNotIn("LastRotatedDate", d)
        self.assertEqual(self.value(arn)["password"], password)
        self.assertTrue(self.can_login(user, password))

    # --- g. kill -9 in the middle of a rotation --------------------------------------------

    def test_g_kill_9_mid_rotation_then_the_rotation_completes(self):
        arn, user, password, v0 = self.new_db_secret("gkill")
        once = self.bindings["sleepy"]["environment"]["SLEEP_ONCE_FILE"]
        token = self.sm.rotate_secret(SecretId=arn, RotationLambdaARN=self.lambda_arn("sleepy"),
                                      RotationRules={"AutomaticallyAfterDays": 30})["VersionId"]
        self.wait_for("setSecret to start sleeping", lambda: os.path.exists(once)
                      and open(once).read().strip(), interval=0.05)
        self.assertEqual(self.steps_run("sleepy", token), ["createSecret"])
        self.restart(kill=True)
        # The function the killed server started is still asleep: end it (it is ours).
        try:
            os.kill(int(open(once).read()), signal.SIGKILL)
        except (ProcessLookupError, ValueError):
            pass
        self.assert_rotation_done(arn, user, token, password, v0)
        self.assertEqual(len(self.log_events("rotation resumed", secret=arn)), 1)

    # --- h. a rotation racing the caller's own label moves -------------------------------

    def test_h_rotation_racing_put_and_stage_moves_keeps_the_invariants(self):
        arn, user, password, v0 = self.new_db_secret("hrace")
        self.sm.rotate_secret(SecretId=arn, RotationLambdaARN=self.lambda_arn("race"),
                              RotationRules={"AutomaticallyAfterDays": 30})
        stop = threading.Event()
        problems, counts = [], {"put": 0, "move": 0, "check": 0, "rotate": 0}
        sm_w, sm_s, sm_c, sm_r = (self.srv.client() for _ in range(4))
        moves = itertools.count()

        def guard(name, body):
            def run():
                while not stop.is_set():
                    try:
                        body()
                        counts[name] += 1
                    except ClientError as e:
                        if code(e) not in ("InvalidRequestException", "InvalidParameterException",
                                           "ResourceNotFoundException"):
                            problems.append("%s: %s %s" % (name, code(e),
                                                           e.response["Error"]["Message"]))
                    except Exception as e:  # noqa: BLE001
                        problems.append("%s: %r" % (name, e))
                    time.sleep(0.02)
            return threading.Thread(target=run)

        def put():  # a new AWSCURRENT, a copy of the current value
            value = sm_w.get_secret_value(SecretId=arn)["SecretString"]
            sm_w.put_secret_value(SecretId=arn, ClientRequestToken=str(uuid.uuid4()),
                                  SecretString=value)
            time.sleep(0.15)  # ~25 versions in all: under the limit of 100

        def move():
            # The caller's own label BLUE, and every other time AWSCURRENT itself, to another
            # version that holds a value (not the rotation's AWSPENDING one: see the report on
            # an AWSCURRENT moved onto an empty placeholder).
            st = self.stages_of(sm_s, arn)
            n = next(moves)
            label = "AWSCURRENT" if n % 2 else "BLUE"
            targets = sorted(v for v, s in st.items() if "AWSPENDING" not in s)
            if len(targets) >= 2:
                kw = dict(SecretId=arn, VersionStage=label,
                          MoveToVersionId=targets[(n // 2) % len(targets)])
                holder = [v for v, s in st.items() if label in s]
                if holder:
                    kw["RemoveFromVersionId"] = holder[0]
                sm_s.update_secret_version_stage(**kw)

        def check():
            st = self.stages_of(sm_c, arn)
            labels = sum(st.values(), [])
            if labels.count("AWSCURRENT") != 1 or labels.count("AWSPENDING") > 1 \
                    or labels.count("BLUE") > 1:
                problems.append("labels: %s" % st)
            got = sm_c.get_secret_value(SecretId=arn)
            if "SecretString" not in got:
                problems.append("AWSCURRENT without a value")

        def rotate():
            # Rotate; when a rotation is stuck, clear its AWSPENDING as AWS advises and rotate
            # again (often while the engine still works on it).
            time.sleep(0.5)
            try:
                sm_r.rotate_secret(SecretId=arn)
            except ClientError as e:
                if code(e) == "InvalidRequestException":
                    stuck = [v for v, s in self.stages_of(sm_r, arn).items()
                             if "AWSPENDING" in s and "AWSCURRENT" not in s]
                    if stuck:
                        sm_r.update_secret_version_stage(SecretId=arn, VersionStage="AWSPENDING",
                                                         RemoveFromVersionId=stuck[0])
                raise

        threads = [guard("put", put), guard("move", move), guard("check", check),
                   guard("rotate", rotate)]
        for t in threads:
            t.start()
        time.sleep(4.0)
        stop.set()
        for t in threads:
            t.join()
        self.assertEqual(problems[:5], [], "%d problems" % len(problems))
        self.assertGreater(counts["check"], 10)
        self.assertGreater(counts["put"], 10)
        self.assertGreater(len(self.log_events("rotation step", secret=arn)), 0)
        # Afterwards the secret is not wedged: once any rotation in flight has ended (or been
        # given up), a fresh rotation goes through.
        self.wait_for("the engine to leave the secret", lambda: self.settled(arn), timeout=30)
        pending = [v for v, s in self.stages(arn).items() if "AWSPENDING" in s]
        if pending:
            self.sm.update_secret_version_stage(SecretId=arn, VersionStage="AWSPENDING",
                                                RemoveFromVersionId=pending[0])
        blue = self.holder(self.sm, arn, "BLUE")
        if blue:
            self.sm.update_secret_version_stage(SecretId=arn, VersionStage="BLUE",
                                                RemoveFromVersionId=blue)
        current_password = self.value(arn)["password"]
        if not self.can_login(user, current_password):  # a put after setSecret: set it back
            self.pg.psql("ALTER ROLE \"%s\" PASSWORD '%s'" % (user, current_password))
        prev = [v for v, s in self.stages(arn).items() if "AWSCURRENT" in s][0]
        token = self.sm.rotate_secret(SecretId=arn)["VersionId"]
        self.assert_rotation_done(arn, user, token, current_password, prev)

    @staticmethod
    def stages_of(client, arn):
        out = client.list_secret_version_ids(SecretId=arn)
        return {v["VersionId"]: v.get("VersionStages", []) for v in out["Versions"]}

    @classmethod
    def holder(cls, client, arn, label):
        for v, s in cls.stages_of(client, arn).items():
            if label in s:
                return v
        return None

    def settled(self, arn):
        """True when the rotation engine has been done with the secret for 2 s: its last event
        ends an attempt (a retry would come 200 ms after), or it has none."""
        events = [(e["time"], e["msg"]) for m in ("rotation step", "rotation attempt failed",
                                                  "rotation succeeded")
                  for e in self.log_events(m, secret=arn)]
        if not events:
            return True
        last_time, last_msg = max(events)
        stamp = calendar.timegm(time.strptime(last_time[:19], "%Y-%m-%dT%H:%M:%S"))
        return last_msg != "rotation step" and time.time() - stamp > 2.0


class QueuedRequestTest(RotationHarness):
    """Requests the engine must not lose: its own Coffer with one worker (no PostgreSQL)."""
    SETTINGS = {"poll_interval_ms": 200, "retry_delay_ms": 200, "max_attempts": 1, "workers": 1}

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="coffer-rotation-q.")
        cls.start_coffer()
        cls.bindings = {
            "slow": dict(command=["/bin/sh", "-c", "sleep 2; exit 1"],
                         role_arn=cls.role("rotator")),
            "noop": dict(command=["/bin/true"], role_arn=cls.role("rotator")),
        }
        cls.write_config()
        cls.hup()

    @classmethod
    def tearDownClass(cls):
        cls.srv.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    # A RotateSecret whose secret is still queued for a test-only run (RotateImmediately=false)
    # must run after it: the engine keeps the request (RotationEngine::Request's waiting list)
    # instead of dropping it.
    def test_rotation_requested_behind_a_queued_test_run_still_runs(self):
        a = self.sm.create_secret(Name="q/a", SecretString="queued-value-a-1")["ARN"]
        b = self.sm.create_secret(Name="q/b", SecretString="queued-value-b-1")["ARN"]
        self.sm.rotate_secret(SecretId=a, RotationLambdaARN=self.lambda_arn("slow"))
        self.wait_for("a's rotation to hold the only worker",
                      lambda: self.log_events("rotation step", secret=a), interval=0.02)
        self.sm.rotate_secret(SecretId=b, RotationLambdaARN=self.lambda_arn("noop"),
                              RotationRules={"AutomaticallyAfterDays": 30},
                              RotateImmediately=False)  # queued behind a
        token = self.sm.rotate_secret(SecretId=b)["VersionId"]  # the real rotation
        self.wait_for("b's rotation %s to run" % token,
                      lambda: self.log_events("rotation step", secret=b, version=token),
                      timeout=5)

    # A RotateSecret accepted while the secret's previous rotation still runs (its AWSPENDING
    # taken off, as AWS advises for a stuck rotation) runs when that attempt ends.
    def test_rotation_requested_while_the_previous_one_runs_still_runs(self):
        c = self.sm.create_secret(Name="q/c", SecretString="queued-value-c-1")["ARN"]
        first = self.sm.rotate_secret(SecretId=c, RotationLambdaARN=self.lambda_arn("slow"),
                                      RotationRules={"AutomaticallyAfterDays": 30})["VersionId"]
        self.wait_for("c's first rotation to run",
                      lambda: self.log_events("rotation step", secret=c), interval=0.02)
        self.sm.update_secret_version_stage(SecretId=c, VersionStage="AWSPENDING",
                                            RemoveFromVersionId=first)
        token = self.sm.rotate_secret(SecretId=c, RotationLambdaARN=self.lambda_arn("noop"),
                                      RotationRules={"AutomaticallyAfterDays": 30})["VersionId"]
        self.wait_for("c's second rotation %s to run" % token,
                      lambda: self.log_events("rotation step", secret=c, version=token),
                      timeout=5)


if __name__ == "__main__":
    unittest.main()
