import Foundation
import MesosAPI
import TaskContract

/// What a LAUNCH needs before etcd can start: the member from the task's data, checked for what this
/// executor can do.
enum MemberPreparation {
    /// The task data, or the message for TASK_FAILED.
    static func taskData(of task: TaskInfo) -> Result<EtcdTaskData, MemberPreparationError> {
        guard let bytes = task.data, !bytes.isEmpty else {
            return .failure(.noData(task: task.taskID.value))
        }
        let data: EtcdTaskData
        do {
            data = try EtcdTaskData(decoding: bytes)
        } catch {
            return .failure(.invalidData(task: task.taskID.value, reason: error.description))
        }
        if let restore = data.restore {
            if restore.url.trimmingCharacters(in: .whitespaces).isEmpty {
                return .failure(
                    .invalidData(
                        task: task.taskID.value, reason: "the backup to restore has no URL"))
            }
            let hash = restore.archiveSHA256.trimmingCharacters(in: .whitespaces)
            if hash.isEmpty {
                return .failure(.missingArchiveHash(task: task.taskID.value, url: restore.shownURL))
            }
            if hash.count != 64 || !hash.allSatisfy(\.isHexDigit) {
                return .failure(
                    .invalidData(
                        task: task.taskID.value,
                        reason: "the backup's archiveSHA256 \"\(hash)\" is not 64 hex digits"))
            }
            if restore.archiveSize == nil {
                return .failure(
                    .invalidData(
                        task: task.taskID.value,
                        reason:
                            "the backup \(restore.shownURL) names no archiveSize; the executor downloads no "
                            + "more than the size its sidecar records"))
            }
        }
        return .success(data)
    }
}

/// Why a launched task cannot run; the description is the TASK_FAILED message.
enum MemberPreparationError: Error, Equatable, CustomStringConvertible {
    case noData(task: String)
    case invalidData(task: String, reason: String)
    /// A restore without the archive's SHA-256: nothing could tell the right backup from another file.
    case missingArchiveHash(task: String, url: String)

    var description: String {
        switch self {
        case .noData(let task):
            "task \(task) carries no data; the executor needs the etcd member list in TaskInfo.data"
        case .invalidData(let task, let reason):
            "task \(task): \(reason)"
        case .missingArchiveHash(let task, let url):
            "task \(task): the backup to restore (\(url)) has no archive hash (archiveSHA256 is missing or "
                + "empty); the executor restores only an archive whose SHA-256 the scheduler names"
        }
    }
}
