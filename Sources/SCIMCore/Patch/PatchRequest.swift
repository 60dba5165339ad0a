/// A PATCH request body (RFC 7644 §3.5.2): a list of operations applied in order, all or nothing.
package struct PatchRequest: Sendable, Equatable {
    package static let schemaURN = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

    /// One operation. `op` matches without regard to case, since Entra ID sends `Add`, `Replace`, `Remove`.
    package struct Operation: Sendable, Equatable {
        package enum Kind: String, Sendable {
            case add, remove, replace
        }

        package var kind: Kind
        package var path: PatchPath?
        package var value: JSONValue?
    }

    package var operations: [Operation]

    /// Parses and checks a PATCH body.
    /// - Throws: `invalidSyntax` for a body that is not a JSON object or lacks `Operations`;
    ///   `invalidValue` for a wrong schema or op; `invalidPath` for a path that does not parse.
    package static func parse(_ body: [UInt8]) throws(SCIMError) -> PatchRequest {
        let object = try parseObject(body)
        try checkSchemas(object, allowed: [schemaURN], required: schemaURN)
        guard let operationsValue = object.value(forAttribute: "Operations") else {
            throw .invalidSyntax("The PATCH request has no 'Operations' member.")
        }
        guard let items = operationsValue.arrayValue, !items.isEmpty else {
            throw .invalidSyntax("'Operations' must be a non-empty array.")
        }
        var operations: [Operation] = []
        for (position, item) in items.enumerated() {
            operations.append(try parseOperation(item, position: position))
        }
        return PatchRequest(operations: operations)
    }

    private static func parseOperation(_ item: JSONValue, position: Int) throws(SCIMError) -> Operation {
        guard let object = item.objectValue else {
            throw .invalidSyntax("Operation \(position + 1) must be a JSON object.")
        }
        for member in object.members where !["op", "path", "value"].contains(member.key.lowercased()) {
            throw .invalidSyntax("Operation \(position + 1) has an unknown member '\(member.key)'.")
        }
        guard let opText = object.value(forAttribute: "op")?.stringValue,
            let kind = Operation.Kind(rawValue: opText.lowercased())
        else {
            throw .invalidValue("Operation \(position + 1) needs an 'op' of add, remove or replace.")
        }
        var path: PatchPath?
        if let pathValue = object.value(forAttribute: "path") {
            guard let text = pathValue.stringValue else {
                throw .invalidPath("Operation \(position + 1) has a 'path' that is not a string.")
            }
            path = try PatchPath.parse(text)
        }
        let value = object.value(forAttribute: "value")
        if kind == .remove, path == nil, value == nil {
            throw .noTarget("Operation \(position + 1) removes without a 'path'.")
        }
        if kind != .remove, value == nil {
            throw .invalidValue("Operation \(position + 1) (\(kind.rawValue)) needs a 'value'.")
        }
        return Operation(kind: kind, path: path, value: value)
    }
}

/// A PATCH path (RFC 7644 §3.5.2): an attribute path, or a value path with an optional sub-attribute.
package struct PatchPath: Sendable, Equatable, CustomStringConvertible {
    package var attribute: AttributePath
    /// The filter of a value path such as `emails[type eq "work"]`.
    package var valueFilter: Filter?
    /// The sub-attribute after a value path's closing bracket, as in `emails[type eq "work"].value`.
    package var valueSubAttribute: String?
    package var text: String

    package var description: String { text }

    /// Parses a path.
    /// - Throws: `invalidPath` naming the path.
    package static func parse(_ text: String) throws(SCIMError) -> PatchPath {
        let trimmed = text.trimmingSpaces()
        guard !trimmed.isEmpty else { throw .invalidPath("The path is empty.") }
        guard let open = trimmed.firstIndex(of: "[") else {
            let attribute = try attributePath(trimmed, original: text)
            return PatchPath(attribute: attribute, text: text)
        }
        guard let close = trimmed.lastIndex(of: "]"), close > open else {
            throw .invalidPath("The path '\(text)' has an unclosed '['.")
        }
        let attribute = try attributePath(String(trimmed[..<open]), original: text)
        guard attribute.subAttribute == nil else { throw .invalidPath("The path '\(text)' is not valid.") }
        let filter: Filter
        do {
            filter = try FilterParser.parse(String(trimmed[trimmed.index(after: open)..<close]))
        } catch {
            throw .invalidPath("The filter in path '\(text)' is not valid: \(error.detail)")
        }
        let tail = trimmed[trimmed.index(after: close)...]
        var sub: String?
        if !tail.isEmpty {
            guard tail.first == ".", isAttributeName(tail.dropFirst()) else {
                throw .invalidPath("The path '\(text)' is not valid.")
            }
            sub = String(tail.dropFirst())
        }
        return PatchPath(attribute: attribute, valueFilter: filter, valueSubAttribute: sub, text: text)
    }

    private static func attributePath(_ text: String, original: String) throws(SCIMError) -> AttributePath {
        do {
            guard case .comparison(let path, .pr, nil) = try FilterParser.parse(text + " pr") else {
                throw SCIMError.invalidPath("")
            }
            return path
        } catch {
            throw .invalidPath("The path '\(original)' is not a valid attribute path.")
        }
    }
}

extension String {
    /// Returns the string without leading and trailing spaces and tabs.
    package func trimmingSpaces() -> String {
        var slice = Substring(self)
        while slice.first == " " || slice.first == "\t" { slice = slice.dropFirst() }
        while slice.last == " " || slice.last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
