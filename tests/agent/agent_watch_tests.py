"""Push invalidation end to end (issue 23), run by test_agent_features.py:
the agent subscribes to the server's GET /coffer/secret-changes long poll.

- latency: PutSecretValue acknowledged → the agent serves the new value, with
  no refreshNow and a 300 s TTL; p50/p99/max over ~50 changes (printed; goal
  p99 ≤ 1 s);
- every kind of change invalidates: UpdateSecret, UpdateSecretVersionStage,
  DeleteSecret;
- a caller whose policy denies DescribeSecret on a secret gets no notice for
  it: its agent keeps the cached value (until the TTL) while the notices of
  a secret it may describe still arrive;
- stream loss (the server restarted): the agent logs the loss, reconnects
  with its old token, gets Reset, drops its cache and serves the new value.
"""
import json
import os
import re
import time

import test_agent as h

check = h.check
CHANGES = int(os.environ.get("AGENT_WATCH_CHANGES", "50"))


def sm_client(srv):
    import boto3
    akid = secret = None
    with open(srv.credentials) as f:
        for line in f:
            k, _, v = line.partition("=")
            if k.strip() == "aws_access_key_id":
                akid = v.strip()
            elif k.strip() == "aws_secret_access_key":
                secret = v.strip()
    return boto3.client("secretsmanager", endpoint_url=srv.url, region_name="us-east-1",
                        aws_access_key_id=akid, aws_secret_access_key=secret)


def value_of(agent, name):
    status, body = agent.get_json("/v1/" + name)
    return body.get("SecretString") if status == 200 and isinstance(body, dict) else (status, body)


def wait_value(agent, name, want, timeout):
    """Seconds until the agent serves `want` for `name` (polling every 5 ms), or None."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if value_of(agent, name) == want:
            return time.monotonic() - t0
        time.sleep(0.005)
    return None


def poll(cond, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.01)
    return False


def metric(agent, name):
    _, body = agent.request("/metrics")
    m = re.search(r"^%s (\d+)$" % re.escape(name), body, re.M)
    return int(m.group(1)) if m else None


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]


def test_latency_and_kinds(srv, env, sm):
    agent = h.Agent("watch", h.agent_config(srv, ttl=300), env)
    check("an agent with watch (the default) starts", agent.port is not None,
          agent.log_text()[-300:])
    if agent.port is None:
        return None
    check("it subscribed", "agent: subscribed to change notices" in agent.log_text(),
          agent.log_text()[-500:])
    sm.create_secret(Name="watch/db", SecretString="w-0")
    value_of(agent, "watch/db")
    latencies, missed = [], 0
    for i in range(1, CHANGES + 1):
        want = "w-%d-%d" % (i, os.getpid())
        sm.put_secret_value(SecretId="watch/db", SecretString=want)  # acknowledged here
        t = wait_value(agent, "watch/db", want, 5.0)
        if t is None:
            missed += 1
        else:
            latencies.append(t)
    check("every PutSecretValue reached the agent without refreshNow (TTL 300 s)",
          missed == 0 and latencies, "%d missed" % missed)
    if latencies:
        p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
        print("# PutSecretValue acknowledged -> agent serves it: n=%d p50=%.1f ms p99=%.1f ms "
              "max=%.1f ms" % (len(latencies), p50 * 1e3, p99 * 1e3, max(latencies) * 1e3))
        check("p99 within 1 s", p99 <= 1.0, "p99 %.3f s" % p99)
    check("change notices counted", (metric(agent, "coffer_agent_watch_changes_total") or 0)
          >= CHANGES)

    # Other kinds of change.
    sm.update_secret(SecretId="watch/db", SecretString="via-update-secret")
    check("UpdateSecret invalidates",
          wait_value(agent, "watch/db", "via-update-secret", 2.0) is not None)
    d = sm.describe_secret(SecretId="watch/db")
    current = [v for v, st in d["VersionIdsToStages"].items() if "AWSCURRENT" in st][0]
    previous = [v for v, st in d["VersionIdsToStages"].items() if "AWSPREVIOUS" in st][0]
    sm.update_secret_version_stage(SecretId="watch/db", VersionStage="AWSCURRENT",
                                   MoveToVersionId=previous, RemoveFromVersionId=current)
    want = sm.get_secret_value(SecretId="watch/db")["SecretString"]
    check("UpdateSecretVersionStage invalidates",
          wait_value(agent, "watch/db", want, 2.0) is not None, want)
    arn = d["ARN"]
    status, _ = agent.get_json("/secretsmanager/get?secretId=" + arn)
    check("cached by ARN too", status == 200)
    sm.delete_secret(SecretId="watch/db", RecoveryWindowInDays=7)

    def both_refused():
        return (agent.get_json("/v1/watch/db")[0] == 400
                and agent.get_json("/secretsmanager/get?secretId=" + arn)[0] == 400)

    check("DeleteSecret invalidates (by name and by ARN)", poll(both_refused, 2.0))
    sm.restore_secret(SecretId="watch/db")
    check("RestoreSecret invalidates", poll(lambda: value_of(agent, "watch/db") == want, 2.0))
    # A secret deleted without recovery can no longer be described, and the
    # server sends a notice only for what the caller may describe (known gap,
    # docs/agent.md): its entries then live until the TTL.
    sm.delete_secret(SecretId="watch/db", ForceDeleteWithoutRecovery=True)
    if not poll(both_refused, 1.5):
        print("# known gap: no notice for DeleteSecret ForceDeleteWithoutRecovery")
    return agent


def test_denied_caller(srv, env, sm):
    sm.create_secret(Name="watch/shared", SecretString="shared-0")
    sm.create_secret(Name="watch/hidden", SecretString="hidden-0")  # before the agent starts
    admin_arn = srv.aws("sts", "get-caller-identity")["Arn"]
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": admin_arn}, "Action": "sts:AssumeRole"}]}
    role_arn = srv.aws("iam", "create-role", "--role-name", "watch-reader",
                       "--assume-role-policy-document", json.dumps(trust))["Role"]["Arn"]
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
         "Resource": "arn:aws:secretsmanager:*:*:secret:watch/*"},
        {"Effect": "Allow", "Action": "secretsmanager:DescribeSecret",
         "Resource": "arn:aws:secretsmanager:*:*:secret:watch/shared-*"}]}
    srv.aws("iam", "put-role-policy", "--role-name", "watch-reader", "--policy-name", "read",
            "--policy-document", json.dumps(policy))
    config_file = os.path.join(h.TMP, "watch-aws-config")
    with open(config_file, "w") as f:
        f.write("[profile watcher]\nrole_arn = %s\nsource_profile = base\nregion = us-east-1\n"
                % role_arn)
    creds_file = os.path.join(h.TMP, "watch-aws-credentials")
    with open(srv.credentials) as f:
        creds = f.read().replace("[default]", "[base]")
    with open(creds_file, "w") as f:
        f.write(creds)
    agent = h.Agent("watch-denied", h.agent_config(srv, ttl=300), {
        "AWS_CONFIG_FILE": config_file, "AWS_SHARED_CREDENTIALS_FILE": creds_file,
        "AWS_PROFILE": "watcher", "AWS_TOKEN": h.TOKEN})
    check("an agent for a role denied DescribeSecret on one secret starts", agent.port is not None,
          agent.log_text()[-300:])
    if agent.port is None:
        return
    check("it reads both", value_of(agent, "watch/hidden") == "hidden-0"
          and value_of(agent, "watch/shared") == "shared-0")
    sm.put_secret_value(SecretId="watch/hidden", SecretString="hidden-1")
    sm.put_secret_value(SecretId="watch/shared", SecretString="shared-1")
    check("the describable secret's notice arrives",
          wait_value(agent, "watch/shared", "shared-1", 2.0) is not None)
    time.sleep(1.0)
    check("no notice for the secret it may not describe: the cached value until the TTL",
          value_of(agent, "watch/hidden") == "hidden-0")
    check("refreshNow still reads the new value",
          agent.get_json("/v1/watch/hidden?refreshNow=true")[1].get("SecretString") == "hidden-1")
    h.stop(agent.proc)


def test_stream_loss(srv, env, restart):
    agent = h.Agent("watch-loss", h.agent_config(srv, ttl=300), env)
    if agent.port is None:
        check("the stream-loss agent starts", False, agent.log_text()[-300:])
        return
    sm = sm_client(srv)
    sm.create_secret(Name="watch/loss", SecretString="loss-0")
    time.sleep(0.5)  # let CreateSecret's own notice pass before caching
    check("cached", value_of(agent, "watch/loss") == "loss-0")
    h.stop(srv.proc)
    time.sleep(1.0)
    check("stream down: metrics say so", metric(agent, "coffer_agent_watch_connected") == 0)
    check("the loss is logged", "change stream lost" in agent.log_text(), agent.log_text()[-400:])
    status, body = agent.get_json("/v1/watch/loss")
    check("meanwhile the cache serves (fresh within its TTL)",
          status == 200 and body.get("SecretString") == "loss-0")
    check("the server comes back", restart(srv))
    sm = sm_client(srv)
    sm.put_secret_value(SecretId="watch/loss", SecretString="loss-1")
    t = wait_value(agent, "watch/loss", "loss-1", 20.0)
    check("after reconnecting (Reset: the cache dropped) the new value is served",
          t is not None, agent.log_text()[-600:])
    if t is not None:
        print("# caught up %.1f s after the PutSecretValue that followed the restart" % t)
    check("connected again", poll(lambda: metric(agent, "coffer_agent_watch_connected") == 1, 15))
    check("the reset is logged and counted", "change stream reset" in agent.log_text()
          and (metric(agent, "coffer_agent_watch_resets_total") or 0) >= 1)
    h.stop(agent.proc)


def run(srv, env, values, restart):
    sm = sm_client(srv)
    agent = test_latency_and_kinds(srv, env, sm)
    if agent is not None:
        h.stop(agent.proc)
    test_denied_caller(srv, env, sm)
    test_stream_loss(srv, env, restart)
