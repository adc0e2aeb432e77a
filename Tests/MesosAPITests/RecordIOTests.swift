import MesosAPI
import NIOCore
import Testing

@Suite("RecordIO framing")
struct RecordIOTests {
    static let heartbeat = #"{"type":"HEARTBEAT"}"#
    static let heartbeatOnTheWire = Array(("20\n" + heartbeat).utf8)

    /// All complete records in `reader`, as strings.
    func drain(_ reader: inout RecordIOReader) throws -> [String] {
        var records: [String] = []
        while let record = try reader.next() {
            records.append(String(buffer: record))
        }
        return records
    }

    @Test func framesTheHeartbeatAsTheSheetShows() throws {
        let framed = RecordIOWriter.frame(Array(Self.heartbeat.utf8))
        #expect(framed.count == 23)
        #expect(framed == Self.heartbeatOnTheWire)
        #expect(
            try RecordIOWriter.frame(encoding: SchedulerEvent.heartbeat) == Self.heartbeatOnTheWire)
        var buffer = ByteBuffer()
        RecordIOWriter.write(ByteBuffer(string: Self.heartbeat), to: &buffer)
        #expect(Array(buffer.readableBytesView) == Self.heartbeatOnTheWire)
    }

    @Test func readsTheHeartbeatSplitAtEveryPossibleBoundary() throws {
        let bytes = Self.heartbeatOnTheWire
        for cut in 0...bytes.count {
            var reader = RecordIOReader()
            reader.append(contentsOf: bytes[..<cut])
            let early = try drain(&reader)
            reader.append(contentsOf: bytes[cut...])
            let records = early + (try drain(&reader))
            #expect(records == [Self.heartbeat], "split at \(cut)")
            #expect(early.isEmpty || cut == bytes.count, "split at \(cut)")
            try reader.finish()
        }
    }

    @Test func readsTheHeartbeatOneByteAtATime() throws {
        var reader = RecordIOReader()
        var records: [String] = []
        for byte in Self.heartbeatOnTheWire {
            reader.append(ByteBuffer(bytes: [byte]))
            records += try drain(&reader)
        }
        #expect(records == [Self.heartbeat])
    }

    @Test func readsTheSubscribeResponseAndDecodesItsEvents() throws {
        var reader = RecordIOReader()
        reader.append(ByteBuffer(string: FactSheetExamples.subscribeResponseStream))
        var events: [SchedulerEvent] = []
        while let record = try reader.next() {
            events.append(try MesosJSON.decode(SchedulerEvent.self, from: record))
        }
        #expect(events.count == 2)
        #expect(
            events.first
                == .subscribed(
                    .init(
                        frameworkID: "a6f0e5b2-1d2c-4e8f-9a3b-7c6d5e4f3a21-0000",
                        heartbeatIntervalSeconds: 15)))
        #expect(events.last == .heartbeat)
        #expect(reader.bufferedByteCount == 0 && !reader.isInsideRecord)
    }

    @Test func readsSeveralRecordsInOneChunkAndSkipsBlankLines() throws {
        var reader = RecordIOReader()
        reader.append(
            contentsOf: Array("\n3\nabc\n\n2\nde1\nf".utf8) + Self.heartbeatOnTheWire.prefix(5))
        #expect(try drain(&reader) == ["abc", "de", "f"])
        #expect(reader.isInsideRecord)
        #expect(throws: RecordIOError.truncatedRecord(expected: 20, received: 2)) {
            try reader.finish()
        }
        reader.append(contentsOf: Self.heartbeatOnTheWire.dropFirst(5))
        #expect(try drain(&reader) == [Self.heartbeat])
        try reader.finish()
    }

    @Test func recordsMayContainNewlinesAndMultiByteCharacters() throws {
        let text = "é\n{\"a\":\n1}"
        var reader = RecordIOReader()
        reader.append(contentsOf: RecordIOWriter.frame(Array(text.utf8)))
        #expect(try drain(&reader) == [text])
    }

    @Test func refusesAMalformedLengthQuotingWhatItSaw() throws {
        var reader = RecordIOReader()
        reader.append(ByteBuffer(string: "HTTP/1.1 200 OK\r\n"))
        #expect(throws: RecordIOError.malformedLength(seen: #""HTTP/1.1 200 OK\r\n""#)) {
            try reader.next()
        }
        // The reader stays failed.
        reader.append(contentsOf: Self.heartbeatOnTheWire)
        #expect(throws: RecordIOError.self) { try reader.next() }

        var spaced = RecordIOReader()
        spaced.append(ByteBuffer(string: "2 0\n"))
        #expect(throws: RecordIOError.malformedLength(seen: #""2 0\n""#)) { try spaced.next() }

        var signed = RecordIOReader()
        signed.append(ByteBuffer(string: "-5"))  // refused before the line is complete
        #expect(throws: RecordIOError.malformedLength(seen: #""-5""#)) { try signed.next() }
        let message = RecordIOError.malformedLength(seen: #""-5""#).description
        #expect(message.contains("not a decimal number") && message.contains("-5"))
    }

    @Test func refusesATooLongLengthZeroAndOversizedRecords() throws {
        var long = RecordIOReader()
        long.append(ByteBuffer(string: String(repeating: "9", count: 25)))
        #expect(
            throws: RecordIOError.lengthTooLong(
                seen: "\"" + String(repeating: "9", count: 25) + "\"")
        ) {
            try long.next()
        }

        var zero = RecordIOReader()
        zero.append(ByteBuffer(string: "0\n"))
        #expect(throws: RecordIOError.zeroLength) { try zero.next() }

        var oversized = RecordIOReader(maximumRecordSize: 1024)
        oversized.append(ByteBuffer(string: "1025\n"))
        #expect(throws: RecordIOError.recordTooLarge(length: 1025, maximum: 1024)) {
            try oversized.next()
        }
        #expect(
            RecordIOError.recordTooLarge(length: 1025, maximum: 1024).description
                == "RecordIO record of 1025 bytes exceeds the maximum of 1024 bytes")

        var atLimit = RecordIOReader(maximumRecordSize: 4)
        atLimit.append(ByteBuffer(string: "4\nabcd"))
        #expect(try drain(&atLimit) == ["abcd"])

        var defaultLimit = RecordIOReader()
        defaultLimit.append(ByteBuffer(string: "\(16 * 1024 * 1024 + 1)\n"))
        #expect(
            throws: RecordIOError.recordTooLarge(
                length: 16 * 1024 * 1024 + 1, maximum: 16 * 1024 * 1024)
        ) {
            try defaultLimit.next()
        }
    }

    @Test func endingInsideALengthLineIsReported() throws {
        var reader = RecordIOReader()
        reader.append(ByteBuffer(string: "\n\n"))
        #expect(try reader.next() == nil)
        try reader.finish()  // blank lines only: a clean end
        reader.append(ByteBuffer(string: "13"))
        #expect(try reader.next() == nil)
        #expect(throws: RecordIOError.truncatedLength(seen: #""13""#)) { try reader.finish() }
    }

    @Test func asyncSequenceYieldsRecordsAcrossChunks() async throws {
        let bytes = Array(FactSheetExamples.subscribeResponseStream.utf8)
        // Chunks of 7 bytes: boundaries fall inside both length lines and both records.
        let chunks = stride(from: 0, to: bytes.count, by: 7).map {
            ByteBuffer(bytes: bytes[$0..<min($0 + 7, bytes.count)])
        }
        var records: [String] = []
        for try await record in chunks.async.recordIORecords() {
            records.append(String(buffer: record))
        }
        #expect(records.count == 2 && records.last == Self.heartbeat)

        var events: [SchedulerEvent] = []
        for try await event in chunks.async.mesosRecords(of: SchedulerEvent.self) {
            events.append(event)
        }
        #expect(events.map(\.typeName) == ["SUBSCRIBED", "HEARTBEAT"])
    }

    @Test func asyncSequenceThrowsWhenTheStreamEndsMidRecord() async throws {
        let chunks = [ByteBuffer(bytes: Self.heartbeatOnTheWire.dropLast(3))]
        var records = 0
        await #expect(throws: RecordIOError.truncatedRecord(expected: 20, received: 17)) {
            for try await _ in chunks.async.recordIORecords() { records += 1 }
        }
        #expect(records == 0)
    }

    @Test func asyncSequenceNamesARecordThatIsNotTheExpectedMessage() async throws {
        let chunks = [ByteBuffer(bytes: RecordIOWriter.frame(Array(#"{"no_type":1}"#.utf8)))]
        await #expect {
            for try await _ in chunks.async.mesosRecords(of: SchedulerEvent.self) {}
        } throws: { error in
            guard let error = error as? MesosRecordDecodingError else { return false }
            return error.type == "SchedulerEvent" && error.description.contains(#"{"no_type":1}"#)
        }
    }
}

/// An array as an async sequence, standing in for an HTTP body's chunks.
struct AsyncArray<Element: Sendable>: AsyncSequence, Sendable {
    let elements: [Element]

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(elements: elements) }

    struct AsyncIterator: AsyncIteratorProtocol {
        var elements: [Element]
        var index = 0

        mutating func next() async -> Element? {
            guard index < elements.count else { return nil }
            defer { index += 1 }
            return elements[index]
        }
    }
}

extension Array where Element: Sendable {
    var async: AsyncArray<Element> { AsyncArray(elements: self) }
}
