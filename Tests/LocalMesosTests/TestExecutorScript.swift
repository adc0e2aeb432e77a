/// A small v1 executor in Python, written for the tests (an independent client of the executor API): it
/// records its environment, answers LAUNCH with TASK_RUNNING (then TASK_FINISHED when the task's data is
/// `finish`, or exits with status 3 when it is `exit3`), KILL with TASK_KILLED, echoes MESSAGEs, obeys
/// SHUTDOWN, and re-subscribes with its unacknowledged updates when checkpointing.
enum TestExecutorScript {
    static let source = #"""
        #!/usr/bin/python3
        import base64, http.client, json, os, sys, time, uuid

        endpoint = os.environ["MESOS_AGENT_ENDPOINT"]
        host, port = endpoint.rsplit(":", 1)
        framework_id = {"value": os.environ["MESOS_FRAMEWORK_ID"]}
        executor_id = {"value": os.environ["MESOS_EXECUTOR_ID"]}
        checkpoint = os.environ.get("MESOS_CHECKPOINT") == "1"
        with open("env.json", "w") as f:
            json.dump({"env": dict(os.environ), "cwd": os.getcwd(), "argv": sys.argv, "pid": os.getpid()}, f)

        unacked_updates = {}
        unacked_tasks = {}
        live = set()

        def post(call):
            conn = http.client.HTTPConnection(host, int(port), timeout=30)
            conn.request("POST", "/api/v1/executor", json.dumps(call), {"Content-Type": "application/json"})
            resp = conn.getresponse()
            body = resp.read()
            conn.close()
            if resp.status != 202:
                print("call answered", resp.status, body, file=sys.stderr, flush=True)

        def update(task_id, state, message=None):
            u = uuid.uuid4().bytes
            status = {"task_id": {"value": task_id}, "state": state, "source": "SOURCE_EXECUTOR",
                      "executor_id": executor_id, "uuid": base64.b64encode(u).decode()}
            if message:
                status["message"] = message
            unacked_updates[u] = {"status": status}
            if state in ("TASK_KILLED", "TASK_FINISHED", "TASK_FAILED"):
                live.discard(task_id)
            post({"type": "UPDATE", "framework_id": framework_id, "executor_id": executor_id, "update": {"status": status}})

        def handle(event):
            kind = event["type"]
            print("event", kind, flush=True)
            if kind == "LAUNCH":
                task = event["launch"]["task"]
                task_id = task["task_id"]["value"]
                unacked_tasks[task_id] = task
                live.add(task_id)
                update(task_id, "TASK_RUNNING", "running")
                data = base64.b64decode(task.get("data", "")) if task.get("data") else b""
                if data == b"finish":
                    update(task_id, "TASK_FINISHED", "done")
                elif data == b"exit3":
                    time.sleep(0.2)
                    sys.exit(3)
            elif kind == "KILL":
                update(event["kill"]["task_id"]["value"], "TASK_KILLED", "killed")
            elif kind == "ACKNOWLEDGED":
                unacked_updates.pop(base64.b64decode(event["acknowledged"]["uuid"]), None)
                unacked_tasks.pop(event["acknowledged"]["task_id"]["value"], None)
            elif kind == "MESSAGE":
                post({"type": "MESSAGE", "framework_id": framework_id, "executor_id": executor_id,
                      "message": {"data": event["message"]["data"]}})
            elif kind == "SHUTDOWN":
                for task_id in list(live):
                    update(task_id, "TASK_KILLED", "shut down")
                sys.exit(0)

        def subscribe():
            conn = http.client.HTTPConnection(host, int(port), timeout=3600)
            call = {"type": "SUBSCRIBE", "framework_id": framework_id, "executor_id": executor_id,
                    "subscribe": {"unacknowledged_tasks": list(unacked_tasks.values()),
                                  "unacknowledged_updates": list(unacked_updates.values())}}
            conn.request("POST", "/api/v1/executor", json.dumps(call),
                         {"Content-Type": "application/json", "Accept": "application/json"})
            resp = conn.getresponse()
            if resp.status != 200:
                print("subscribe answered", resp.status, resp.read(), file=sys.stderr, flush=True)
                return
            while True:
                line = resp.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    continue
                handle(json.loads(resp.read(int(line))))

        deadline = time.time() + 30
        while True:
            try:
                subscribe()
            except (OSError, http.client.HTTPException) as error:
                print("subscription broke:", error, file=sys.stderr, flush=True)
            if not checkpoint or time.time() > deadline:
                sys.exit(0)
            time.sleep(0.2)
        """#
}
