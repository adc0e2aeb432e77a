import Foundation
import Hummingbird
import NIOCore

/// JSON responses of the admin API: encoded with `JSONEncoder`, errors as `{"error": "…"}`.
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data =
            (try? encoder.encode(value))
            ?? Data(#"{"error":"the response could not be encoded"}"#.utf8)
        return Response(
            status: status,
            headers: [.contentType: "application/json", .contentLength: String(data.count)],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ message: String, status: HTTPResponse.Status, headers: HTTPFields = [:])
        -> Response
    {
        var response = make(["error": message], status: status)
        for field in headers { response.headers.append(field) }
        return response
    }

    static func text(_ text: String, contentType: String, status: HTTPResponse.Status = .ok)
        -> Response
    {
        Response(
            status: status,
            headers: [.contentType: contentType, .contentLength: String(text.utf8.count)],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

extension Router {
    /// Routes `path`: each method in `handlers` to its handler, any other method to 405 JSON with `Allow`.
    func route(
        _ path: RouterPath,
        _ handlers: [HTTPRequest.Method: @Sendable (Request, Context) async throws -> Response]
    ) {
        let allowed = handlers.keys.map(\.rawValue).sorted().joined(separator: ", ")
        for method in [HTTPRequest.Method.get, .head, .post, .put, .delete, .patch] {
            if let handler = handlers[method] {
                on(path, method: method, use: handler)
            } else {
                on(path, method: method) { request, _ in
                    JSONResponse.error(
                        "\(request.method.rawValue) is not allowed on \(request.uri.path); use \(allowed)",
                        status: .methodNotAllowed, headers: [.allow: allowed])
                }
            }
        }
    }
}
