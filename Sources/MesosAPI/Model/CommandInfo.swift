/// `CommandInfo`: what an agent runs (an executor or a command task) and what it downloads first.
///
/// `shell` unset means true in Mesos: `value` runs under `/bin/sh -c` and `arguments` are ignored. With
/// `shell: false`, `value` is executed directly and `arguments` is the whole argv, argv[0] included.
public struct CommandInfo: Codable, Sendable, Hashable {
    public var uris: [URI]
    public var environment: Environment?
    public var value: String?
    public var user: String?
    public var shell: Bool?
    public var arguments: [String]

    public init(
        value: String? = nil, arguments: [String] = [], shell: Bool? = nil, uris: [URI] = [],
        environment: Environment? = nil, user: String? = nil
    ) {
        self.uris = uris
        self.environment = environment
        self.value = value
        self.user = user
        self.shell = shell
        self.arguments = arguments
    }

    /// Whether the command runs through the shell, applying Mesos' default (true).
    public var runsInShell: Bool { shell ?? true }

    /// `CommandInfo.URI`: a file the fetcher puts in the sandbox before the command starts.
    public struct URI: Codable, Sendable, Hashable {
        public var value: String
        public var executable: Bool?
        /// Mesos default true: archives are unpacked.
        public var extract: Bool?
        public var cache: Bool?
        /// File name in the sandbox, instead of the URI's basename.
        public var outputFile: String?

        public init(
            value: String, executable: Bool? = nil, extract: Bool? = nil, cache: Bool? = nil,
            outputFile: String? = nil
        ) {
            self.value = value
            self.executable = executable
            self.extract = extract
            self.cache = cache
            self.outputFile = outputFile
        }

        enum CodingKeys: String, CodingKey {
            case value, executable, extract, cache
            case outputFile = "output_file"
        }
    }

    enum CodingKeys: String, CodingKey { case uris, environment, value, user, shell, arguments }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        uris = try container.decodeRepeated(URI.self, forKey: .uris)
        environment = try container.decodeIfPresent(Environment.self, forKey: .environment)
        value = try container.decodeIfPresent(String.self, forKey: .value)
        user = try container.decodeIfPresent(String.self, forKey: .user)
        shell = try container.decodeIfPresent(Bool.self, forKey: .shell)
        arguments = try container.decodeRepeated(String.self, forKey: .arguments)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeRepeated(uris, forKey: .uris)
        try container.encodeIfPresent(environment, forKey: .environment)
        try container.encodeIfPresent(value, forKey: .value)
        try container.encodeIfPresent(user, forKey: .user)
        try container.encodeIfPresent(shell, forKey: .shell)
        try container.encodeRepeated(arguments, forKey: .arguments)
    }
}

/// `Environment`: variables set for a command, applied after the agent's own (so they win).
public struct Environment: Codable, Sendable, Hashable {
    public var variables: [Variable]

    public init(_ variables: [Variable] = []) { self.variables = variables }

    /// Plain VALUE variables from pairs, in the order given.
    public init(_ pairs: KeyValuePairs<String, String>) {
        self.variables = pairs.map { Variable(name: $0.key, value: $0.value) }
    }

    /// The value of the first variable called `name`.
    public subscript(name: String) -> String? { variables.first { $0.name == name }?.value }

    /// `Environment.Variable`. SECRET variables are not modelled (their `secret` is dropped).
    public struct Variable: Codable, Sendable, Hashable {
        public var name: String
        public var value: String?
        public var type: Kind?

        public init(name: String, value: String? = nil, type: Kind? = nil) {
            self.name = name
            self.value = value
            self.type = type
        }

        /// `Environment.Variable.Type` (Mesos default VALUE).
        public enum Kind: MesosEnum {
            case unknown, value, secret
            case unrecognized(String)

            public static let knownCases: [Kind] = [.unknown, .value, .secret]

            public var name: String {
                switch self {
                case .unknown: "UNKNOWN"
                case .value: "VALUE"
                case .secret: "SECRET"
                case .unrecognized(let name): name
                }
            }
        }
    }

    enum CodingKeys: String, CodingKey { case variables }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        variables = try container.decodeRepeated(Variable.self, forKey: .variables)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeRepeated(variables, forKey: .variables)
    }
}
