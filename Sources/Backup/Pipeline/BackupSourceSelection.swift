import EtcdClient

/// Which member to snapshot: the most up-to-date follower, so the leader is spared the read transaction and the
/// copy; the leader only when no follower answered. Learners and members reporting alarms come last.
public enum BackupSourceSelection {
    /// The best source among members that answered a status call, or `nil` when none did.
    public static func choose(from answered: [SnapshotSource]) -> SnapshotSource? {
        answered.enumerated().min { lhs, rhs in
            let (left, right) = (rank(lhs.element.status), rank(rhs.element.status))
            if left != right { return left < right }
            if lhs.element.status.raftIndex != rhs.element.status.raftIndex {
                return lhs.element.status.raftIndex > rhs.element.status.raftIndex
            }
            return lhs.offset < rhs.offset
        }?.element
    }

    /// 0 for a healthy follower, 1 for the leader, 2 for a learner, 3 for a member reporting errors (alarms).
    private static func rank(_ status: EtcdStatus) -> Int {
        if !status.errors.isEmpty { return 3 }
        if status.isLearner { return 2 }
        return status.isLeader ? 1 : 0
    }
}
