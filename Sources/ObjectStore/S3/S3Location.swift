/// Where backups live in a bucket: `s3://bucket/prefix` (the prefix may be empty).
public struct S3Location: Sendable, Hashable, CustomStringConvertible {
    public var bucket: String
    /// Without leading or trailing slashes; "" for the bucket's root.
    public var prefix: String

    public init(bucket: String, prefix: String) {
        self.bucket = bucket
        self.prefix = prefix
    }

    /// Parses `s3://bucket[/prefix]`. The bucket must be a valid S3 bucket name (3–63 characters of
    /// lower-case letters, digits, `.` and `-`, starting and ending with a letter or digit).
    public init(parsing text: String) throws(ObjectStoreError) {
        guard text.hasPrefix("s3://") else {
            throw .badConfiguration("\"\(text)\" is not an s3://bucket/prefix URL")
        }
        let rest = text.dropFirst("s3://".count)
        let bucket = String(rest.prefix { $0 != "/" })
        let prefix = rest.dropFirst(bucket.count).split(separator: "/").joined(separator: "/")
        guard Self.isValidBucket(bucket) else {
            throw .badConfiguration(
                "\"\(bucket)\" in \(text) is not a valid bucket name (3-63 characters: a-z, 0-9, '.', '-')"
            )
        }
        guard !prefix.contains("..") && prefix.utf8.count <= 512 else {
            throw .badConfiguration("the prefix \"\(prefix)\" in \(text) is not allowed")
        }
        self.bucket = bucket
        self.prefix = prefix
    }

    static func isValidBucket(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (3...63).contains(bytes.count) else { return false }
        func alphanumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        guard alphanumeric(bytes.first!), alphanumeric(bytes.last!) else { return false }
        return bytes.allSatisfy {
            alphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
        }
    }

    /// The object key of `name` under the prefix.
    public func key(_ name: String) -> String { prefix.isEmpty ? name : "\(prefix)/\(name)" }

    /// The prefix to list, with its trailing slash.
    public var listingPrefix: String { prefix.isEmpty ? "" : prefix + "/" }

    public var description: String {
        prefix.isEmpty ? "s3://\(bucket)" : "s3://\(bucket)/\(prefix)"
    }
}
