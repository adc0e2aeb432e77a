/// The example bodies of the Mesos v1 fact sheet (docs/mesos-v1-http.md §8), copied verbatim. Each was validated against the real
/// v1 protos, so decoding and re-encoding them is a check of our field names and shapes.
enum FactSheetExamples {
    static let subscribeCall = """
        {
          "type": "SUBSCRIBE",
          "subscribe": {
            "framework_info": {
              "user": "etcd", "name": "etcd-mesos", "principal": "etcd-mesos",
              "failover_timeout": 604800.0, "checkpoint": true, "roles": ["etcd"],
              "capabilities": [{"type": "MULTI_ROLE"}, {"type": "TASK_KILLING_STATE"}],
              "labels": {"labels": [{"key": "cluster", "value": "etcd-a"}]}
            }
          }
        }
        """

    /// The first two records of a SUBSCRIBE response body, byte for byte.
    static let subscribeResponseStream =
        "139\n"
        + #"{"type":"SUBSCRIBED","subscribed":{"framework_id":{"value":"a6f0e5b2-1d2c-4e8f-9a3b-7c6d5e4f3a21-0000"},"heartbeat_interval_seconds":15.0}}"#
        + "20\n"
        + #"{"type":"HEARTBEAT"}"#

    static let offersEvent = """
        {
          "type": "OFFERS",
          "offers": {
            "offers": [{
              "id": {"value": "a6f0e5b2-1d2c-4e8f-9a3b-7c6d5e4f3a21-O12"},
              "framework_id": {"value": "a6f0e5b2-1d2c-4e8f-9a3b-7c6d5e4f3a21-0000"},
              "agent_id": {"value": "a6f0e5b2-1d2c-4e8f-9a3b-7c6d5e4f3a21-S0"},
              "hostname": "127.0.0.1",
              "allocation_info": {"role": "etcd"},
              "resources": [
                {"name": "cpus", "type": "SCALAR", "scalar": {"value": 4.0}, "allocation_info": {"role": "etcd"}},
                {"name": "mem", "type": "SCALAR", "scalar": {"value": 7168.0}, "allocation_info": {"role": "etcd"}},
                {"name": "ports", "type": "RANGES", "allocation_info": {"role": "etcd"},
                 "ranges": {"range": [{"begin": 31000, "end": 32000}]}}],
              "attributes": [{"name": "rack", "type": "TEXT", "text": {"value": "r1"}}]
            }]
          }
        }
        """

    static let acceptCall = """
        {
          "framework_id": {"value": "a6f0e5b2-1d2c-4e8f-9a3b-7c6d5e4f3a21-0000"},
          "type": "ACCEPT",
          "accept": {
            "offer_ids": [{"value": "a6f0e5b2-1d2c-4e8f-9a3b-7c6d5e4f3a21-O12"}],
            "operations": [{
              "type": "LAUNCH",
              "launch": {
                "task_infos": [{
                  "name": "etcd-a-member-1",
                  "task_id": {"value": "etcd-a.member-1.7"},
                  "agent_id": {"value": "a6f0e5b2-1d2c-4e8f-9a3b-7c6d5e4f3a21-S0"},
                  "resources": [
                    {"name": "cpus", "type": "SCALAR", "scalar": {"value": 0.5}, "allocation_info": {"role": "etcd"}},
                    {"name": "mem", "type": "SCALAR", "scalar": {"value": 512.0}, "allocation_info": {"role": "etcd"}},
                    {"name": "disk", "type": "SCALAR", "scalar": {"value": 1024.0}, "allocation_info": {"role": "etcd"}},
                    {"name": "ports", "type": "RANGES", "allocation_info": {"role": "etcd"},
                     "ranges": {"range": [{"begin": 31000, "end": 31001}]}}],
                  "executor": {
                    "type": "CUSTOM",
                    "executor_id": {"value": "etcd-a.member-1.7.exec"},
                    "name": "etcd-mesos-executor",
                    "command": {
                      "shell": false,
                      "value": "/opt/etcd-mesos/bin/etcd-mesos-executor",
                      "arguments": ["etcd-mesos-executor", "--log-level=info"],
                      "environment": {"variables": [{"name": "ETCD_CLUSTER", "value": "etcd-a"}]}
                    },
                    "resources": [
                      {"name": "cpus", "type": "SCALAR", "scalar": {"value": 0.1}, "allocation_info": {"role": "etcd"}},
                      {"name": "mem", "type": "SCALAR", "scalar": {"value": 64.0}, "allocation_info": {"role": "etcd"}}],
                    "shutdown_grace_period": {"nanoseconds": 10000000000}
                  },
                  "data": "eyJjbGllbnRQb3J0IjozMTAwMCwicGVlclBvcnQiOjMxMDAxfQ==",
                  "kill_policy": {"grace_period": {"nanoseconds": 5000000000}},
                  "labels": {"labels": [{"key": "member", "value": "member-1"}]},
                  "discovery": {"visibility": "FRAMEWORK", "name": "etcd-a-member-1", "ports": {"ports": [
                    {"number": 31000, "name": "client", "protocol": "tcp"},
                    {"number": 31001, "name": "peer", "protocol": "tcp"}]}}
                }]
              }
            }],
            "filters": {"refuse_seconds": 10.0}
          }
        }
        """

    static let updateEvent = """
        {
          "type": "UPDATE",
          "update": {
            "status": {
              "task_id": {"value": "etcd-a.member-1.7"}, "state": "TASK_RUNNING", "source": "SOURCE_EXECUTOR",
              "agent_id": {"value": "a6f0e5b2-1d2c-4e8f-9a3b-7c6d5e4f3a21-S0"},
              "executor_id": {"value": "etcd-a.member-1.7.exec"},
              "timestamp": 1763860000.125, "message": "etcd serving on 127.0.0.1:31000",
              "uuid": "jywdPlprTH2ejwobLD1OXw==", "healthy": true
            }
          }
        }
        """

    static let acknowledgeCall = """
        {
          "framework_id": {"value": "a6f0e5b2-1d2c-4e8f-9a3b-7c6d5e4f3a21-0000"},
          "type": "ACKNOWLEDGE",
          "acknowledge": {
            "agent_id": {"value": "a6f0e5b2-1d2c-4e8f-9a3b-7c6d5e4f3a21-S0"},
            "task_id": {"value": "etcd-a.member-1.7"},
            "uuid": "jywdPlprTH2ejwobLD1OXw=="
          }
        }
        """

    static let masterUpdateEvent = """
        {"type": "UPDATE", "update": {"status": {
          "task_id": {"value": "etcd-a.member-1.7"}, "state": "TASK_LOST", "source": "SOURCE_MASTER",
          "reason": "REASON_AGENT_REMOVED", "message": "health check timed out",
          "agent_id": {"value": "a6f0e5b2-1d2c-4e8f-9a3b-7c6d5e4f3a21-S0"}, "timestamp": 1763860100.5}}}
        """

    static let executorResubscribeCall = """
        {"type": "SUBSCRIBE", "framework_id": {"value": "a6f0e5b2-1d2c-4e8f-9a3b-7c6d5e4f3a21-0000"},
         "executor_id": {"value": "etcd-a.member-1.7.exec"},
         "subscribe": {"unacknowledged_tasks": [], "unacknowledged_updates": [{"status": {
           "task_id": {"value": "etcd-a.member-1.7"}, "state": "TASK_RUNNING",
           "source": "SOURCE_EXECUTOR", "uuid": "jywdPlprTH2ejwobLD1OXw=="}}]}}
        """

    static let executorLaunchEvent = """
        {"type": "LAUNCH", "launch": {"task": {
          "name": "etcd-a-member-1", "task_id": {"value": "etcd-a.member-1.7"},
          "agent_id": {"value": "a6f0e5b2-1d2c-4e8f-9a3b-7c6d5e4f3a21-S0"},
          "data": "eyJjbGllbnRQb3J0IjozMTAwMCwicGVlclBvcnQiOjMxMDAxfQ==",
          "resources": [{"name": "cpus", "type": "SCALAR", "scalar": {"value": 0.5}}],
          "executor": {"executor_id": {"value": "etcd-a.member-1.7.exec"},
                       "command": {"value": "/opt/etcd-mesos/bin/etcd-mesos-executor", "shell": false}}}}}
        """

    static let executorUpdateCall = """
        {"type": "UPDATE", "framework_id": {"value": "a6f0e5b2-1d2c-4e8f-9a3b-7c6d5e4f3a21-0000"},
         "executor_id": {"value": "etcd-a.member-1.7.exec"},
         "update": {"status": {"task_id": {"value": "etcd-a.member-1.7"}, "state": "TASK_KILLED",
                               "source": "SOURCE_EXECUTOR", "uuid": "jywdPlprTH2ejwobLD1OXw==",
                               "message": "stopped by KILL"}}}
        """

    static let executorMessageCall = """
        {"type": "MESSAGE", "framework_id": {"value": "a6f0e5b2-1d2c-4e8f-9a3b-7c6d5e4f3a21-0000"},
         "executor_id": {"value": "etcd-a.member-1.7.exec"}, "message": {"data": "cGluZw=="}}
        """

    /// A master's ZooKeeper node data (docs/mesos-v1-http.md §9).
    static let masterInfoNode = """
        {"id":"a6f0e5b2-1d2c-4e8f-9a3b-7c6d5e4f3a21","ip":16777343,"port":5050,"pid":"master@127.0.0.1:5050",\
        "hostname":"localhost","version":"1.11.0","address":{"hostname":"localhost","ip":"127.0.0.1","port":5050},\
        "capabilities":[{"type":"AGENT_UPDATE"},{"type":"AGENT_DRAINING"},{"type":"QUOTA_V2"}]}
        """
}
