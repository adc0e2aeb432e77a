import GRPCCore

extension EtcdClient {
    /// What this member reports about itself: IDs, leader, raft position, revision, DB size, version.
    public func status() async throws -> EtcdStatus {
        try await unary("status") { options in
            try await maintenance.status(Etcdserverpb_StatusRequest(), options: options) {
                response in
                EtcdStatus(try response.message)
            }
        }
    }

    /// Streams this member's snapshot into `body`, which reads it chunk by chunk.
    ///
    /// The gRPC call runs in a child task that hands each chunk over only when `body` asks for it, so the
    /// server is never more than a chunk or two ahead of the consumer. `body` runs in the caller's context
    /// (it need not be `Sendable`) and gets the stream once the first chunk has arrived, so
    /// `totalSize` is known up front. The call has no overall deadline (a large DB takes a while), but the
    /// first chunk and every later one must arrive within `callTimeout` of asking for it. When `body`
    /// returns early or throws, the call is cancelled.
    public func snapshot<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (EtcdSnapshotStream) async throws -> T
    ) async throws -> T {
        let chunks = Handoff<Etcdserverpb_SnapshotResponse>()
        return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
            group.addTask { await self.produceSnapshot(into: chunks) }
            defer {
                chunks.close()
                group.cancelAll()
            }
            guard let first = try await chunks.next() else {
                throw EtcdClientError.malformedResponse(
                    endpoint: endpoint, operation: "snapshot",
                    reason: "the stream ended without data")
            }
            let stream = EtcdSnapshotStream(
                totalSize: Self.snapshotSize(announcedBy: first), endpoint: endpoint,
                first: first.blob,
                rest: chunks)
            return try await body(stream)
        }
    }

    /// The whole stream's size from its first message. etcd counts only the database in `remaining_bytes`
    /// and sends the 32-byte SHA-256 trailer after the last message that announced 0 remaining bytes.
    static func snapshotSize(announcedBy first: Etcdserverpb_SnapshotResponse) -> UInt64 {
        UInt64(first.blob.count) + first.remainingBytes + snapshotHashSize
    }

    /// The SHA-256 etcd appends to the database in a snapshot stream.
    public static let snapshotHashSize: UInt64 = 32

    /// Runs the Snapshot call and feeds its messages into `chunks`; always ends `chunks`, with the error if any.
    private func produceSnapshot(into chunks: Handoff<Etcdserverpb_SnapshotResponse>) async {
        let watchdog = StallWatchdog()
        var streamOptions = unaryOptions
        streamOptions.timeout = nil  // the watchdog bounds each wait instead
        let options = streamOptions
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    watchdog.startWaiting()
                    let received = try await self.maintenance.snapshot(
                        Etcdserverpb_SnapshotRequest(), options: options
                    ) { response in
                        var expected: UInt64?
                        var received: UInt64 = 0
                        for try await message in response.messages {
                            watchdog.stopWaiting()
                            if expected == nil {
                                expected = Self.snapshotSize(announcedBy: message)
                            }
                            received += UInt64(message.blob.count)
                            try await chunks.send(message)
                            watchdog.startWaiting()
                        }
                        return (expected, received)
                    }
                    watchdog.stopWaiting()
                    if let expected = received.0, received.1 != expected {
                        throw EtcdClientError.snapshotTruncated(
                            endpoint: self.endpoint, expectedBytes: expected,
                            receivedBytes: received.1)
                    }
                }
                group.addTask {
                    try await watchdog.watch(
                        limit: self.callTimeout,
                        stalled: EtcdClientError.deadlineExceeded(
                            endpoint: self.endpoint, operation: "snapshot", after: self.callTimeout)
                    )
                }
                try await group.next()
                group.cancelAll()
            }
            chunks.finish()
        } catch {
            chunks.finish(throwing: translate(error, operation: "snapshot"))
        }
    }
}
