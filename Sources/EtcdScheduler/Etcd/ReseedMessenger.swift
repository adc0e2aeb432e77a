import AsyncHTTPClient
import Foundation
import NIOCore
import Reconciler
import TaskContract

/// Delivers a reseed order to the seed's executor (`POST <reseed URL>/reseed`, with the seed task's secret as
/// `Authorization: Bearer <secret>`) and reports the outcome.
struct ReseedMessenger: Sendable {
    let httpClient: HTTPClient
    /// The executors' secrets; without them no reseed is authorized and every executor refuses it (401).
    var secrets: ExecutorSecrets?
    /// The executor restarts etcd before answering; etcd may need a while on a big data dir.
    var timeout: Duration = .seconds(120)

    func deliver(_ order: ReseedOrder) async -> ClusterEvent {
        var request = HTTPClientRequest(url: order.member.reseedURL + ReseedProtocol.path)
        request.method = .POST
        if let secret = secrets?.secret(for: order.taskID) {
            request.headers.add(name: "Authorization", value: ReseedProtocol.authorization(secret))
        }
        do {
            let response = try await httpClient.execute(request, timeout: .init(timeout))
            let body = String(buffer: try await response.body.collect(upTo: 1 << 16))
            guard response.status.code == 200 else {
                return .reseedFailed(
                    order.taskID, reason: "the executor answered \(response.status.code): \(body)")
            }
            return .reseedFinished(order.taskID)
        } catch {
            return .reseedFailed(
                order.taskID,
                reason: "cannot reach the executor at \(order.member.reseedURL): \(error)")
        }
    }
}
