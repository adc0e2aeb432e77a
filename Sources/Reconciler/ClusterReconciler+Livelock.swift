/// Health probes and livelock episodes (docs/original-behaviour.md §5.6, §6).
///
/// Livelock is judged from every probe, apart from launching — the original only noticed it inside a launch
/// decision, after guards that a livelocked cluster never passes, so its automatic reseed could never fire.
extension ClusterReconciler {
    mutating func observe(
        _ observation: ClusterObservation, now: ReconcilerInstant, out: inout ActionBuffer
    ) {
        for probe in observation.probes {
            guard var task = tasks[probe.taskID] else { continue }
            task.lastStatus = probe.status ?? task.lastStatus
            task.reachable = probe.status != nil
            tasks[probe.taskID] = task
        }
        if let members = observation.members { etcdMembers = members }
        if let revision = observation.probes.compactMap(\.status?.revision).max(),
            revision > lastKnownRevision
        {
            lastKnownRevision = revision
        }
        let assessment = HealthAssessment.assess(observation)
        health.lastAssessment = assessment
        if mode == .reseeding { checkSeed(now: now, out: &out) }
        trackLivelock(assessment, now: now, out: &out)
    }

    private mutating func trackLivelock(
        _ assessment: HealthAssessment, now: ReconcilerInstant, out: inout ActionBuffer
    ) {
        if assessment.hasQuorum {
            if let since = health.livelockSince {
                out.log(.notice, "livelock over after \(now - since): \(assessment.summary)")
            }
            health.reset()
            return
        }
        // Without a running member there is no cluster that could have quorum (forming, or total loss).
        guard runningCount > 0, mode != .reseeding else { return }
        health.consecutiveWithoutQuorum += 1
        let first = health.firstProbeWithoutQuorum ?? now
        health.firstProbeWithoutQuorum = first
        guard health.livelockSince == nil,
            health.consecutiveWithoutQuorum >= configuration.livelockConfirmations
        else { return }
        health.livelockSince = first
        clusterLivelocks += 1
        let next =
            configuration.autoReseed
            ? "automatic reseed after \(configuration.reseedTimeout) without quorum"
            : "auto reseed is off: POST /reseed to reseed from the best survivor"
        out.log(.error, "livelock: the etcd cluster has no quorum (\(assessment.summary)); \(next)")
    }
}
