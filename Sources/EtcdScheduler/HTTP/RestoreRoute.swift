import Backup
import Foundation
import Hummingbird
import Reconciler

/// `POST /restore {"backup": "<id>"}`: after total loss, seed a new cluster epoch from a backup the
/// scheduler holds. The archive is verified first (422 if it fails); the reconciler then accepts (202) or
/// refuses (409, e.g. while members run). The first member's executor downloads the archive from
/// `GET /backups/<id>` and restores its data dir with etcd's own tool.
struct RestoreRoute: Sendable {
    var core: SchedulerCore
    var store: BackupStore
    var clusterName: String
    var admin: AdminRoutes

    private struct Body: Decodable {
        var backup: String
    }

    func add(to router: Router<BasicRequestContext>) {
        router.route(
            "/restore",
            [
                .post: { request, _ in
                    if let refusal = admin.authorize(request) { return refusal }
                    let bytes = try await request.body.collect(upTo: 1 << 16)
                    guard let body = try? JSONDecoder().decode(Body.self, from: Data(buffer: bytes))
                    else {
                        return JSONResponse.error(
                            #"the body must be JSON like {"backup": "<backup id>"} (see GET /backups)"#,
                            status: .badRequest)
                    }
                    return await restore(body.backup)
                }
            ])
    }

    func restore(_ id: String) async -> Response {
        do {
            _ = try store.verify(id: id, expectedCluster: clusterName)
        } catch let error as BackupStoreError {
            switch error {
            case .invalidID: return JSONResponse.error("\(error)", status: .badRequest)
            case .notFound: return JSONResponse.error("\(error)", status: .notFound)
            default: return JSONResponse.error("\(error)", status: .internalServerError)
            }
        } catch {
            return JSONResponse.error(
                "backup \(id) failed verification: \(error)", status: .unprocessableContent)
        }
        return admin.answer(await core.request(.operatorRequestedRestore(backupID: id)))
    }
}
