import Testing

@testable import EtcdRestore

@Suite("Restore CLI pieces without processes")
struct RestoreUnitTests {
    @Test(
        "Go-style durations parse and print back",
        arguments: [
            ("10m", 600_000), ("90s", 90_000), ("1h30m", 5_400_000), ("500ms", 500), ("1.5s", 1500),
        ])
    func durations(_ text: String, milliseconds: Int64) {
        #expect(RestoreDuration.parse(text) == .milliseconds(milliseconds))
    }

    @Test(
        "a duration that is not one is refused",
        arguments: ["", "10", "m", "-5s", "0s", "5 minutes"])
    func badDurations(_ text: String) {
        #expect(RestoreDuration.parse(text) == nil)
    }

    @Test("--bump-revision and --mark-compacted are passed only to a tool that has them")
    func restoreFlagsFollowTheTool() {
        let member = RestoreMemberSettings(
            name: "a", initialCluster: "a=http://127.0.0.1:2380",
            initialAdvertisePeerURLs: "http://127.0.0.1:2380",
            initialClusterToken: "t", bumpRevision: 1_000_000_000)
        let modern = SnapshotTool(
            kind: .etcdutl, path: "/x/etcdutl", version: "3.5.13", canBumpRevision: true)
        let old = SnapshotTool(
            kind: .etcdctl, path: "/x/etcdctl", version: "3.4.23", canBumpRevision: false)
        let modernArguments = modern.restoreArguments(
            snapshot: "s.db", member: member, dataDir: "d")
        #expect(modernArguments.suffix(3) == ["--bump-revision", "1000000000", "--mark-compacted"])
        #expect(
            !old.restoreArguments(snapshot: "s.db", member: member, dataDir: "d").contains(
                "--bump-revision"))
        var noBump = member
        noBump.bumpRevision = 0
        #expect(
            !modern.restoreArguments(snapshot: "s.db", member: noBump, dataDir: "d").contains(
                "--bump-revision"))
    }

    @Test("member settings whose peer URLs do not match the initial cluster are refused")
    func memberSettingsProblems() {
        func problem(_ cluster: String, _ urls: String) -> String? {
            RestoreMemberSettings(
                name: "a", initialCluster: cluster, initialAdvertisePeerURLs: urls,
                initialClusterToken: "t"
            ).problem()
        }
        #expect(problem("a=http://h:1,b=http://h:2", "http://h:1") == nil)
        #expect(
            problem("b=http://h:2", "http://h:1")?.contains("no entry for member \"a\"") == true)
        #expect(problem("a=http://h:1", "http://h:9")?.contains("must match") == true)
        #expect(problem("a=h:1", "http://h:1")?.contains("is not name=http(s)://host:port") == true)
    }

    @Test(
        "the default cluster token is the same for every member restored from one backup, and new per backup"
    )
    func defaultToken() {
        let first = RestoreMemberSettings.defaultToken(
            clusterName: "c", dbSHA256: "0123456789abcdef0123")
        #expect(first == "c-restore-0123456789ab")
        #expect(
            first
                != RestoreMemberSettings.defaultToken(
                    clusterName: "c", dbSHA256: "ffff456789abcdef0123"))
    }
}
