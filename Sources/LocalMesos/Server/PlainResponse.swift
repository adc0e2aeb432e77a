import Foundation
import Hummingbird
import NIOCore

/// Plain-text responses as libprocess writes them.
enum PlainResponse {
    static func make(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:])
        -> Response
    {
        var headers = headers
        headers[.contentType] = "text/plain; charset=utf-8"
        headers[.contentLength] = String(message.utf8.count)
        return Response(
            status: status, headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: message)))
    }

    /// 405 with the `Allow` header RFC 2616 requires and libprocess' message.
    static func methodNotAllowed(_ method: HTTPRequest.Method, allowed: [String] = ["POST"])
        -> Response
    {
        make(
            .methodNotAllowed,
            "405 Method Not Allowed. Expecting one of { '\(allowed.joined(separator: "', '"))' }, but received '\(method.rawValue)'",
            headers: [.allow: allowed.joined(separator: ", ")])
    }

    static func json(_ body: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let data =
            (try? JSONSerialization.data(
                withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        return Response(
            status: status,
            headers: [.contentType: "application/json", .contentLength: String(data.count)],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
