import Foundation
import MesosAPI
import NIOCore
import Support
import Testing

/// 10,000 seeded mutations of a valid scheduler event stream, fed in random chunk sizes: each stream either
/// reads as RecordIO (and every record either decodes as a `SchedulerEvent` or fails with a decoding error),
/// or is refused with a `RecordIOError`. Nothing crashes, and no record larger than the reader's cap is
/// ever held.
@Suite("RecordIO fuzz: mutated event streams are refused with typed errors")
struct RecordIOFuzzTests {
    private static let maximumRecordSize = 64 * 1024

    private static func validStream() throws -> [UInt8] {
        var bytes: [UInt8] = []
        let events: [String] = [
            #"{"type":"SUBSCRIBED","subscribed":{"framework_id":{"value":"f-1"},"heartbeat_interval_seconds":15}}"#,
            #"{"type":"HEARTBEAT"}"#,
            FactSheetExamples.offersEvent,
            #"{"type":"RESCIND","rescind":{"offer_id":{"value":"o-1"}}}"#,
            #"{"type":"HEARTBEAT"}"#,
        ]
        for event in events { bytes += RecordIOWriter.frame(Array(event.utf8)) }
        return bytes
    }

    @Test func tenThousandMutationsAreReadOrRefusedWithTypedErrors() async throws {
        let original = try Self.validStream()
        var random = SplitMix64(seed: 0x5EED_0F_4EC0_4D10)
        var refused = 0
        var decodedRecords = 0
        var undecodableRecords = 0
        for round in 0..<10_000 {
            // Seconds of CPU in a row: yield now and then so the other suites' tasks keep running.
            if round % 200 == 0 { await Task.yield() }
            let mutated = Self.mutate(original, using: &random)
            var reader = RecordIOReader(maximumRecordSize: Self.maximumRecordSize)
            do {
                var rest = mutated[...]
                while !rest.isEmpty {
                    let size = Int.random(in: 1...64, using: &random)
                    reader.append(contentsOf: rest.prefix(size))
                    rest = rest.dropFirst(size)
                    while let record = try reader.next() {
                        #expect(record.readableBytes <= Self.maximumRecordSize)
                        if (try? MesosJSON.decode(SchedulerEvent.self, from: record)) != nil {
                            decodedRecords += 1
                        } else {
                            undecodableRecords += 1
                        }
                    }
                }
                try reader.finish()
            } catch {
                refused += 1
            }
        }
        // The mix shows the mutations reach every path: framing refusals, records that are no event, events.
        #expect(refused > 1_000, "refused \(refused)")
        #expect(undecodableRecords > 100, "undecodable \(undecodableRecords)")
        #expect(decodedRecords > 1_000, "decoded \(decodedRecords)")
    }

    /// One to four edits: bit flips, byte overwrites with digits/newlines (the framing's own alphabet),
    /// truncation, insertion, deletion or a swap of two blocks.
    private static func mutate(_ input: [UInt8], using random: inout SplitMix64) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &random) where !bytes.isEmpty {
            let at = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0: bytes[at] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &random)
            case 1: bytes[at] = Array("0123456789\n".utf8).randomElement(using: &random)!
            case 2: bytes.removeSubrange(at...)
            case 3:
                bytes.insert(
                    contentsOf: (0..<Int.random(in: 1...20, using: &random)).map { _ in
                        UInt8.random(in: 0...255, using: &random)
                    }, at: at)
            case 4:
                bytes.removeSubrange(
                    at..<min(bytes.count, at + Int.random(in: 1...30, using: &random)))
            default:
                let other = Int.random(in: 0..<bytes.count, using: &random)
                let length = min(16, bytes.count - max(at, other))
                for offset in 0..<length { bytes.swapAt(at + offset, other + offset) }
            }
        }
        return bytes
    }
}
