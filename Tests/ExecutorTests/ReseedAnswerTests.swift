import Testing

@testable import EtcdExecutor

/// How the reseed listener answers each outcome (the 200, 405 and 409 answers are also seen end to end).
@Suite struct ReseedAnswerTests {
    @Test func outcomesMapToStatusCodesWithJSONBodies() {
        let cases: [(ReseedOutcome, UInt16, String)] = [
            (.reseeded, 200, #"{"status":"reseeded"}"#),
            (.busy, 409, #"{"error":"a reseed is already under way"}"#),
            (
                .unavailable("etcd has not been started yet"), 503,
                #"{"error":"etcd has not been started yet"}"#
            ),
            (.failed("etcd exited with code 1"), 500, #"{"error":"etcd exited with code 1"}"#),
        ]
        for (outcome, status, body) in cases {
            let response = ReseedRoutes.response(for: outcome)
            #expect(response.status.code == Int(status), "\(outcome)")
            #expect(response.headers[.contentType] == "application/json")
            #expect(response.headers[.contentLength] == String(body.utf8.count), "\(outcome)")
        }
    }
}
