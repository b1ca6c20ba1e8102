# Coffer's runner for Python rotation functions, embedded in the coffer binary
# and run as:
#   /usr/bin/python3 -B -u -c <this file> HANDLER_PATH FUNCTION_NAME FUNCTION_ARN REQUEST_ID TIMEOUT_S
# It behaves like AWS Lambda's Python runtime for one invocation: reads the
# event JSON from stdin, imports HANDLER_PATH as a module (its directory first
# on sys.path), logs like Lambda to stdout, calls lambda_handler(event,
# context) and exits 0; on an exception it prints Lambda's error JSON on one
# line to stderr and exits 1. See docs/functions.md.
import importlib.util
import json
import logging
import os
import sys
import time
import traceback


class LambdaContext:
    """The context object of Lambda's Python runtime."""

    def __init__(self, function_name, function_arn, request_id, deadline_ms):
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = function_arn
        self.memory_limit_in_mb = "128"
        self.aws_request_id = request_id
        self.log_group_name = "/aws/lambda/" + function_name
        self.log_stream_name = time.strftime("%Y/%m/%d", time.gmtime()) + "/[$LATEST]" + \
            request_id.replace("-", "")
        self.identity = None
        self.client_context = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))

    def __repr__(self):
        return "LambdaContext([aws_request_id=%s,function_name=%s,function_version=%s])" % (
            self.aws_request_id, self.function_name, self.function_version)


class LambdaFormatter(logging.Formatter):
    """[LEVEL]\\t2026-12-07T23:50:44.123Z\\tREQUEST_ID\\tmessage, as Lambda writes."""

    converter = time.gmtime

    def __init__(self, request_id):
        super().__init__("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s",
                         "%Y-%m-%dT%H:%M:%S")
        self._request_id = request_id

    def format(self, record):
        record.aws_request_id = self._request_id
        return super().format(record)


def fail(error_type, message, tb=None):
    stack = traceback.format_list(traceback.extract_tb(tb)) if tb is not None else []
    sys.stdout.flush()
    sys.stderr.write(json.dumps({"errorMessage": message, "errorType": error_type,
                                 "requestId": REQUEST_ID, "stackTrace": stack}) + "\n")
    sys.stderr.flush()
    os._exit(1)


def main():
    handler_path, function_name, function_arn, request_id, timeout_s = sys.argv[1:6]
    deadline_ms = int(time.time() * 1000) + int(timeout_s) * 1000

    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(LambdaFormatter(request_id))
    root.addHandler(handler)

    try:
        event = json.loads(sys.stdin.read() or "null")
    except ValueError as e:
        fail("Runtime.InvalidEvent", "the event is not JSON: %s" % e)

    module_name = os.path.splitext(os.path.basename(handler_path))[0]
    sys.path.insert(0, os.path.dirname(handler_path))
    try:
        spec = importlib.util.spec_from_file_location(module_name, handler_path)
        if spec is None:
            raise ImportError("cannot load %s" % handler_path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    except Exception as e:  # noqa: BLE001 -- reported like Lambda does
        fail("Runtime.ImportModuleError",
             "Unable to import module '%s': %s" % (module_name, e), sys.exc_info()[2])
    lambda_handler = getattr(module, "lambda_handler", None)
    if not callable(lambda_handler):
        fail("Runtime.HandlerNotFound", "Handler 'lambda_handler' missing on module '%s'" % module_name)

    context = LambdaContext(function_name, function_arn, request_id, deadline_ms)
    try:
        lambda_handler(event, context)
    except SystemExit as e:
        fail("Runtime.ExitError", "lambda_handler called exit(%s)" % (e.code,))
    except BaseException as e:  # noqa: BLE001
        tb = sys.exc_info()[2].tb_next  # drop this frame, as Lambda does
        fail(type(e).__name__, str(e), tb)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


REQUEST_ID = sys.argv[4] if len(sys.argv) > 4 else ""
main()
