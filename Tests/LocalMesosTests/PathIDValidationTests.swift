import Foundation
import LocalMesos
import MesosAPI
import Testing

/// IDs become directory names under an agent's work dir (`slaves/<agent>/frameworks/<framework>/executors/
/// <executor>/runs/<container>`): the master checks them with Mesos' ID rules (common/validation.cpp
/// validateID) before any agent sees them, as real Mesos does, so `../` cannot escape the work dir.
@Suite("Local Mesos: IDs used as paths are validated like real Mesos")
struct PathIDValidationTests {
    @Test(arguments: ["../../escape", "..", "a/b", "tab\there", String(repeating: "x", count: 256)])
    func aTraversalExecutorIDIsTaskErrorAndNeverReachesTheAgent(executorID: String) throws {
        var master = MasterHarness(agents: 1)
        let id = try master.subscribeNew(.test(), stream: "s")
        let offer = try #require(master.state.offers.values.first?.offer)
        var task = TaskInfo.withExecutor("t1", on: offer)
        task.executor?.executorID = ExecutorID(executorID)
        let effects = try master.call(
            id, .accept(.init(offerIDs: [offer.id], operations: [.launch([task])])), stream: "s")
        #expect(effects.launches.isEmpty)
        let status = try #require(effects.updates(to: "s").first)
        #expect(status.state == .error && status.reason == .taskInvalid)
        let message = status.message ?? ""
        #expect(
            message.contains("contains invalid characters") || message.contains("is disallowed")
                || message.contains("must not be greater than 255 characters"), "\(message)")
    }

    @Test func aTraversalFrameworkIDIsRefusedAtSubscription() throws {
        var master = MasterHarness(agents: 1)
        var info = FrameworkInfo.test()
        info.id = FrameworkID("../../../tmp")
        let effects = master.subscribe(info, stream: "s")
        guard case .error(let error) = effects.events(to: "s").first else {
            Issue.record("no ERROR in \(effects)")
            return
        }
        #expect(error.message == "'../../../tmp' contains invalid characters")
        #expect(master.state.offers.isEmpty)
    }
}
