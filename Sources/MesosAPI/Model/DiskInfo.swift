/// `Resource.DiskInfo`: what makes a disk resource more than a share of the agent's root disk.
public struct DiskInfo: Codable, Sendable, Hashable {
    /// `DiskInfo.Persistence`: the disk is a persistent volume with this ID.
    public struct Persistence: Codable, Sendable, Hashable {
        public var id: String
        public var principal: String?

        public init(id: String, principal: String? = nil) {
            self.id = id
            self.principal = principal
        }
    }

    /// `DiskInfo.Source`: a disk other than the root disk.
    public struct Source: Codable, Sendable, Hashable {
        /// `DiskInfo.Source.Type`.
        public enum Kind: MesosEnum {
            case unknown, path, mount, block, raw
            case unrecognized(String)

            public static let knownCases: [Kind] = [.unknown, .path, .mount, .block, .raw]

            public var name: String {
                switch self {
                case .unknown: "UNKNOWN"
                case .path: "PATH"
                case .mount: "MOUNT"
                case .block: "BLOCK"
                case .raw: "RAW"
                case .unrecognized(let name): name
                }
            }
        }

        /// `Path` and `Mount`: where the disk is on the agent.
        public struct Root: Codable, Sendable, Hashable {
            public var root: String?

            public init(root: String?) { self.root = root }
        }

        public var type: Kind
        public var path: Root?
        public var mount: Root?
        public var id: String?
        public var profile: String?

        public init(
            type: Kind, path: Root? = nil, mount: Root? = nil, id: String? = nil,
            profile: String? = nil
        ) {
            self.type = type
            self.path = path
            self.mount = mount
            self.id = id
            self.profile = profile
        }

        /// `MOUNT:/mnt/disk1`, as Mesos prints a source.
        public var summary: String {
            let root = path?.root ?? mount?.root
            return root.map { "\(type.name):\($0)" } ?? type.name
        }
    }

    public var persistence: Persistence?
    public var source: Source?

    public init(persistence: Persistence? = nil, source: Source? = nil) {
        self.persistence = persistence
        self.source = source
    }
}

/// A message without fields whose presence is the information (`Resource.RevocableInfo`,
/// `Resource.SharedInfo`): `{}` in JSON.
public struct Marker: Codable, Sendable, Hashable {
    public init() {}
}
