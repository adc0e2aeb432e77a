// swift-tools-version: 6.1
import PackageDescription

/// Linker flags for a binary that runs on any Linux host without a Swift toolchain: the Swift runtime and
/// Foundation linked in (Foundation's static libraries depend on each other, hence one linker group), and no
/// DWARF — agents fetch it for every launch; symbols stay, for backtraces. What remains are glibc,
/// libstdc++, libgcc_s, zlib and libzstd (README, "The executor on agents").
let selfContainedLinking: [String] = {
    let foundation: [String] = [
        "Foundation", "CoreFoundation", "FoundationEssentials", "FoundationInternationalization",
        "_FoundationICU", "_FoundationCollections", "_FoundationCShims",
    ]
    var linker: [String] = ["--start-group"]
    linker += foundation.map { "-l" + $0 }
    linker += ["--end-group"]
    linker += ["--strip-debug"]
    var flags: [String] = ["-static-stdlib"]
    for flag in linker { flags += ["-Xlinker", flag] }
    return flags
}()

let package = Package(
    name: "etcd-mesos",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "etcd-mesos-scheduler", targets: ["Scheduler"]),
        .executable(name: "etcd-mesos-executor", targets: ["Executor"]),
        .executable(name: "etcd-mesos-restore", targets: ["Restore"]),
        .executable(name: "etcd-mesos-local", targets: ["LocalMesosMain"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(
            url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // C libraries, each wrapped by exactly one Swift target.
        .systemLibrary(name: "CZooKeeper", path: "Sources/CZooKeeper"),
        .systemLibrary(name: "CArchive", path: "Sources/CArchive", pkgConfig: "libarchive"),
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd"),

        .target(name: "CSpawn"),
        .target(name: "ProcessControl", dependencies: ["CSpawn"]),
        .target(
            name: "ZooKeeper",
            dependencies: [
                "CZooKeeper",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "MesosAPI",
            dependencies: [
                "Support",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // Finding the leading master through ZooKeeper (kept apart so the executor does not link libzookeeper).
        .target(
            name: "MesosMasterDetection",
            dependencies: [
                "MesosAPI", "ZooKeeper", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Messages generated from Mesos' own v1 .proto files (scripts/generate-mesos-api.sh), which local
        // Mesos checks every scheduler and executor call against.
        .target(
            name: "MesosProto",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["Generated/README.md"]
        ),
        // S3-compatible object stores: SigV4, the S3 calls backups need, multipart uploads.
        .target(
            name: "ObjectStore",
            dependencies: [
                "Support",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "EtcdClient",
            dependencies: [
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Generated/README.md"]
        ),
        .target(name: "Reconciler"),
        // Helpers every binary shares: Go-style flag syntax, blocking work off the cooperative pool, durations.
        .target(
            name: "Support",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // The one way the binaries serve HTTP (admin, artifacts, reseed listener, local Mesos).
        .target(
            name: "HTTPServing",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The scheduler↔executor contract: TaskInfo.data and the reseed listener.
        .target(name: "TaskContract"),
        // The archive format: manifest, strict reader, zstd, the restore command. No libarchive, no etcd client:
        // what the executor needs to verify and restore a backup.
        .target(
            name: "BackupArchive",
            dependencies: [
                "CZstd", "Support",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "Backup",
            dependencies: [
                "ObjectStore",
                "BackupArchive", "CArchive", "EtcdClient", "Support",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        // Benchmark of the backup pipeline against etcdctl (scripts/bench-backup.sh); not a test.
        .executableTarget(
            name: "BackupBenchmark",
            dependencies: [
                "Backup", "EtcdClient", "EtcdMesosTesting", "ObjectStore", "ProcessControl",
                "Support",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "LocalMesos",
            dependencies: [
                "MesosAPI",
                "MesosMasterDetection",
                "MesosProto",
                "ProcessControl",
                "ZooKeeper",
                "Support",
                "HTTPServing",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "LocalMesosMain",
            dependencies: [
                "LocalMesos",
                "ProcessControl",
                "MesosAPI",
                "Support",
                "EtcdClient",
                "EtcdMesosTesting",
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "EtcdScheduler",
            dependencies: [
                "Reconciler", "MesosAPI", "MesosMasterDetection", "ZooKeeper", "EtcdClient",
                "Backup", "ObjectStore", "TaskContract", "EtcdRestore",
                "LocalMesos", "Support",
                "ProcessControl", "HTTPServing",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "Scheduler",
            dependencies: [
                "EtcdScheduler", "ProcessControl",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "EtcdExecutor",
            dependencies: [
                "MesosAPI", "TaskContract", "ProcessControl", "EtcdClient", "BackupArchive",
                "Support",
                "HTTPServing",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The executor runs on agents without a Swift toolchain: see `selfContainedLinking`.
        .executableTarget(
            name: "Executor", dependencies: ["EtcdExecutor", "ProcessControl"],
            linkerSettings: [.unsafeFlags(selfContainedLinking)]),
        .target(
            name: "EtcdRestore",
            dependencies: [
                "Backup", "EtcdClient", "ObjectStore", "ProcessControl", "Support", "Reconciler",
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(name: "Restore", dependencies: ["EtcdRestore", "ProcessControl"]),
        .target(
            name: "EtcdMesosTesting",
            dependencies: [
                "ProcessControl",
                "ZooKeeper",
                "EtcdClient",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        .testTarget(name: "ReconcilerTests", dependencies: ["Reconciler", "Support"]),
        .testTarget(name: "TaskContractTests", dependencies: ["TaskContract"]),
        .testTarget(
            name: "RestoreTests",
            dependencies: [
                "EtcdRestore", "Backup", "EtcdClient", "EtcdMesosTesting", "ObjectStore",
                "ProcessControl",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "BackupTests",
            dependencies: [
                "ObjectStore",
                "Backup", "EtcdClient", "EtcdMesosTesting", "ProcessControl", "Support",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ExecutorTests",
            dependencies: [
                "EtcdExecutor", "LocalMesos", "MesosAPI", "TaskContract", "EtcdClient",
                "EtcdMesosTesting",
                "ProcessControl", "Backup", "Support", "ObjectStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "SchedulerTests",
            dependencies: [
                "ObjectStore", "BackupArchive",
                "EtcdScheduler", "Reconciler", "LocalMesos", "MesosAPI", "TaskContract",
                "EtcdClient",
                "EtcdMesosTesting", "ZooKeeper", "ProcessControl", "Backup", "Support",
                "HTTPServing",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "ProcessControlTests", dependencies: ["ProcessControl", "EtcdMesosTesting"]),
        .testTarget(
            name: "ObjectStoreTests", dependencies: ["ObjectStore", "EtcdMesosTesting"]),
        .testTarget(name: "ZooKeeperTests", dependencies: ["ZooKeeper", "EtcdMesosTesting"]),
        .testTarget(
            name: "EtcdClientTests",
            dependencies: [
                "EtcdClient", "EtcdMesosTesting", .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "MesosAPITests",
            dependencies: [
                "MesosAPI", "MesosMasterDetection", "ZooKeeper", "EtcdMesosTesting", "Support",
            ]),
        .testTarget(
            name: "LocalMesosTests",
            dependencies: [
                "LocalMesos",
                "MesosAPI",
                "MesosMasterDetection",
                "MesosProto",
                "EtcdMesosTesting",
                "ProcessControl",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
