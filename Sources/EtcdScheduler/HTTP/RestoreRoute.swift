import Backup
import Foundation
import Hummingbird
import Reconciler

/// `POST /restore {"backup": "<id>"}`: after total loss, seed a new cluster epoch from a backup the
/// scheduler holds. The reconciler is asked first (409 at once while members run, 202 at once when the same
/// restore is already under way, before any work);
/// the archive is then verified off the cooperative pool, one request at a time (409 while another
/// verification runs, 422 if it fails); the reconciler finally accepts (202) or refuses (409, if the cluster
/// changed meanwhile). The first member's executor downloads the archive from `GET /backups/<id>` and
/// restores its data dir with etcd's own tool.
struct RestoreRoute: Sendable {
    var core: SchedulerCore
    var verification: RestoreVerification
    var admin: AdminRoutes
    var backups: BackupService

    private struct Body: Decodable {
        var backup: String
    }

    func add(to router: Router<BasicRequestContext>) {
        router.route("/restore/plan", [.get: { _, _ in JSONResponse.make(await plan()) }])
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

    /// `GET /restore/plan`: what survives, the newest good backup, what the scheduler will do, and what each
    /// choice costs in revisions (`RecoveryPlan`).
    func plan(now: Date = Date()) async -> RecoveryPlan {
        let newest = (try? await backups.listing())?.first.map {
            RecoveryPlan.Backup(
                id: $0.id, revision: $0.revision,
                ageSeconds: max(0, now.timeIntervalSince($0.createdAt)).rounded())
        }
        return await core.recoveryPlan(newestBackup: newest)
    }

    func restore(_ id: String) async -> Response {
        switch await core.restoreDecision(for: id) {
        case .refused(let why):
            return JSONResponse.make(
                ["request": "restore", "outcome": "refused", "message": why], status: .conflict)
        case .alreadyUnderWay:
            return admin.answer(await core.request(.operatorRequestedRestore(backupID: id)))
        case .proceed:
            break
        }
        do {
            try await verification.verify(id)
        } catch {
            switch error {
            case .busy(let running):
                return JSONResponse.error(
                    "backup \(running) is being verified for another restore request; retry once it is done",
                    status: .conflict)
            case .failed(.invalidID(let invalid, let reason)):
                return JSONResponse.error(
                    "\"\(invalid)\" is not a valid backup ID: \(reason)", status: .badRequest)
            case .failed(.notFound(let missing)):
                return JSONResponse.error("no backup with ID \"\(missing)\"", status: .notFound)
            case .failed(let storeError):
                return JSONResponse.error("\(storeError)", status: .internalServerError)
            case .unusable(let id, let reason):
                return JSONResponse.error(
                    "backup \(id) failed verification: \(reason)", status: .unprocessableContent)
            }
        }
        return admin.answer(await core.request(.operatorRequestedRestore(backupID: id)))
    }
}
