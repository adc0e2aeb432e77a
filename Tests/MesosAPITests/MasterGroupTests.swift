import MesosAPI
import Testing

@Suite("Master group membership")
struct MasterGroupTests {
    @Test func theLowestJSONMemberLeads() {
        let children = [
            "log_replicas", "info_0000000000", "json.info_0000000012", "json.info_0000000003",
            "json.info_0000000007",
        ]
        #expect(MasterGroup.leaderNode(among: children) == "json.info_0000000003")
        // Numeric order, not text order (sequence numbers may outgrow ten digits).
        #expect(
            MasterGroup.leaderNode(among: ["json.info_10000000000", "json.info_9999999999"])
                == "json.info_9999999999")
    }

    @Test func otherChildrenAreNotMembers() {
        #expect(MasterGroup.leaderNode(among: []) == nil)
        #expect(
            MasterGroup.leaderNode(among: [
                "log_replicas", "info_0000000001", "json.info_", "json.info_12a",
            ]) == nil)
        #expect(MasterGroup.sequence(ofNode: "json.info_0000000042") == 42)
        #expect(MasterGroup.sequence(ofNode: "info_0000000042") == nil)
        #expect(MasterGroup.memberNodePrefix == "json.info_")
    }
}
