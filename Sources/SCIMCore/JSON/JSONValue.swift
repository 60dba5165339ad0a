/// A parsed JSON value that keeps object members in their original order.
///
/// SCIM bodies are dynamic (PATCH values, unknown attributes, extensions), so the core works on this
/// type instead of Codable structs. Object keys keep their spelling; lookups by attribute name go
/// through ``JSONObject/value(forAttribute:)``, which ignores case as RFC 7643 §2.1 requires.
package enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case decimal(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

/// A JSON object: members in document order.
package struct JSONObject: Sendable, Equatable {
    package var members: [(key: String, value: JSONValue)]

    package init(_ members: [(key: String, value: JSONValue)] = []) {
        self.members = members
    }

    package static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        return zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    /// Returns the member whose key matches `name` exactly.
    package subscript(key: String) -> JSONValue? {
        members.first { $0.key == key }?.value
    }

    /// Returns the member whose key matches an attribute name without regard to case.
    package func value(forAttribute name: String) -> JSONValue? {
        members.first { $0.key.lowercased() == name.lowercased() }?.value
    }

    /// Appends a member, or replaces the value of a member with the same key.
    package mutating func set(_ key: String, _ value: JSONValue) {
        if let index = members.firstIndex(where: { $0.key == key }) {
            members[index].value = value
        } else {
            members.append((key, value))
        }
    }
}

extension JSONValue {
    /// The string, if this value is one.
    package var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The object, if this value is one.
    package var objectValue: JSONObject? {
        if case .object(let object) = self { return object }
        return nil
    }

    /// The array, if this value is one.
    package var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// The name of the JSON type, for error messages.
    package var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer, .decimal: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
