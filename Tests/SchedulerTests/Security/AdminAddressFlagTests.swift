import EtcdScheduler
import Testing

/// `-admin-address`: where the admin API listens. Loopback with `-master=local`, where everything is on this
/// machine; every interface otherwise, as before, for Marathon health checks and Prometheus.
@Suite("Security: -admin-address and where the token lives")
struct AdminAddressFlagTests {
    static let persist = "-framework-persist-file=/srv/state.json"

    @Test("the admin API listens on loopback with -master=local, on every interface otherwise")
    func defaults() throws {
        #expect(try schedulerSettings(["-master=local"]).adminAddress == "127.0.0.1")
        #expect(try schedulerSettings([Self.persist]).adminAddress == "0.0.0.0")
        #expect(SchedulerDefaults.adminAddress == "0.0.0.0")
    }

    @Test("-admin-address is taken as given; an empty one is refused")
    func given() throws {
        #expect(
            try schedulerSettings([Self.persist, "-admin-address=10.1.2.3"]).adminAddress
                == "10.1.2.3")
        #expect(
            try schedulerSettings(["-master=local", "--admin-address", "0.0.0.0"]).adminAddress
                == "0.0.0.0")
        #expect(
            userMessage([Self.persist, "-admin-address="]) == "-admin-address=: must not be empty")
    }

    @Test("the token is in -admin-token-file, else admin-token in the work dir")
    func tokenPath() throws {
        #expect(
            try schedulerSettings(["-master=local"]).adminTokenPath
                == "/srv/etcd-mesos/etcd-mesos-work/admin-token")
        #expect(
            try schedulerSettings(["-master=local", "-work-dir=/var/lib/em"]).adminTokenPath
                == "/var/lib/em/admin-token")
        #expect(
            try schedulerSettings(["-master=local", "-admin-token-file=secrets/token"])
                .adminTokenPath == "/srv/etcd-mesos/secrets/token")
    }
}
