import Foundation
import ObjectStore
import Testing

/// The signer against AWS' published Signature Version 4 examples: the SigV4 test suite
/// (`aws-sig-v4-test-suite`, service "service") and the worked examples of the S3 API reference
/// ("Signature Calculations for the Authorization Header" and "Authenticating Requests: Using Query
/// Parameters"). Each expected signature is AWS', not computed here.
@Suite("SigV4 signer: AWS' published test vectors")
struct SigV4SignerTests {
    // The test suite's credentials and moment.
    static let suite = SigV4Signer(
        credentials: S3Credentials(
            accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1", service: "service")
    static let suiteDate = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z

    // The S3 reference's credentials and moment.
    static let s3 = SigV4Signer(
        credentials: S3Credentials(
            accessKeyID: "AKIAIOSFODNN7EXAMPLE",
            secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1")
    static let s3Date = Date(timeIntervalSince1970: 1_369_353_600)  // 2013-05-24T00:00:00Z
    static let s3Host = "examplebucket.s3.amazonaws.com"

    static func authorization(_ headers: [(String, String)]) -> String? {
        headers.first { $0.0 == "authorization" }?.1
    }

    @Test(
        "test suite: get-vanilla, get-vanilla-query-order-key-case, post-vanilla",
        arguments: [
            (
                "GET", [(String, String)](),
                "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
            ),
            (
                "GET", [("Param2", "value2"), ("Param1", "value1")],
                "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"
            ),
            ("POST", [], "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
        ])
    func suiteVectors(method: String, query: [(String, String)], signature: String) {
        let headers = Self.suite.authorizationHeaders(
            for: .init(
                method: method, path: "/", query: query,
                headers: [("Host", "example.amazonaws.com")],
                payloadHash: SigV4Signer.emptyPayloadHash),
            at: Self.suiteDate)
        #expect(headers.first { $0.0 == "x-amz-date" }?.1 == "20150830T123600Z")
        #expect(
            Self.authorization(headers)
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                + "SignedHeaders=host;x-amz-date, Signature=\(signature)")
    }

    @Test("S3 reference: GET Object with a Range header")
    func s3GetObject() {
        let headers = Self.s3.authorizationHeaders(
            for: .init(
                method: "GET", path: "/test.txt",
                headers: [
                    ("Host", Self.s3Host), ("Range", "bytes=0-9"),
                    ("x-amz-content-sha256", SigV4Signer.emptyPayloadHash),
                ], payloadHash: SigV4Signer.emptyPayloadHash),
            at: Self.s3Date)
        #expect(
            Self.authorization(headers)
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test("S3 reference: PUT Object with a signed payload")
    func s3PutObject() {
        let body = Data("Welcome to Amazon S3.".utf8)
        let hash = SigV4Signer.hexSHA256(body)
        #expect(hash == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        let headers = Self.s3.authorizationHeaders(
            for: .init(
                method: "PUT", path: "/test%24file.text",
                headers: [
                    ("Host", Self.s3Host), ("Date", "Fri, 24 May 2013 00:00:00 GMT"),
                    ("x-amz-storage-class", "REDUCED_REDUNDANCY"), ("x-amz-content-sha256", hash),
                ], payloadHash: hash),
            at: Self.s3Date)
        #expect(
            Self.authorization(headers)?.hasSuffix(
                "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, "
                    + "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
                == true)
        #expect(SigV4Signer.encode("test$file.text", keepingSlashes: true) == "test%24file.text")
    }

    @Test(
        "S3 reference: GET Bucket lifecycle and a listing, query parameters signed",
        arguments: [
            (
                [("lifecycle", "")],
                "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"
            ),
            (
                [("max-keys", "2"), ("prefix", "J")],
                "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"
            ),
        ])
    func s3Query(query: [(String, String)], signature: String) {
        let headers = Self.s3.authorizationHeaders(
            for: .init(
                method: "GET", path: "/", query: query,
                headers: [
                    ("Host", Self.s3Host), ("x-amz-content-sha256", SigV4Signer.emptyPayloadHash),
                ], payloadHash: SigV4Signer.emptyPayloadHash),
            at: Self.s3Date)
        #expect(Self.authorization(headers)?.hasSuffix("Signature=\(signature)") == true)
    }

    @Test("S3 reference: a presigned GET URL valid for a day")
    func presignedURL() {
        let query = Self.s3.presignedQuery(
            method: "GET", host: Self.s3Host, path: "/test.txt", expires: .seconds(86400),
            at: Self.s3Date)
        #expect(
            query
                == "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
        )
    }

    @Test("credentials never show their secret")
    func secretHidden() {
        let text = "\(Self.s3.credentials)"
        #expect(!text.contains("wJalrXUtnFEMI"))
        #expect(text.contains("AKIAIOSFODNN7EXAMPLE"))
    }
}
