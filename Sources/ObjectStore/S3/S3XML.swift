import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// An S3 XML answer (`ListBucketResult`, `Error`, `InitiateMultipartUploadResult`, …) as a small tree, read
/// with Foundation's XMLParser. Answers are bounded by the caller before they get here.
struct S3XMLElement: Sendable {
    var name: String
    var text: String
    var children: [S3XMLElement]

    /// The text of the first child called `name`.
    func value(_ name: String) -> String? { children.first { $0.name == name }?.text }

    func all(_ name: String) -> [S3XMLElement] { children.filter { $0.name == name } }

    /// Parses `data`; nil when it is not well-formed XML.
    static func parse(_ data: Data) -> S3XMLElement? {
        let builder = TreeBuilder()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else { return nil }
        return root
    }

    private final class TreeBuilder: NSObject, XMLParserDelegate {
        var stack: [S3XMLElement] = []
        var root: S3XMLElement?
        static let maximumDepth = 16

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
            qualifiedName: String?, attributes: [String: String] = [:]
        ) {
            guard stack.count < Self.maximumDepth else {
                parser.abortParsing()
                return
            }
            stack.append(S3XMLElement(name: elementName, text: "", children: []))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }

        func parser(
            _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
            qualifiedName: String?
        ) {
            guard var element = stack.popLast() else { return }
            element.text = element.text.trimmingCharacters(in: .whitespacesAndNewlines)
            if stack.isEmpty {
                root = element
            } else {
                stack[stack.count - 1].children.append(element)
            }
        }
    }
}
