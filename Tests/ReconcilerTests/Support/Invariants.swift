import Reconciler
import Testing

extension Harness {
    /// What must hold after any sequence: never more tasks, etcd members or tracked members than the
    /// cluster size, never two members on one host, never a second `new` cluster in one epoch.
    func expectWithinBounds(sourceLocation: SourceLocation = #_sourceLocation) {
        let size = configuration.clusterSize
        #expect(
            world.liveTaskCount <= size, "tasks running: \(world.liveTaskCount)",
            sourceLocation: sourceLocation)
        #expect(
            world.members.count <= size, "etcd members: \(world.members.count)",
            sourceLocation: sourceLocation)
        #expect(
            reconciler.members.count <= size, "tracked: \(reconciler.members.count)",
            sourceLocation: sourceLocation)
        let hosts = world.tasks.values.map(\.identity.host)
        #expect(
            Set(hosts).count == hosts.count, "two tasks on one host: \(hosts.sorted())",
            sourceLocation: sourceLocation)
    }
}
