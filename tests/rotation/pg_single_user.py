#!/usr/bin/python3
"""A rotation function for a single-user PostgreSQL secret, for Coffer's end-to-end tests.

It has the shape of AWS's published single-user PostgreSQL rotation template (one
lambda_handler(event, context) dispatching on event["Step"] to createSecret, setSecret,
testSecret and finishSecret, with the same checks and Secrets Manager calls), written for
these tests; it is not AWS's code.

The secret's SecretString is the JSON AWS's console writes for an RDS PostgreSQL secret:
{"engine": "postgres", "host": ..., "port": 5432, "username": ..., "password": ...,
"dbname": ...}.

Three ways to run it:
  * python_handler: Coffer's runner imports this file and calls lambda_handler;
  * command: `/usr/bin/python3 pg_single_user.py` reads the event JSON on stdin (below);
  * from http_function.py (a URL function), which calls handle() with the credentials of
    the request's headers.

Settings from the environment (the binding's `environment`):
  SECRETS_MANAGER_ENDPOINT  Coffer's URL (set by Coffer for every invocation)
  EXCLUDE_CHARACTERS        characters GetRandomPassword leaves out (default :/@"'\\)
  PASSWORD_LENGTH           length of new passwords (default 32)
Test hooks:
  FAIL_STEP=<step>          that step raises before it does anything
  SLEEP_STEP=<step>, SLEEP_SECONDS=<n>, SLEEP_ONCE_FILE=<path>
                            that step sleeps n seconds first, once: only when SLEEP_ONCE_FILE
                            does not exist yet (it is created holding the process id)
  STEP_LOG=<path>           appends "<step> <token>" for every step that succeeded

Nothing here prints a secret value: Coffer logs every line a function writes.
"""
import json
import logging
import os
import sys
import time

# Debian's botocore predates PutSecretValue's RotationToken: use the repository's current
# service model when the environment names none (AWS's Lambda runtime ships a current one).
_MODELS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                       "third_party", "aws", "models")
if "AWS_DATA_PATH" not in os.environ and os.path.isdir(_MODELS):
    os.environ["AWS_DATA_PATH"] = _MODELS

import boto3  # noqa: E402  (after AWS_DATA_PATH)
import pgdb  # noqa: E402

logger = logging.getLogger()
logger.setLevel(logging.INFO)

STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")
DEFAULT_EXCLUDE = ":/@\"'\\"


class StepFailure(Exception):
    """Raised at FAIL_STEP."""


def lambda_handler(event, context):
    """The Lambda entry point: settings and credentials from the process environment."""
    handle(event, os.environ)


def make_client(env):
    """A Secrets Manager client for Coffer from `env` (a process environment or its copy)."""
    kwargs = {"endpoint_url": env["SECRETS_MANAGER_ENDPOINT"]}
    if env.get("AWS_REGION"):
        kwargs["region_name"] = env["AWS_REGION"]
    if env.get("AWS_ACCESS_KEY_ID"):
        kwargs["aws_access_key_id"] = env["AWS_ACCESS_KEY_ID"]
        kwargs["aws_secret_access_key"] = env["AWS_SECRET_ACCESS_KEY"]
        kwargs["aws_session_token"] = env.get("AWS_SESSION_TOKEN")
    return boto3.session.Session().client("secretsmanager", **kwargs)


def handle(event, env):
    arn = event["SecretId"]
    token = event["ClientRequestToken"]
    step = event["Step"]
    service_client = make_client(env)

    metadata = service_client.describe_secret(SecretId=arn)
    if not metadata.get("RotationEnabled"):
        raise ValueError("rotation is off for %s" % arn)
    versions = metadata["VersionIdsToStages"]
    if token not in versions:
        raise ValueError("%s: version %s is not among the secret's versions" % (arn, token))
    if "AWSCURRENT" in versions[token]:
        logger.info("%s: %s: version %s is AWSCURRENT already, nothing to do", step, arn, token)
        return
    if "AWSPENDING" not in versions[token]:
        raise ValueError("%s: version %s does not hold AWSPENDING" % (arn, token))
    if step not in STEPS:
        raise ValueError("unknown step %r" % step)
    _test_hooks(step, env)
    if step == "createSecret":
        create_secret(service_client, arn, token, event.get("RotationToken"), env)
    elif step == "setSecret":
        set_secret(service_client, arn, token)
    elif step == "testSecret":
        test_secret(service_client, arn, token)
    else:
        finish_secret(service_client, arn, token)
    if env.get("STEP_LOG"):
        with open(env["STEP_LOG"], "a") as f:
            f.write("%s %s\n" % (step, token))


def _test_hooks(step, env):
    if env.get("SLEEP_STEP") == step:
        once = env.get("SLEEP_ONCE_FILE")
        if not once or not os.path.exists(once):
            if once:
                with open(once, "w") as f:
                    f.write(str(os.getpid()))
            logger.info("%s: sleeping %s s (test hook)", step, env.get("SLEEP_SECONDS", "10"))
            time.sleep(float(env.get("SLEEP_SECONDS", "10")))
    if env.get("FAIL_STEP") == step:
        raise StepFailure("%s failed on purpose (FAIL_STEP)" % step)


def create_secret(service_client, arn, token, rotation_token, env):
    """Makes the AWSPENDING version: the current secret with a new password, unless it exists."""
    current_dict = get_secret_dict(service_client, arn, "AWSCURRENT")
    try:
        get_secret_dict(service_client, arn, "AWSPENDING", token)
        logger.info("createSecret: %s: the pending version has its value already", arn)
        return
    except service_client.exceptions.ResourceNotFoundException:
        pass
    exclude = env.get("EXCLUDE_CHARACTERS", DEFAULT_EXCLUDE)
    length = int(env.get("PASSWORD_LENGTH", "32"))
    password = service_client.get_random_password(ExcludeCharacters=exclude,
                                                  PasswordLength=length)["RandomPassword"]
    current_dict["password"] = password
    request = {"SecretId": arn, "ClientRequestToken": token,
               "SecretString": json.dumps(current_dict), "VersionStages": ["AWSPENDING"]}
    if rotation_token:
        request["RotationToken"] = rotation_token
    service_client.put_secret_value(**request)
    logger.info("createSecret: %s: new value stored as version %s (AWSPENDING)", arn, token)


def set_secret(service_client, arn, token):
    """Sets the pending password in the database, logging in with the current one."""
    pending_dict = get_secret_dict(service_client, arn, "AWSPENDING", token)
    conn = get_connection(pending_dict)
    if conn:
        conn.close()
        logger.info("setSecret: %s: the pending password logs in already", arn)
        return
    current_dict = get_secret_dict(service_client, arn, "AWSCURRENT")
    if current_dict["username"] != pending_dict["username"]:
        raise ValueError("%s: the pending version names another user" % arn)
    if current_dict["host"] != pending_dict["host"]:
        raise ValueError("%s: the pending version names another host" % arn)
    conn = get_connection(current_dict)
    if not conn:
        raise ValueError("setSecret: %s: the current password does not log in" % arn)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT quote_ident(%s)", (pending_dict["username"],))
            role = cur.fetchone()[0]
            # The password is a bound parameter (the driver quotes it), never formatted in here.
            cur.execute("ALTER USER %s WITH PASSWORD %%s" % role, (pending_dict["password"],))
            conn.commit()
        logger.info("setSecret: %s: password of %s changed", arn, pending_dict["username"])
    finally:
        conn.close()


def test_secret(service_client, arn, token):
    """Logs in with the pending secret and runs a query."""
    conn = get_connection(get_secret_dict(service_client, arn, "AWSPENDING", token))
    if not conn:
        raise ValueError("testSecret: %s: the pending password does not log in" % arn)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT NOW()")
            conn.commit()
    finally:
        conn.close()
    logger.info("testSecret: %s: the pending password logs in and queries", arn)


def finish_secret(service_client, arn, token):
    """Moves AWSCURRENT to the token's version."""
    metadata = service_client.describe_secret(SecretId=arn)
    current_version = None
    for version, stages in metadata["VersionIdsToStages"].items():
        if "AWSCURRENT" in stages:
            if version == token:
                logger.info("finishSecret: %s: %s is AWSCURRENT already", arn, version)
                return
            current_version = version
            break
    request = {"SecretId": arn, "VersionStage": "AWSCURRENT", "MoveToVersionId": token}
    if current_version:
        request["RemoveFromVersionId"] = current_version
    service_client.update_secret_version_stage(**request)
    logger.info("finishSecret: %s: AWSCURRENT moved to %s", arn, token)


def get_connection(secret_dict):
    """A connection logged in with `secret_dict`, or None when the login fails."""
    port = int(secret_dict.get("port", 5432))
    dbname = secret_dict.get("dbname", "postgres")
    try:
        return pgdb.connect(host=secret_dict["host"], port=port, user=secret_dict["username"],
                            password=secret_dict["password"], database=dbname, connect_timeout=5)
    except pgdb.InternalError:
        return None


def get_secret_dict(service_client, arn, stage, token=None):
    """The secret's JSON at `stage` (and version `token`), checked for the required keys."""
    required = ("host", "username", "password")
    if token:
        secret = service_client.get_secret_value(SecretId=arn, VersionId=token, VersionStage=stage)
    else:
        secret = service_client.get_secret_value(SecretId=arn, VersionStage=stage)
    secret_dict = json.loads(secret["SecretString"])
    for field in required:
        if field not in secret_dict:
            raise KeyError("the secret's JSON has no %r" % field)
    if secret_dict.get("engine", "postgres") not in ("postgres", "aurora-postgresql"):
        raise KeyError("this function rotates PostgreSQL secrets only (engine)")
    return secret_dict


class _Context:
    """The little of Lambda's context a command invocation can give."""
    function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "pg_single_user")
    function_version = "$LATEST"
    aws_request_id = ""

    @staticmethod
    def get_remaining_time_in_millis():
        return int(os.environ.get("AWS_LAMBDA_FUNCTION_TIMEOUT", "30")) * 1000


if __name__ == "__main__":
    logging.basicConfig(stream=sys.stdout, format="[%(levelname)s]\t%(message)s")
    try:
        lambda_handler(json.loads(sys.stdin.read()), _Context())
    except Exception as e:  # noqa: BLE001 -- a command reports failure by its exit status
        logger.error("%s: %s", type(e).__name__, e)
        sys.exit(1)
