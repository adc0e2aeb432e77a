import Foundation
import Hummingbird

/// The artifact server (`-artifact-port`): the executor, etcd and etcd's tools under `/<file name>`, so that
/// agents fetch them through `CommandInfo.uris` and need nothing installed (docs/original-behaviour.md §3.2).
struct ArtifactRoutes: Sendable {
    /// File name served → local path.
    var files: [String: String]

    func add(to router: Router<BasicRequestContext>) {
        let fileIO = FileIO()
        for (name, path) in files {
            router.route(
                RouterPath(stringLiteral: "/\(name)"),
                [
                    .get: { _, context in
                        let size =
                            (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
                            ?? nil
                        guard let size else {
                            return JSONResponse.error(
                                "\(name) is not available: \(path) cannot be read",
                                status: .notFound)
                        }
                        let body = try await fileIO.loadFile(path: path, context: context)
                        return Response(
                            status: .ok,
                            headers: [
                                .contentType: "application/octet-stream",
                                .contentLength: String(size),
                            ],
                            body: body)
                    }
                ])
        }
    }
}
