import NIOCore

/// Frames records for a RecordIO stream: `<decimal byte length>\n<bytes>`, nothing after the bytes.
///
/// Mesos never sends empty records, and `RecordIOReader` refuses them: do not frame an empty record.
public enum RecordIOWriter {
    /// The length line and `record`, e.g. `20\n{"type":"HEARTBEAT"}` (23 bytes).
    public static func frame(_ record: some Collection<UInt8>) -> [UInt8] {
        precondition(!record.isEmpty, "RecordIO records are never empty")
        var framed = Array(String(record.count).utf8)
        framed.reserveCapacity(framed.count + 1 + record.count)
        framed.append(UInt8(ascii: "\n"))
        framed.append(contentsOf: record)
        return framed
    }

    /// Appends the framed `record` to `buffer`.
    public static func write(_ record: ByteBuffer, to buffer: inout ByteBuffer) {
        precondition(record.readableBytes > 0, "RecordIO records are never empty")
        buffer.writeString(String(record.readableBytes))
        buffer.writeInteger(UInt8(ascii: "\n"))
        buffer.writeImmutableBuffer(record)
    }

    /// `value` as Mesos JSON, framed.
    public static func frame(encoding value: some Encodable) throws -> [UInt8] {
        frame(try MesosJSON.encode(value))
    }
}
